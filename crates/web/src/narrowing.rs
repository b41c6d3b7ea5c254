//! The priority, channel and tag a ticket list is narrowed to, read from a
//! query string the same way for the workspace's views and the JSON API.

use crate::error::ApiError;
use rapport_core::{Channel, Priority};

/// What a list was narrowed to besides its view or filter (none: any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrowing {
    /// Only tickets of this priority.
    pub priority: Option<Priority>,
    /// Only tickets that came in through this channel.
    pub channel: Option<Channel>,
    /// Only tickets carrying this tag, in its stored form.
    pub tag: Option<String>,
}

/// Reads the three values (an empty one is "any"); a value outside their
/// sets, or a text that cannot be a tag, is refused naming its field.
pub fn narrowing(
    priority: Option<&str>,
    channel: Option<&str>,
    tag: Option<&str>,
) -> Result<Narrowing, ApiError> {
    fn chosen(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    // A refused value is named by its start only.
    let shown = |v: &str| format!("{:?}", v.chars().take(50).collect::<String>());
    let priority = chosen(priority)
        .map(|p| {
            p.parse::<Priority>().map_err(|_| {
                ApiError::refusal(
                    "priority",
                    rapport_app::msg!("error.page.priority", value = shown(p)),
                )
            })
        })
        .transpose()?;
    let channel = chosen(channel)
        .map(|c| {
            c.parse::<Channel>().map_err(|_| {
                ApiError::refusal(
                    "channel",
                    rapport_app::msg!("error.page.channel", value = shown(c)),
                )
            })
        })
        .transpose()?;
    let tag = chosen(tag)
        .map(|t| {
            rapport_core::ticket::normalize_tag(t)
                .map_err(|e| ApiError::refusal("tag", rapport_app::core_words::tag_words(&e)))
        })
        .transpose()?;
    Ok(Narrowing {
        priority,
        channel,
        tag,
    })
}
