//! Authentication: who is calling, and what they may do.
//!
//! Modes (`AUTH`): `none` (every caller is the anonymous principal; use over stdio, where the
//! client that launched the process is trusted), `bearer` (static tokens; only their SHA-256
//! is configured, compared in constant time) and `jwt` (signature checked against keys from a
//! JWKS, with issuer, audience and algorithms pinned and `exp`, `iss` and `aud` required; keys
//! are cached and fetched again when a token names an unknown `kid`). Presets fill the issuer
//! and JWKS URL of common identity providers.
//!
//! Guarantees: a request is never served without an [`Identity`]; verification failures say
//! why to the log and only "invalid token" to the caller; the incoming token is never stored in
//! the identity, so it cannot be forwarded upstream by accident.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;

use super::config::{AuthMode, ConfigError, Settings, variable};

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
    Jwt(JwtConfig),
}

/// What a JWT must satisfy.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audience: String,
    pub jwks_url: String,
    pub algorithms: Vec<Algorithm>,
    pub tenant_claim: String,
}

/// Issuer and JWKS URL of a provider preset; `tenant` is the preset's parameter.
pub fn preset(name: &str, tenant: &str) -> Option<(String, String)> {
    let t = tenant.trim_end_matches('/');
    Some(match name {
        "google" => (
            "https://accounts.google.com".into(),
            "https://www.googleapis.com/oauth2/v3/certs".into(),
        ),
        // GitHub issues JWTs through its OIDC provider (Actions workloads).
        "github" => (
            "https://token.actions.githubusercontent.com".into(),
            "https://token.actions.githubusercontent.com/.well-known/jwks".into(),
        ),
        "entra" => (
            format!("https://login.microsoftonline.com/{t}/v2.0"),
            format!("https://login.microsoftonline.com/{t}/discovery/v2.0/keys"),
        ),
        "auth0" => (
            format!("https://{t}/"),
            format!("https://{t}/.well-known/jwks.json"),
        ),
        "workos" => (
            "https://api.workos.com".into(),
            format!("https://api.workos.com/sso/jwks/{t}"),
        ),
        "keycloak" => (t.to_string(), format!("{t}/protocol/openid-connect/certs")),
        _ => return None,
    })
}

const PRESETS_NEEDING_TENANT: &[&str] = &["entra", "auth0", "workos", "keycloak"];

impl AuthConfig {
    /// Validates the auth settings; errors name the variable.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
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
            AuthMode::Jwt => {
                let (mut issuer, mut jwks_url) =
                    (settings.auth_issuer.clone(), settings.auth_jwks_url.clone());
                if let Some(name) = &settings.auth_preset {
                    if PRESETS_NEEDING_TENANT.contains(&name.as_str())
                        && settings.auth_tenant.is_empty()
                    {
                        return Err(invalid(
                            "AUTH_TENANT",
                            format!("preset `{name}` needs AUTH_TENANT"),
                        ));
                    }
                    let (preset_issuer, preset_jwks) = preset(name, &settings.auth_tenant)
                        .ok_or_else(|| {
                            invalid(
                                "AUTH_PRESET",
                                format!("`{name}` is not google, github, entra, auth0, workos or keycloak"),
                            )
                        })?;
                    if issuer.is_empty() {
                        issuer = preset_issuer;
                    }
                    if jwks_url.is_empty() {
                        jwks_url = preset_jwks;
                    }
                }
                for (key, value) in [
                    ("AUTH_ISSUER", &issuer),
                    ("AUTH_AUDIENCE", &settings.auth_audience),
                    ("AUTH_JWKS_URL", &jwks_url),
                ] {
                    if value.is_empty() {
                        return Err(invalid(key, "jwt mode requires it (or a preset)".into()));
                    }
                }
                if !(jwks_url.starts_with("https://")
                    || jwks_url.starts_with("http://127.0.0.1")
                    || jwks_url.starts_with("http://localhost"))
                {
                    return Err(invalid(
                        "AUTH_JWKS_URL",
                        "must be https:// (plain http only on loopback, for tests)".into(),
                    ));
                }
                let mut algorithms = Vec::new();
                for name in &settings.auth_algorithms {
                    let algorithm: Algorithm = name.parse().map_err(|_| {
                        invalid(
                            "AUTH_ALGORITHMS",
                            format!("`{name}` is not a JWS algorithm"),
                        )
                    })?;
                    if matches!(
                        algorithm,
                        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
                    ) {
                        return Err(invalid(
                            "AUTH_ALGORITHMS",
                            format!(
                                "`{name}` is symmetric; JWKS validation needs public-key algorithms"
                            ),
                        ));
                    }
                    algorithms.push(algorithm);
                }
                if algorithms.is_empty() {
                    return Err(invalid(
                        "AUTH_ALGORITHMS",
                        "name at least one algorithm".into(),
                    ));
                }
                Ok(AuthConfig::Jwt(JwtConfig {
                    issuer,
                    audience: settings.auth_audience.clone(),
                    jwks_url,
                    algorithms,
                    tenant_claim: settings.auth_tenant_claim.clone(),
                }))
            }
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
    keys: Option<Arc<KeyCache>>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator").finish_non_exhaustive()
    }
}

impl Authenticator {
    /// An authenticator for `config`; in JWT mode, keys are fetched with the server's shared
    /// HTTP client.
    pub fn new(config: AuthConfig, state: &crate::server::State) -> Self {
        let keys = match &config {
            AuthConfig::Jwt(jwt) => Some(Arc::new(KeyCache::remote(
                jwt.jwks_url.clone(),
                state.http().clone(),
            ))),
            _ => None,
        };
        Self {
            config: Arc::new(config),
            keys,
        }
    }

    /// An authenticator whose JWKS is given (tests), instead of fetched.
    pub fn with_static_keys(config: AuthConfig, keys: JwkSet) -> Self {
        Self {
            config: Arc::new(config),
            keys: Some(Arc::new(KeyCache::fixed(keys))),
        }
    }

    /// Whether callers must present credentials.
    pub fn is_required(&self) -> bool {
        !matches!(*self.config, AuthConfig::None)
    }

    /// The issuer, for OAuth protected-resource metadata.
    pub fn issuer(&self) -> Option<&str> {
        match &*self.config {
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
            AuthConfig::Jwt(jwt) => {
                let keys = self.keys.as_ref().expect("jwt mode has a key cache");
                // Boxed: it may fetch keys, a large future that every request's future would
                // otherwise carry and copy, whatever the mode.
                Box::pin(verify_jwt(jwt, keys, token)).await
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

#[derive(Debug, Deserialize)]
struct Claims {
    sub: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<serde_json::Value>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

async fn verify_jwt(jwt: &JwtConfig, keys: &KeyCache, token: &str) -> Result<Identity, AuthError> {
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
    if !jwt.algorithms.contains(&header.alg) {
        return Err(AuthError::Invalid(format!(
            "algorithm {:?} is not accepted",
            header.alg
        )));
    }
    let kid = header
        .kid
        .ok_or_else(|| AuthError::Invalid("the token names no key (kid)".into()))?;
    let key = keys.key(&kid).await?;
    let mut validation = Validation::new(header.alg);
    validation.algorithms = jwt.algorithms.clone();
    validation.set_issuer(&[&jwt.issuer]);
    validation.set_audience(&[&jwt.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = 30;
    let data = jsonwebtoken::decode::<Claims>(token, &key, &validation)
        .map_err(|e| AuthError::Invalid(e.to_string()))?;
    let claims = data.claims;
    let principal = claims
        .sub
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AuthError::Invalid("the token has no subject (sub)".into()))?;
    let mut scopes: BTreeSet<String> = claims
        .scope
        .iter()
        .flat_map(|s| s.split_whitespace().map(str::to_string))
        .collect();
    match claims.scp {
        Some(serde_json::Value::String(s)) => {
            scopes.extend(s.split_whitespace().map(str::to_string))
        }
        Some(serde_json::Value::Array(items)) => {
            scopes.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)));
        }
        _ => {}
    }
    let tenant = claims
        .rest
        .get(&jwt.tenant_claim)
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(Identity {
        principal,
        scopes,
        tenant,
    })
}

/// Signing keys from a JWKS: cached, fetched again when a token names a key id the cache lacks
/// (key rotation), at most once per [`KeyCache::MIN_REFRESH`] so unknown ids cannot be used to
/// hammer the provider.
struct KeyCache {
    source: KeySource,
    state: RwLock<(JwkSet, Option<Instant>)>,
}

enum KeySource {
    Remote { url: String, http: reqwest::Client },
    Fixed,
}

impl KeyCache {
    const MIN_REFRESH: Duration = Duration::from_secs(2);

    fn remote(url: String, http: reqwest::Client) -> Self {
        Self {
            source: KeySource::Remote { url, http },
            state: RwLock::new((JwkSet { keys: Vec::new() }, None)),
        }
    }

    fn fixed(keys: JwkSet) -> Self {
        Self {
            source: KeySource::Fixed,
            state: RwLock::new((keys, Some(Instant::now()))),
        }
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, AuthError> {
        if let Some(key) = self.cached(kid).await? {
            return Ok(key);
        }
        let KeySource::Remote { url, http } = &self.source else {
            return Err(AuthError::Invalid(format!("unknown key id `{kid}`")));
        };
        let mut state = self.state.write().await;
        // Another request may have refreshed the keys while this one waited for the lock.
        let known = state.0.find(kid).is_some();
        let recently = state.1.is_some_and(|at| at.elapsed() < Self::MIN_REFRESH);
        if !known && !recently {
            let fetched = fetch_jwks(http, url).await?;
            *state = (fetched, Some(Instant::now()));
        }
        let jwk = state
            .0
            .find(kid)
            .ok_or_else(|| AuthError::Invalid(format!("unknown key id `{kid}`")))?;
        DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(e.to_string()))
    }

    async fn cached(&self, kid: &str) -> Result<Option<DecodingKey>, AuthError> {
        let state = self.state.read().await;
        state
            .0
            .find(kid)
            .map(|jwk| DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(e.to_string())))
            .transpose()
    }
}

async fn fetch_jwks(http: &reqwest::Client, url: &str) -> Result<JwkSet, AuthError> {
    let response = http
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| AuthError::Unavailable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(AuthError::Unavailable(format!(
            "{url} answered {}",
            response.status()
        )));
    }
    response
        .json::<JwkSet>()
        .await
        .map_err(|e| AuthError::Unavailable(format!("{url} is not a JWKS: {e}")))
}

/// Test support (used by this crate's tests and `tests/http.rs`): an Ed25519 signing key
/// generated at run time, its JWKS, and tokens. Never used by the server itself.
#[doc(hidden)]
pub mod testing {
    use base64::Engine as _;
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use ring::signature::{Ed25519KeyPair, KeyPair};

    /// A signing key and its key id.
    pub struct TestIssuer {
        pub kid: String,
        pkcs8: Vec<u8>,
        public: Vec<u8>,
    }

    impl TestIssuer {
        pub fn new(kid: &str) -> Self {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("key generation");
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("a valid key");
            Self {
                kid: kid.to_string(),
                public: pair.public_key().as_ref().to_vec(),
                pkcs8: pkcs8.as_ref().to_vec(),
            }
        }

        /// The JWKS publishing this key.
        pub fn jwks(&self) -> JwkSet {
            let x = base64url(&self.public);
            serde_json::from_value(serde_json::json!({
                "keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]
            }))
            .expect("a valid JWKS")
        }

        /// A signed token with `claims`.
        pub fn token(&self, claims: &serde_json::Value) -> String {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(self.kid.clone());
            jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&self.pkcs8))
                .expect("signing works")
        }
    }

    /// Unix time now, for `exp` claims.
    pub fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("a clock after 1970")
            .as_secs()
    }

    fn base64url(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}
