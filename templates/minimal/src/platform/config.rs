//! Typed settings from environment variables.
//!
//! Guarantees: every setting has a default, a variable named `<PREFIX>_<KEY>` (the prefix is the
//! package name in upper case, `-` as `_`), and a validation that names the variable when it
//! fails; variables with the prefix that are not settings are refused, so a typo cannot pass
//! silently. [`SETTINGS`] is the single list of settings: `.env.example` is checked against it.

use std::collections::BTreeMap;

/// One setting: its key (after the prefix), default and meaning.
#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// Every setting the server reads.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "LOG",
        default: "info,rmcp=warn",
        help: "Log filter (tracing EnvFilter syntax); logs go to stderr only.",
    },
    Setting {
        key: "GREETING",
        default: "Hello",
        help: "The greeting the example `greet` tool uses (1 to 40 characters).",
    },
];

/// The validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Log filter directives.
    pub log: String,
    /// Greeting used by the example tool.
    pub greeting: String,
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {variable}: {reason}")]
pub struct ConfigError {
    pub variable: String,
    pub reason: String,
}

/// The prefix of every setting's variable, derived from the package name.
pub fn env_prefix() -> String {
    env!("CARGO_PKG_NAME")
        .to_ascii_uppercase()
        .replace('-', "_")
}

/// The full variable name of a setting key.
pub fn variable(key: &str) -> String {
    format!("{}_{key}", env_prefix())
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Builds settings from `(variable, value)` pairs; tests pass their own.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let prefix = format!("{}_", env_prefix());
        let mut given = BTreeMap::new();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(&prefix) else {
                continue;
            };
            if !SETTINGS.iter().any(|s| s.key == key) {
                let known: Vec<String> = SETTINGS.iter().map(|s| variable(s.key)).collect();
                return Err(ConfigError {
                    variable: name.clone(),
                    reason: format!(
                        "not a setting of this server (settings: {})",
                        known.join(", ")
                    ),
                });
            }
            given.insert(key.to_string(), value);
        }
        let get = |key: &str| -> String {
            given.get(key).cloned().unwrap_or_else(|| {
                let setting = SETTINGS.iter().find(|s| s.key == key);
                setting.map(|s| s.default.to_string()).unwrap_or_default()
            })
        };
        let invalid = |key: &str, reason: String| ConfigError {
            variable: variable(key),
            reason,
        };

        let log = get("LOG");
        tracing_subscriber::EnvFilter::try_new(&log)
            .map_err(|e| invalid("LOG", format!("`{log}` is not a log filter: {e}")))?;

        let greeting = get("GREETING");
        let length = greeting.chars().count();
        if !(1..=40).contains(&length) || greeting.chars().any(char::is_control) {
            return Err(invalid(
                "GREETING",
                format!("must be 1 to 40 characters on one line, got {length}"),
            ));
        }

        Ok(Self { log, greeting })
    }

    /// The defaults, as used by the in-memory test harness.
    pub fn defaults() -> Self {
        Self::from_vars(std::iter::empty()).expect("the defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (variable(k), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let settings = Settings::from_vars(vec![("PATH".into(), "/bin".into())]).unwrap();
        assert_eq!(settings.greeting, "Hello");
        assert_eq!(settings.log, "info,rmcp=warn");
    }

    #[test]
    fn variables_override_defaults() {
        let settings = Settings::from_vars(vars(&[("GREETING", "Hi")])).unwrap();
        assert_eq!(settings.greeting, "Hi");
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let err = Settings::from_vars(vars(&[("GREETING", "")])).unwrap_err();
        assert_eq!(err.variable, variable("GREETING"));
        assert!(
            err.to_string().contains("must be 1 to 40 characters"),
            "{err}"
        );

        let err = Settings::from_vars(vars(&[("LOG", "info,[")])).unwrap_err();
        assert_eq!(err.variable, variable("LOG"));
    }

    #[test]
    fn unknown_variables_with_the_prefix_are_refused() {
        let err = Settings::from_vars(vars(&[("GRETING", "Hi")])).unwrap_err();
        assert_eq!(err.variable, variable("GRETING"));
        assert!(err.reason.contains(&variable("GREETING")), "{err}");
    }

    /// `.env.example` must list exactly the settings, with their defaults, in order.
    #[test]
    fn env_example_lists_every_setting() {
        let example = include_str!("../../.env.example");
        let listed: Vec<(String, String)> = example
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let (name, value) = line.split_once('=').expect("NAME=value lines");
                (name.to_string(), value.to_string())
            })
            .collect();
        let expected: Vec<(String, String)> = SETTINGS
            .iter()
            .map(|s| (variable(s.key), s.default.to_string()))
            .collect();
        assert_eq!(
            listed, expected,
            ".env.example is out of sync with SETTINGS"
        );
        for setting in SETTINGS {
            assert!(
                example.contains(setting.help),
                ".env.example lacks the help of {}",
                setting.key
            );
        }
    }
}
