//! Prometheus metrics are not compiled into this server (the `metrics` feature is off).
//!
//! [`Metrics`] has no values, so every `Option<Metrics>` is `None`: the code that would record
//! into it is still type-checked but never runs, and the optimiser removes it.

use std::time::Duration;

/// No metrics (uninhabited).
#[derive(Debug, Clone)]
pub enum Metrics {}

impl Metrics {
    pub fn observe(&self, _method: &str, _tool: Option<&str>, _outcome: &str, _elapsed: Duration) {
        match *self {}
    }

    pub fn rate_limited(&self, _scope: &str) {
        match *self {}
    }

    pub fn rate_limit_backend_error(&self, _scope: &str) {
        match *self {}
    }

    pub fn render(&self) -> String {
        match *self {}
    }
}
