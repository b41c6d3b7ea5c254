//! Separating what the customer just wrote from quoted history and signatures.

/// The new text of a message: stops at the first quote header ("On ... wrote:",
/// "-----Original Message-----", an Outlook "From:" block), drops ">" lines,
/// and cuts the signature ("-- ", "Sent from my ...").
pub fn visible_text(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        let quote_header = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("on ")
                && lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim().to_lowercase().ends_with("wrote:")))
            || lower.starts_with("-----original message-----")
            || (lower.starts_with("from:")
                && i > 0
                && lines[i - 1].trim().is_empty()
                && lines.get(i + 1).is_some_and(|n| {
                    let n = n.trim().to_lowercase();
                    n.starts_with("sent:") || n.starts_with("date:") || n.starts_with("to:")
                }))
            || lower.starts_with("________________________________");
        let signature = *line == "-- " || trimmed == "--" || lower.starts_with("sent from my ");
        if quote_header || signature {
            break;
        }
        if trimmed.starts_with('>') {
            continue;
        }
        out.push(line);
    }
    out.join("\n").trim().to_string()
}
