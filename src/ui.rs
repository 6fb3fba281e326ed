//! Terminal output: cargo-style status lines on stderr, errors with hints, colour that honours
//! `--color`, `NO_COLOR` and non-terminals. Commands print through a [`Ui`] so `--quiet` and
//! `--verbose` mean the same everywhere. Data meant for pipes (lists, scripts) goes to stdout.

use std::io::Write;
use std::process::ExitCode;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};

use crate::cli::ColorWhen;
use crate::error::CliError;

const STATUS: Style = AnsiColor::Green.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const HELP: Style = AnsiColor::Cyan.on_default().bold();
const DIM: Style = Style::new().dimmed();

#[derive(Debug, Clone)]
pub struct Ui {
    quiet: bool,
    verbose: bool,
}

impl Ui {
    pub fn new(quiet: bool, verbose: bool, color: ColorWhen) -> Self {
        let choice = match color {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
        Self { quiet, verbose }
    }

    pub fn is_verbose(&self) -> bool {
        self.verbose
    }

    /// A right-aligned green verb and a message, like cargo's `   Compiling foo`.
    pub fn status(&self, verb: &str, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{STATUS}{verb:>12}{STATUS:#} {message}");
        }
    }

    /// Detail shown only with `--verbose`.
    pub fn detail(&self, message: impl std::fmt::Display) {
        if self.verbose && !self.quiet {
            eprintln!("{DIM}{:>12} {message}{DIM:#}", "");
        }
    }

    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{WARN}warning{WARN:#}: {message}");
        }
    }

    /// Plain text for the user to read after a command, such as next steps.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// Machine-readable or pipeable output: always printed, to stdout.
    pub fn out(&self, line: impl std::fmt::Display) {
        println!("{line}");
    }

    /// Prints `error:` with its causes and any `help:` line; returns the exit code it implies.
    pub fn report_error(&self, err: &anyhow::Error) -> ExitCode {
        let cli = err.chain().find_map(|e| e.downcast_ref::<CliError>());
        eprintln!("{ERROR}error{ERROR:#}: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        if let Some(help) = cli.and_then(|c| c.help.as_deref()) {
            eprintln!("{HELP}help{HELP:#}: {help}");
        }
        let _ = std::io::stderr().flush();
        ExitCode::from(cli.map_or(1, CliError::exit_code))
    }
}
