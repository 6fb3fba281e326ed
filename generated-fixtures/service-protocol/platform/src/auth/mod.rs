//! Authentication: who is calling, and what they may do.
//!
//! Modes (`AUTH`): `none` (every caller is the anonymous principal; use over stdio, where the
//! client that launched the process is trusted), `bearer` (static tokens; only their SHA-256
//! is configured, compared in constant time) and `jwt` (signature checked against keys from a
//! JWKS, with issuer, audience and algorithms pinned, `exp`, `iss` and `aud` required, `nbf`
//! honoured, and the claims of `AUTH_REQUIRED_CLAIMS` matched exactly). Presets fill the issuer
//! and JWKS URL of common identity providers; the `google` and `github` presets refuse to start
//! without `AUTH_REQUIRED_CLAIMS`, because anyone can obtain a token from those issuers for any
//! audience (any GitHub Actions workflow, any Google service account).
//!
//! Keys (`jwt::KeyCache`, feature `jwt`): fetched once and cached for the JWKS response's `Cache-Control: max-age`
//! (clamped to `JwksPolicy`'s bounds); fetched by one request at a time, outside any lock that
//! requests with known keys take; a token naming an unknown `kid` triggers at most one refetch
//! per `JwksPolicy::unknown_kid_interval`; failed fetches back off exponentially and are
//! remembered, so a flood of random `kid`s costs the provider nothing; bodies are capped and
//! redirects to another host refused. While keys cannot be fetched the caller is told
//! "temporarily unavailable" (HTTP 503), not "invalid token" (401, which makes clients discard
//! good tokens); keys already cached keep verifying tokens in the meantime.
//!
//! Guarantees: a request is never served without an [`Identity`]; verification failures say
//! why to the log and only "invalid token" to the caller; the incoming token is never stored in
//! the identity, so it cannot be forwarded upstream by accident.

#[cfg(feature = "jwt")]
pub mod jwt;

use std::collections::BTreeSet;
use std::sync::Arc;

#[cfg(feature = "jwt")]
use jsonwebtoken::jwk::JwkSet;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::{ConfigError, Settings, variable};
use crate::http::{AuthMode, HttpSettings};

pub use crate::identity::Identity;

/// Why a request was not authenticated. The message is for logs; callers see [`Self::public`].
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token")]
    Missing,
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("the identity provider's keys could not be fetched: {0}")]
    Unavailable(String),
}

impl AuthError {
    /// What the caller is told.
    pub fn public(&self) -> &'static str {
        match self {
            AuthError::Missing => "authentication required",
            AuthError::Invalid(_) => "invalid token",
            AuthError::Unavailable(_) => "authentication is temporarily unavailable",
        }
    }

    /// The `WWW-Authenticate` challenge for a 401 (RFC 6750, RFC 9728).
    pub fn challenge(&self, resource_metadata: &str) -> String {
        match self {
            AuthError::Missing => format!("Bearer resource_metadata=\"{resource_metadata}\""),
            _ => format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\", resource_metadata=\"{resource_metadata}\"",
                self.public()
            ),
        }
    }
}

/// A configured static token (its hash).
#[derive(Debug, Clone)]
pub struct TokenEntry {
    principal: String,
    sha256: [u8; 32],
    scopes: BTreeSet<String>,
}

/// Validated authentication settings.
#[derive(Debug, Clone)]
pub enum AuthConfig {
    None,
    Bearer(Vec<TokenEntry>),
    #[cfg(feature = "jwt")]
    Jwt(jwt::JwtConfig),
}

impl AuthConfig {
    /// The authentication the settings configure (validated when they were read).
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        Self::from_http(&settings.http)
    }

    /// Validates the auth settings; errors name the variable.
    pub fn from_http(settings: &HttpSettings) -> Result<Self, ConfigError> {
        let invalid = |key: &str, reason: String| ConfigError {
            variable: variable(key),
            reason,
        };
        match settings.auth {
            AuthMode::None => Ok(AuthConfig::None),
            AuthMode::Bearer => {
                let mut entries = Vec::new();
                for raw in settings.auth_tokens.expose_secret().split(',') {
                    let raw = raw.trim();
                    if raw.is_empty() {
                        continue;
                    }
                    let mut parts = raw.splitn(3, ':');
                    let (principal, hash) =
                        (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                    let scopes = parts
                        .next()
                        .unwrap_or("")
                        .split_whitespace()
                        .map(str::to_string);
                    let sha256 = decode_sha256(hash).ok_or_else(|| {
                        invalid(
                            "AUTH_TOKENS",
                            format!(
                                "the entry for `{principal}` needs a SHA-256 as 64 hex digits (principal:sha256[:scopes])"
                            ),
                        )
                    })?;
                    if principal.is_empty() {
                        return Err(invalid("AUTH_TOKENS", "an entry has no principal".into()));
                    }
                    entries.push(TokenEntry {
                        principal: principal.to_string(),
                        sha256,
                        scopes: scopes.collect(),
                    });
                }
                if entries.is_empty() {
                    return Err(invalid(
                        "AUTH_TOKENS",
                        "bearer mode needs at least one token (principal:sha256[:scopes])".into(),
                    ));
                }
                Ok(AuthConfig::Bearer(entries))
            }
            #[cfg(feature = "jwt")]
            AuthMode::Jwt => {
                Ok(AuthConfig::Jwt(settings.jwt.clone().ok_or_else(|| {
                    invalid("AUTH", "jwt mode without JWT settings".into())
                })?))
            }
            #[cfg(not(feature = "jwt"))]
            AuthMode::Jwt => Err(invalid(
                "AUTH",
                "`jwt` needs the jwt feature, which this server was built without".into(),
            )),
        }
    }
}

fn decode_sha256(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Lowercase hex SHA-256 of a token: what `AUTH_TOKENS` holds.
pub fn token_sha256(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Verifies credentials; built once at startup and shared.
#[derive(Clone)]
pub struct Authenticator {
    config: Arc<AuthConfig>,
    #[cfg(feature = "jwt")]
    keys: Option<Arc<jwt::KeyCache>>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator").finish_non_exhaustive()
    }
}

impl Authenticator {
    /// An authenticator for `config`; in JWT mode, keys are fetched with a client of their own
    /// (no redirects to other hosts, no system proxy).
    pub fn new(config: AuthConfig) -> Self {
        #[cfg(feature = "jwt")]
        return Self::with_jwks_policy(config, jwt::JwksPolicy::default());
        #[cfg(not(feature = "jwt"))]
        Self {
            config: Arc::new(config),
        }
    }

    /// An authenticator whose JWKS is given (tests), instead of fetched.
    #[cfg(feature = "jwt")]
    pub fn with_static_keys(config: AuthConfig, keys: JwkSet) -> Self {
        Self {
            config: Arc::new(config),
            keys: Some(Arc::new(jwt::KeyCache::fixed(&keys))),
        }
    }

    /// An authenticator fetching keys from its configured JWKS URL under `policy` (tests
    /// shorten the intervals).
    #[cfg(feature = "jwt")]
    pub fn with_jwks_policy(config: AuthConfig, policy: jwt::JwksPolicy) -> Self {
        let keys = match &config {
            AuthConfig::Jwt(jwt) => Some(Arc::new(jwt::KeyCache::remote(
                jwt.jwks_url.clone(),
                policy,
            ))),
            _ => None,
        };
        Self {
            config: Arc::new(config),
            keys,
        }
    }

    /// Whether callers must present credentials.
    pub fn is_required(&self) -> bool {
        !matches!(*self.config, AuthConfig::None)
    }

    /// The issuer, for OAuth protected-resource metadata.
    pub fn issuer(&self) -> Option<&str> {
        match &*self.config {
            #[cfg(feature = "jwt")]
            AuthConfig::Jwt(jwt) => Some(&jwt.issuer),
            _ => None,
        }
    }

    /// Verifies an `Authorization` header value (or its absence).
    pub async fn verify(&self, authorization: Option<&str>) -> Result<Identity, AuthError> {
        if !self.is_required() {
            return Ok(Identity::anonymous());
        }
        let token = authorization
            .and_then(|h| {
                let (scheme, rest) = h.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::Missing)?;
        match &*self.config {
            AuthConfig::None => Ok(Identity::anonymous()),
            AuthConfig::Bearer(entries) => verify_static(entries, token),
            #[cfg(feature = "jwt")]
            AuthConfig::Jwt(config) => {
                let keys = self.keys.as_ref().expect("jwt mode has a key cache");
                // Boxed: it may fetch keys, a large future that every request's future would
                // otherwise carry and copy, whatever the mode.
                Box::pin(jwt::verify_jwt(config, keys, token)).await
            }
        }
    }
}

fn verify_static(entries: &[TokenEntry], token: &str) -> Result<Identity, AuthError> {
    let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    // Compare against every entry, without stopping early, in constant time per entry.
    let mut found: Option<&TokenEntry> = None;
    for entry in entries {
        if bool::from(entry.sha256.ct_eq(&digest)) {
            found = Some(entry);
        }
    }
    let entry = found.ok_or_else(|| AuthError::Invalid("unknown bearer token".into()))?;
    Ok(Identity {
        principal: entry.principal.clone(),
        scopes: entry.scopes.clone(),
        tenant: None,
    })
}
