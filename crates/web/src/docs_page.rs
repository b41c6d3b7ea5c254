//! A reference page rendered from the OpenAPI document on the server: no
//! script, nothing fetched from elsewhere, readable offline.

use utoipa::openapi::OpenApi;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the API reference as one HTML page.
pub fn render(doc: &OpenApi) -> String {
    let json = serde_json::to_value(doc).unwrap_or_default();
    let mut html = String::from(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Rapport API</title>\
         <style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}\
         h2{border-bottom:1px solid #ddd;margin-top:2em}.op{margin:1em 0;padding:.6em 1em;border:1px solid #e3e3e3;border-radius:6px}\
         .m{display:inline-block;min-width:4.5em;font-weight:700;text-transform:uppercase}code{background:#f5f5f5;padding:0 .3em}\
         .lock{color:#a60}table{border-collapse:collapse}td{padding:.1em .8em .1em 0;vertical-align:top}</style></head><body>",
    );
    let title = json["info"]["title"].as_str().unwrap_or("API");
    let description = json["info"]["description"].as_str().unwrap_or("");
    html.push_str(&format!(
        "<h1>{}</h1><p>{}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p>",
        escape(title),
        escape(description)
    ));
    let mut by_tag: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    if let Some(paths) = json["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                let tag = op["tags"][0].as_str().unwrap_or("other").to_string();
                let summary = op["summary"]
                    .as_str()
                    .or(op["description"].as_str())
                    .unwrap_or("");
                let secured = op.get("security").is_some();
                let mut entry = format!(
                    "<div class=op><span class=m>{}</span> <code>{}</code>{}<br>{}",
                    escape(method),
                    escape(path),
                    if secured {
                        " <span class=lock>(token)</span>"
                    } else {
                        ""
                    },
                    escape(summary)
                );
                if let Some(params) = op["parameters"].as_array() {
                    entry.push_str("<table>");
                    for p in params {
                        entry.push_str(&format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                            escape(p["name"].as_str().unwrap_or("")),
                            escape(p["in"].as_str().unwrap_or("")),
                            escape(p["description"].as_str().unwrap_or(""))
                        ));
                    }
                    entry.push_str("</table>");
                }
                if let Some(schema) =
                    op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
                {
                    let name = schema.rsplit('/').next().unwrap_or("");
                    entry.push_str(&format!("Body: <a href=\"#{0}\">{0}</a>", escape(name)));
                }
                entry.push_str("</div>");
                by_tag.entry(tag).or_default().push(entry);
            }
        }
    }
    for (tag, ops) in by_tag {
        html.push_str(&format!("<h2>{}</h2>", escape(&tag)));
        for op in ops {
            html.push_str(&op);
        }
    }
    html.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = json["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            html.push_str(&format!("<h3 id=\"{0}\">{0}</h3><table>", escape(name)));
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (field, p) in props {
                    let kind = p["type"].to_string().replace('"', "");
                    html.push_str(&format!(
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(field),
                        if required.contains(&field.as_str()) {
                            " *"
                        } else {
                            ""
                        },
                        escape(&kind),
                        escape(p["description"].as_str().unwrap_or(""))
                    ));
                }
            }
            html.push_str("</table>");
        }
    }
    html.push_str("</body></html>");
    html
}
