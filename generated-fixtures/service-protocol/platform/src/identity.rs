//! Who is calling: the identity every request carries, established by authentication over
//! HTTP, or the local client over stdio.

use std::collections::BTreeSet;

/// Who is calling: what authentication established, reachable by tools through the request
/// context (`Extension<RequestInfo>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// A stable name for the caller (`sub` of a JWT, the token's name in bearer mode).
    pub principal: String,
    pub scopes: BTreeSet<String>,
    pub tenant: Option<String>,
}

impl Identity {
    /// Nobody yet: what a request carries until authentication runs (allocates nothing).
    pub fn unknown() -> Self {
        Self {
            principal: String::new(),
            scopes: BTreeSet::new(),
            tenant: None,
        }
    }

    /// The caller when authentication is off.
    pub fn anonymous() -> Self {
        Self {
            principal: "anonymous".into(),
            scopes: BTreeSet::new(),
            tenant: None,
        }
    }

    /// The client that launched the process (stdio): trusted with every scope.
    pub fn local() -> Self {
        Self {
            principal: "local".into(),
            scopes: BTreeSet::from(["*".to_string()]),
            tenant: None,
        }
    }

    /// Whether the identity holds every scope in `required` (`*` holds them all).
    pub fn has_scopes(&self, required: &BTreeSet<String>) -> bool {
        self.scopes.contains("*") || required.is_subset(&self.scopes)
    }
}
