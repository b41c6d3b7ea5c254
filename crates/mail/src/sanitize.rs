//! Customer HTML made safe to show to an agent: no scripts, event handlers,
//! forms, styles or frames, and nothing loaded from elsewhere (remote images
//! are tracking pixels as often as not). Inline images (`cid:`) stay, so the
//! workspace can show them from the stored attachments.

use std::borrow::Cow;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_url_schemes(["cid"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_relative(ammonia::UrlRelative::Deny)
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" {
                // Only inline images from the message itself.
                return value
                    .trim()
                    .to_ascii_lowercase()
                    .starts_with("cid:")
                    .then(|| Cow::Owned(value.trim().to_string()));
            }
            Some(Cow::Borrowed(value))
        });
    builder
});

/// Sanitizes an HTML body for display.
pub fn sanitize_html(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// Turns a plain-text reply into simple HTML: escaped, paragraphs at blank lines.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::from("<div>");
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        out.push_str("<p>");
        let lines: Vec<String> = paragraph.trim().lines().map(escape).collect();
        out.push_str(&lines.join("<br>\n"));
        out.push_str("</p>\n");
    }
    out.push_str("</div>");
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_forms_and_remote_resources_are_removed() {
        let dirty = r#"<p onclick="steal()">Hi <b>there</b><script>alert(1)</script></p>
<img src="https://tracker.example/pixel.gif" alt="pixel"><img src="cid:photo1@x" alt="lamp">
<form action="https://evil.example"><input name="card"></form>
<a href="javascript:alert(1)">x</a><a href="https://shop.example/help">help</a>
<iframe src="https://evil.example"></iframe><style>body{background:url(https://t.example)}</style>
<div style="background:url(https://t.example/x)">styled</div>"#;
        let clean = sanitize_html(dirty);
        for banned in [
            "script",
            "onclick",
            "tracker.example",
            "<form",
            "<input",
            "javascript:",
            "iframe",
            "t.example",
            "style=",
            "<style",
        ] {
            assert!(!clean.contains(banned), "{banned} survived: {clean}");
        }
        assert!(clean.contains(r#"src="cid:photo1@x""#), "{clean}");
        assert!(clean.contains("https://shop.example/help"), "{clean}");
        assert!(clean.contains("noopener"), "{clean}");
        assert!(clean.contains("<b>there</b>"), "{clean}");
    }

    #[test]
    fn text_becomes_escaped_paragraphs() {
        assert_eq!(
            text_to_html("Hi Ann,\n\n1 < 2 & \"ok\"\nline two\n"),
            "<div><p>Hi Ann,</p>\n<p>1 &lt; 2 &amp; &quot;ok&quot;<br>\nline two</p>\n</div>"
        );
    }
}
