// Owned by your team: edit freely.
//! This server's own settings, read like the platform's: same prefix, same sources (defaults →
//! the `CONFIG_FILE` → `.env` in debug builds → the environment), validated at startup (a bad
//! value stops the server with exit code 2, naming the variable) and listed in `.env.example`.
//!
//! To add one: a [`Setting`] in [`Settings::SETTINGS`] (key without the prefix, default,
//! help), a field, and its parsing in [`Settings::from_vars`]; then add the line to
//! `.env.example` (a test checks it).

use platform::prelude::*;

/// The validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How the example `greet` tool greets.
    pub greeting: String,
}

impl TeamSettings for Settings {
    const SETTINGS: &'static [Setting] = &[Setting {
        key: "GREETING",
        default: "Hello",
        help: "The greeting the example `greet` tool uses (1 to 40 characters).",
    }];

    fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let greeting = vars.get("GREETING");
        let length = greeting.chars().count();
        if !(1..=40).contains(&length) || greeting.chars().any(char::is_control) {
            return Err(vars.invalid(
                "GREETING",
                format!("must be 1 to 40 characters on one line, got {length}"),
            ));
        }
        Ok(Self { greeting })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let pairs = pairs
            .iter()
            .map(|(k, v)| (platform::config::variable(k), v.to_string()));
        Settings::from_vars(&Vars::read(pairs, Settings::SETTINGS)?)
    }

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(read(&[]).unwrap().greeting, "Hello");
        assert_eq!(read(&[("GREETING", "Ahoy")]).unwrap().greeting, "Ahoy");
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let err = read(&[("GREETING", "")]).unwrap_err();
        assert_eq!(err.variable, platform::config::variable("GREETING"));
        assert!(err.reason.contains("1 to 40 characters"), "{err}");
    }
}
