//! Settings: built-in defaults, then a TOML file, then `RAPPORT_*`
//! environment variables, then command-line flags.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Every setting, as read from a file (all optional there).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// `sqlite:PATH` or `postgres://user@host/db`; default: SQLite in the data directory.
    pub database_url: Option<String>,
    /// Address to listen on.
    pub listen: Option<String>,
    /// Where Rapport keeps its files.
    pub data_dir: Option<PathBuf>,
    /// How people reach this Rapport (for links it prints).
    pub public_base_url: Option<String>,
    /// Log filter, e.g. `info` or `rapport=debug`.
    pub log: Option<String>,
}

/// The settings in force.
#[derive(Clone)]
pub struct Settings {
    /// Database URL.
    pub database_url: String,
    /// Listen address.
    pub listen: String,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Public base URL.
    pub public_base_url: String,
    /// Log filter.
    pub log: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &rapport_store::redact(&self.database_url))
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("public_base_url", &self.public_base_url)
            .field("log", &self.log)
            .finish()
    }
}

/// The sample configuration file, with every key and its default.
pub const SAMPLE: &str = r#"# Rapport configuration. Every key is optional; RAPPORT_<KEY> environment
# variables (e.g. RAPPORT_DATABASE_URL) override this file, flags override both.

# Where Rapport keeps its files (the SQLite database by default).
data_dir = "rapport-data"

# sqlite:PATH (default: sqlite:<data_dir>/rapport.db) or postgres://user@host:5432/db
# database_url = "postgres://postgres@127.0.0.1:5432/rapport"

# Address to listen on.
listen = "127.0.0.1:8080"

# How people reach this Rapport; used in links it prints.
public_base_url = "http://127.0.0.1:8080"

# Log filter (tracing EnvFilter syntax).
log = "info"
"#;

fn env(key: &str) -> Option<String> {
    std::env::var(format!("RAPPORT_{key}"))
        .ok()
        .filter(|v| !v.is_empty())
}

/// Reads the file (if any) and the environment, then applies the overrides.
pub fn load(file: Option<&Path>, overrides: FileSettings) -> Result<Settings> {
    let file = file
        .map(Path::to_path_buf)
        .or_else(|| env("CONFIG").map(PathBuf::from));
    let from_file = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the configuration file {}", path.display())
            })?;
            toml::from_str::<FileSettings>(&text).with_context(|| {
                format!("{} is not a valid Rapport configuration", path.display())
            })?
        }
        None => FileSettings::default(),
    };
    let data_dir = overrides
        .data_dir
        .or_else(|| env("DATA_DIR").map(PathBuf::from))
        .or(from_file.data_dir)
        .unwrap_or_else(|| PathBuf::from("rapport-data"));
    let listen = overrides
        .listen
        .or_else(|| env("LISTEN"))
        .or(from_file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let database_url = overrides
        .database_url
        .or_else(|| env("DATABASE_URL"))
        .or(from_file.database_url)
        .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("rapport.db").display()));
    rapport_store::Backend::from_url(&database_url)?;
    let public_base_url = overrides
        .public_base_url
        .or_else(|| env("PUBLIC_BASE_URL"))
        .or(from_file.public_base_url)
        .unwrap_or_else(|| format!("http://{listen}"));
    if !public_base_url.starts_with("http://") && !public_base_url.starts_with("https://") {
        bail!("public_base_url must start with http:// or https://, got {public_base_url:?}");
    }
    let log = overrides
        .log
        .or_else(|| env("LOG"))
        .or(from_file.log)
        .unwrap_or_else(|| "info".into());
    Ok(Settings {
        database_url,
        listen,
        data_dir,
        public_base_url: public_base_url.trim_end_matches('/').to_string(),
        log,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses_and_unknown_keys_are_refused() {
        assert!(toml::from_str::<FileSettings>(SAMPLE).is_ok());
        assert!(toml::from_str::<FileSettings>("databse_url = \"x\"").is_err());
    }

    #[test]
    fn flags_beat_the_file_and_defaults_follow_the_data_dir() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("rapport-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("rapport.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/rapport\"\n",
        )?;
        let s = load(Some(&file), FileSettings::default())?;
        assert_eq!(s.listen, "127.0.0.1:9000");
        assert_eq!(s.database_url, "sqlite:/srv/rapport/rapport.db");
        assert_eq!(s.public_base_url, "http://127.0.0.1:9000");
        let s = load(
            Some(&file),
            FileSettings {
                listen: Some("0.0.0.0:1".into()),
                ..Default::default()
            },
        )?;
        assert_eq!(s.listen, "0.0.0.0:1");
        let bad = load(
            Some(&file),
            FileSettings {
                database_url: Some("mysql://x".into()),
                ..Default::default()
            },
        );
        assert!(bad.is_err());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
