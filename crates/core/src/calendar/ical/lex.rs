//! RFC 5545 content lines: unfolding, parameters, TEXT escapes, folding.

use super::{IcalError, IcalErrorKind};

/// One unfolded content line: `NAME;PARAM=VALUE:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// The 1-based physical line where it starts.
    pub number: usize,
    /// The property name, uppercased.
    pub name: String,
    /// Parameters, names uppercased, quotes removed, several values kept
    /// comma-separated.
    pub params: Vec<(String, String)>,
    /// The raw value (TEXT escapes still in place).
    pub value: String,
}

impl Line {
    /// A parameter's value.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// An error at this line.
    pub(crate) fn error(&self, kind: IcalErrorKind) -> IcalError {
        IcalError {
            line: self.number,
            kind,
        }
    }

    /// An `Unsupported` error at this line.
    pub(crate) fn unsupported(&self, what: &str) -> IcalError {
        self.error(IcalErrorKind::Unsupported(what.to_owned()))
    }

    /// A `BadValue` error for this line's value.
    pub(crate) fn bad_value(&self, why: &'static str) -> IcalError {
        self.error(IcalErrorKind::BadValue {
            property: self.name.clone(),
            value: self.value.chars().take(80).collect(),
            why,
        })
    }
}

/// Splits text (CRLF or LF) into unfolded, parsed content lines. Blank lines
/// are skipped.
pub(crate) fn lines(text: &str) -> Result<Vec<Line>, IcalError> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let number = index + 1;
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match current.as_mut() {
                Some((_, logical)) => logical.push_str(rest),
                None => {
                    return Err(IcalError {
                        line: number,
                        kind: IcalErrorKind::Malformed(
                            "a continuation line with nothing to continue",
                        ),
                    });
                }
            }
            continue;
        }
        if let Some((start, logical)) = current.take() {
            out.push(parse_line(start, &logical)?);
        }
        if !raw.is_empty() {
            current = Some((number, raw.to_owned()));
        }
    }
    if let Some((start, logical)) = current {
        out.push(parse_line(start, &logical)?);
    }
    Ok(out)
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Parses one unfolded content line.
fn parse_line(number: usize, raw: &str) -> Result<Line, IcalError> {
    let malformed = |why| IcalError {
        line: number,
        kind: IcalErrorKind::Malformed(why),
    };
    let name_end = raw
        .find([';', ':'])
        .ok_or_else(|| malformed("no ':' between property name and value"))?;
    let name = &raw[..name_end];
    if !is_name(name) {
        return Err(malformed(
            "a property name has only letters, digits and '-'",
        ));
    }
    let mut rest = &raw[name_end..];
    let mut params = Vec::new();
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after
            .find('=')
            .ok_or_else(|| malformed("a parameter without '='"))?;
        let key = &after[..eq];
        if !is_name(key) {
            return Err(malformed(
                "a parameter name has only letters, digits and '-'",
            ));
        }
        let mut v = &after[eq + 1..];
        let mut value = String::new();
        loop {
            if let Some(quoted) = v.strip_prefix('"') {
                let close = quoted
                    .find('"')
                    .ok_or_else(|| malformed("an unterminated quoted parameter value"))?;
                value.push_str(&quoted[..close]);
                v = &quoted[close + 1..];
            } else {
                let end = v.find([',', ';', ':']).unwrap_or(v.len());
                value.push_str(&v[..end]);
                v = &v[end..];
            }
            match v.strip_prefix(',') {
                Some(more) => {
                    value.push(',');
                    v = more;
                }
                None => break,
            }
        }
        params.push((key.to_ascii_uppercase(), value));
        rest = v;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| malformed("no ':' between parameters and value"))?;
    Ok(Line {
        number,
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
    })
}

/// Reads a TEXT value: `\\`, `\;`, `\,`, `\n` and `\N` (unknown escapes keep
/// the escaped character).
pub(crate) fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Writes a TEXT value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line to `out`, folded at 75 octets, ending in CRLF.
pub(crate) fn push_folded(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > budget {
            out.push_str("\r\n ");
            budget = 74;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_crlf_and_lf_and_reads_parameters() {
        let text = "BEGIN:VEVENT\r\nSUMMARY:Long\r\n  text\r\n\tmore\nDTSTART;TZID=\"Europe/Berlin\";X-A=a,\"b:c\":20260101T090000\n";
        let Ok(lines) = lines(text) else {
            panic!("should parse")
        };
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].value, "Long textmore");
        assert_eq!(lines[2].number, 5);
        assert_eq!(lines[2].param("TZID"), Some("Europe/Berlin"));
        assert_eq!(lines[2].param("X-A"), Some("a,b:c"));
        assert_eq!(lines[2].value, "20260101T090000");
    }

    #[test]
    fn escapes_round_trip() {
        let text = "Inventory; back soon, really\\truly\nsecond line";
        assert_eq!(unescape(&escape(text)), text);
        assert_eq!(unescape("a\\Nb\\,c"), "a\nb,c");
    }

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(100));
        push_folded(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{}", physical.len());
        }
        let Ok(back) = lines(&out) else {
            panic!("should parse")
        };
        assert_eq!(back[0].value, "é".repeat(100));
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let err = lines("BEGIN:VCALENDAR\nno colon here\n");
        assert!(matches!(err, Err(IcalError { line: 2, .. })), "{err:?}");
        let err = lines(" continuation first");
        assert!(matches!(err, Err(IcalError { line: 1, .. })), "{err:?}");
    }
}
