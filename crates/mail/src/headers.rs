//! Reading addresses and Message-IDs from headers, tolerant of sloppy mail.

use crate::Person;
use mail_parser::{Address, HeaderValue};

/// A Message-ID without angle brackets, or nothing when it is empty or broken.
pub(crate) fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

/// Every Message-ID in an In-Reply-To or References header, garbage skipped.
pub(crate) fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(list) => list
            .iter()
            .flat_map(|t| t.split_whitespace())
            .filter_map(clean_id)
            .collect(),
        _ => Vec::new(),
    }
}

/// Recovers something address-like from a sloppy header ("Ann <ann@x.org", "ann at x.org").
pub(crate) fn salvage(raw: &str) -> Option<Person> {
    let candidate = raw
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')'))
        .find(|w| w.contains('@') && w.len() > 3)?;
    Some(Person {
        name: None,
        address: candidate.trim_matches('.').to_string(),
    })
}

/// The people in an address header (groups flattened).
pub(crate) fn people(address: Option<&Address<'_>>) -> Vec<Person> {
    address
        .map(|a| {
            a.iter()
                .filter_map(|addr| {
                    let address = addr.address()?.trim().to_string();
                    (!address.is_empty()).then(|| Person {
                        name: addr
                            .name()
                            .map(|n| n.trim().to_string())
                            .filter(|n| !n.is_empty()),
                        address,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Addresses the message was delivered to (Delivered-To, X-Original-To,
/// Envelope-To), which carry a plus-address even when To does not.
pub(crate) fn delivery_addresses(message: &mail_parser::Message<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (name, value) in message.headers_raw() {
        if !["delivered-to", "x-original-to", "envelope-to"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            continue;
        }
        for part in value.split([',', ' ', '\t', '\r', '\n']) {
            let part = part.trim().trim_start_matches('<').trim_end_matches('>');
            if part.contains('@') && !out.iter().any(|o| o.eq_ignore_ascii_case(part)) {
                out.push(part.to_string());
            }
        }
    }
    out
}
