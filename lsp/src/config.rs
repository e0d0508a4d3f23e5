//! The server's settings: `initializationOptions` at start, then the
//! `tvix` section of `workspace/configuration` whenever the client says it
//! changed. Every field is optional; unknown fields are ignored.

use serde::Deserialize;
use tvix_analysis::AnalysisSettings;

/// Settings as the client sends them (camelCase JSON).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// Evaluation-backed features.
    pub eval: EvalConfig,
    /// Diagnostics.
    pub diagnostics: DiagnosticsConfig,
    /// `<name>` lookups: `name=path` entries, like `NIX_PATH`.
    pub nix_path: Vec<String>,
    /// Formatting.
    pub formatting: FormattingConfig,
}

/// `eval.*` settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EvalConfig {
    /// Whether to evaluate at all.
    pub enable: bool,
    /// Wall-clock budget per evaluation.
    pub timeout_ms: u64,
    /// Step budget per evaluation.
    pub max_steps: u64,
    /// Memory budget per evaluation (growth of the resident set), in MiB.
    pub max_memory_mb: u64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        let defaults = AnalysisSettings::default();
        EvalConfig {
            enable: defaults.eval_enabled,
            timeout_ms: defaults.eval_timeout_ms,
            max_steps: defaults.eval_max_steps,
            max_memory_mb: defaults.eval_max_memory_mb,
        }
    }
}

/// `diagnostics.*` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct DiagnosticsConfig {
    /// Codes not to report (`unused-with`, …).
    pub disabled: Vec<String>,
}

/// `formatting.*` settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct FormattingConfig {
    /// The formatter and its arguments; it reads stdin and writes stdout.
    pub command: Vec<String>,
}

impl Default for FormattingConfig {
    fn default() -> Self {
        FormattingConfig {
            command: vec!["nixfmt".to_owned()],
        }
    }
}

impl Config {
    /// Reads settings from JSON: either the `tvix` section itself or an
    /// object holding it under `tvix`. Invalid JSON shapes give defaults
    /// (and the error, for the log).
    pub fn from_json(value: &serde_json::Value) -> Result<Config, String> {
        if value.is_null() {
            return Ok(Config::default());
        }
        let section = value.get("tvix").unwrap_or(value);
        serde_json::from_value(section.clone()).map_err(|e| e.to_string())
    }

    /// The analysis settings these make.
    pub fn analysis_settings(&self) -> AnalysisSettings {
        AnalysisSettings {
            disabled_lints: self.diagnostics.disabled.clone(),
            eval_enabled: self.eval.enable,
            eval_timeout_ms: self.eval.timeout_ms,
            eval_max_steps: self.eval.max_steps,
            eval_max_memory_mb: self.eval.max_memory_mb,
            // Entries without a prefix (`/path`) are kept, as `-I` keeps them.
            search_path: tvix_eval::search_path::entries(
                self.nix_path.iter().map(String::as_str),
                "",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_or_bare_sections() {
        let bare = serde_json::json!({ "eval": { "enable": false }, "nixPath": ["nixpkgs=/np"] });
        let nested = serde_json::json!({ "tvix": bare.clone() });
        let a = Config::from_json(&bare).unwrap();
        assert_eq!(a, Config::from_json(&nested).unwrap());
        let settings = a.analysis_settings();
        assert!(!settings.eval_enabled);
        assert_eq!(
            settings.search_path,
            vec![("nixpkgs".to_owned(), "/np".to_owned())]
        );
        assert_eq!(settings.eval_timeout_ms, 2_000);
        assert_eq!(settings.eval_max_memory_mb, 1024);
        let limited = serde_json::json!({ "eval": { "maxMemoryMb": 64 } });
        let limited = Config::from_json(&limited).unwrap().analysis_settings();
        assert_eq!(limited.eval_max_memory_mb, 64);
        assert!(Config::from_json(&serde_json::json!({ "eval": 3 })).is_err());
    }
}
