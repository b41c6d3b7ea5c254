//! A linear look at the shape of customer HTML before it is sanitised.
//!
//! The HTML tree builder behind the sanitiser does work that grows with the
//! square of the nesting depth: 110,000 nested `<div>`s took 46 s. One pass
//! over the bytes counts elements and the deepest nesting first, so a message
//! past the bounds is shown as text instead and never reaches the builder.

/// The deepest nesting of elements that is sanitised and shown as HTML.
pub const MAX_HTML_DEPTH: usize = 256;
/// The most elements an HTML body may have to be shown as HTML.
pub const MAX_HTML_ELEMENTS: usize = 100_000;
/// The largest HTML body, in bytes, that is sanitised at all.
pub const MAX_HTML_INPUT_BYTES: usize = 4 * 1024 * 1024;
/// The largest sanitised HTML body that is stored.
pub const MAX_HTML_STORED_BYTES: usize = 1024 * 1024;

/// Counts of one HTML body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HtmlShape {
    /// Start tags seen.
    pub elements: usize,
    /// The deepest nesting of elements that need an end tag.
    pub depth: usize,
}

/// Elements that never have content, so never nest.
const VOID: [&str; 16] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "command",
];
/// Elements whose end tag may be left out (the builder closes them itself):
/// counting them as nesting would call sloppy but ordinary mail deep.
const OPTIONAL_END: [&str; 12] = [
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
];

/// Measures an HTML body in one pass, stopping early once a bound is passed.
pub fn html_shape(html: &str) -> HtmlShape {
    let bytes = html.as_bytes();
    let mut shape = HtmlShape::default();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|b| *b == b'<') {
        i += offset + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, i + 3, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let name_end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |n| start + n);
        if name_end == start || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..name_end].to_ascii_lowercase();
        let tag_end = bytes[name_end..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(bytes.len(), |n| name_end + n);
        let self_closing = tag_end > name_end && bytes.get(tag_end - 1) == Some(&b'/');
        i = tag_end.min(bytes.len());
        let nests = !VOID.contains(&name.as_str()) && !OPTIONAL_END.contains(&name.as_str());
        if closing {
            if nests {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        shape.elements += 1;
        if nests && !self_closing {
            depth += 1;
            shape.depth = shape.depth.max(depth);
        }
        if shape.elements > MAX_HTML_ELEMENTS || shape.depth > MAX_HTML_DEPTH {
            break;
        }
    }
    shape
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|n| from + n)
}

/// Why an HTML body is shown as text instead.
pub fn html_refusal(html: &str) -> Option<String> {
    if html.len() > MAX_HTML_INPUT_BYTES {
        return Some(format!(
            "its HTML has {} bytes (at most {MAX_HTML_INPUT_BYTES} are shown as HTML)",
            html.len()
        ));
    }
    let shape = html_shape(html);
    if shape.depth > MAX_HTML_DEPTH {
        return Some(format!(
            "its HTML nests more than {MAX_HTML_DEPTH} elements deep"
        ));
    }
    if shape.elements > MAX_HTML_ELEMENTS {
        return Some(format!(
            "its HTML has more than {MAX_HTML_ELEMENTS} elements"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_mail_is_shallow() {
        let html = "<html><body><div><p>Hi<br>there<p>again<img src=x/><ul><li>a<li>b</ul></div><!-- <div><div> --></body></html>";
        let shape = html_shape(html);
        assert_eq!(shape.elements, 10);
        assert_eq!(shape.depth, 4, "{shape:?}");
        assert_eq!(html_refusal(html), None);
    }

    #[test]
    fn nested_div_bomb_is_refused_in_one_pass() {
        let html = "<div>".repeat(200_000);
        let shape = html_shape(&html);
        assert_eq!(shape.depth, MAX_HTML_DEPTH + 1);
        assert!(html_refusal(&html).is_some_and(|r| r.contains("deep")));
    }

    #[test]
    fn many_flat_elements_are_refused() {
        let html = "<span>x</span>".repeat(MAX_HTML_ELEMENTS + 1);
        assert_eq!(html_shape(&html).depth, 1);
        assert!(html_refusal(&html).is_some_and(|r| r.contains("elements")));
    }

    #[test]
    fn unclosed_paragraphs_are_not_depth() {
        let html = "<p>line".repeat(5_000);
        assert_eq!(html_shape(&html).depth, 0);
        assert_eq!(html_refusal(&html), None);
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<", "</", "<!--", "<a", "<1>", "</>", "<é>", "<div/", "x<<<>>>",
        ] {
            let _ = html_shape(html);
        }
    }
}
