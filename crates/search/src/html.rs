//! Escaped HTML for snippets: customer text never becomes markup.

use std::ops::Range;

/// Escapes `text` for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
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
}

/// `text` escaped, with the byte ranges `marks` (sorted, not overlapping,
/// on char boundaries) wrapped in `<mark>`. Ranges that are out of bounds
/// or overlap are skipped.
pub fn mark(text: &str, marks: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 13);
    let mut at = 0;
    for r in marks {
        let valid = r.start >= at
            && r.start < r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end);
        if !valid {
            continue;
        }
        push_escaped(&mut out, &text[at..r.start]);
        out.push_str("<mark>");
        push_escaped(&mut out, &text[r.clone()]);
        out.push_str("</mark>");
        at = r.end;
    }
    push_escaped(&mut out, &text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_escapes() {
        let text = "<script>alert('x')</script> refund & more";
        let marks = vec![28..34, 37..41];
        let html = mark(text, &marks);
        assert_eq!(
            html,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>refund</mark> &amp; <mark>more</mark>"
        );
    }

    #[test]
    fn bad_ranges_are_skipped() {
        // Inside a character, past the end, empty.
        let marks = vec![1..2, 0..9, 3..3];
        assert_eq!(mark("é<", &marks), "é&lt;");
    }
}
