//! The drafts of a frozen evaluation set labelled for politeness, shared by
//! the politeness test and the `politeness` example.

use serde_json::Value;

/// The drafts of `eval/<set>`: polite = no label, impolite = labelled
/// `rude` (and `arguing`, when `arguing` is set); others are left out.
pub fn labelled(set: &str, arguing: bool) -> Vec<(String, bool)> {
    let path = format!("{}/eval/{set}/cases.jsonl", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).unwrap();
        let expect: Vec<&str> = v["expect"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let draft = v["draft"].as_str().unwrap().to_string();
        if expect.is_empty() {
            out.push((draft, true));
        } else if expect.contains(&"rude") || (arguing && expect.contains(&"arguing")) {
            out.push((draft, false));
        }
    }
    out
}
