//! A small CSV reader (RFC 4180: quoted fields with doubled quotes and line
//! breaks inside quotes, CRLF or LF line ends), enough for review exports;
//! each record keeps the line it starts on, for per-row errors.

/// One record: the line it starts on (1-based) and its fields.
pub(crate) type Record = (usize, Vec<String>);

/// Splits CSV text into records; an unterminated quote is an error naming
/// the line it opened on.
pub(crate) fn records(text: &str) -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' => {}
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    out.push((start, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start = line;
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {quote_line}: a quoted field is never closed"));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_and_line_breaks_inside_fields() {
        let text = "a,b,c\r\n1,\"two, \"\"2\"\"\",\"three\nlines\"\n\n4,5,6";
        let got = records(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].0, 2);
        assert_eq!(got[1].1, vec!["1", "two, \"2\"", "three\nlines"]);
        assert_eq!(got[2], (5, vec!["4".into(), "5".into(), "6".into()]));
        assert!(records("a,\"b\n").is_err());
    }
}
