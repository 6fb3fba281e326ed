//! JWT authentication (feature `jwt`): tokens checked against keys from a JWKS, with issuer,
//! audience and algorithms pinned, provider presets, required claims, and the key cache.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use super::{AuthError, Identity};
use crate::config::{ConfigError, Setting, Vars};

/// What a JWT must satisfy.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audience: String,
    pub jwks_url: String,
    pub algorithms: Vec<Algorithm>,
    pub tenant_claim: String,
    /// Claim → the values it may have (exact match): `AUTH_REQUIRED_CLAIMS`.
    pub required_claims: Vec<(String, Vec<String>)>,
}

/// Presets whose issuer signs tokens for anyone who asks, for any audience: without required
/// claims naming your organisation, every GitHub Actions workflow or Google account would
/// authenticate. The claims that identify yours, per preset.
const PRESETS_NEEDING_CLAIMS: &[(&str, &str)] = &[
    (
        "github",
        "repository_owner_id (your organisation's numeric id; repository_owner is its renamable login)",
    ),
    (
        "google",
        "hd (your Google Workspace domain) or email (a specific service account)",
    ),
];

/// Parses `claim=value,claim=value`: a claim named more than once may have any of its values.
pub fn parse_required_claims(text: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut claims: Vec<(String, Vec<String>)> = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((claim, value)) = entry.split_once('=') else {
            return Err(format!("`{entry}` is not claim=value"));
        };
        let (claim, value) = (claim.trim(), value.trim());
        if claim.is_empty() || value.is_empty() {
            return Err(format!("`{entry}` needs a claim name and a value"));
        }
        match claims.iter_mut().find(|(name, _)| name == claim) {
            Some((_, values)) => values.push(value.to_string()),
            None => claims.push((claim.to_string(), vec![value.to_string()])),
        }
    }
    Ok(claims)
}

/// Whether `url` may serve a JWKS: https, or plain http to a loopback host (tests).
fn acceptable_jwks_url(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    match (url.scheme(), url.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(host))) => host.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        _ => false,
    }
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

impl JwtConfig {
    /// Reads and validates the JWT settings; errors name the variable.
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let invalid = |key: &str, reason: String| vars.invalid(key, reason);
        let preset = vars.get("AUTH_PRESET").trim().to_ascii_lowercase();
        let auth_preset = (!preset.is_empty()).then_some(preset);
        let auth_tenant = vars.get("AUTH_TENANT").trim().to_string();
        let auth_audience = vars.get("AUTH_AUDIENCE").trim().to_string();
        let (mut issuer, mut jwks_url) = (
            vars.get("AUTH_ISSUER").trim().to_string(),
            vars.get("AUTH_JWKS_URL").trim().to_string(),
        );
        if let Some(name) = &auth_preset {
            if PRESETS_NEEDING_TENANT.contains(&name.as_str()) && auth_tenant.is_empty() {
                return Err(invalid(
                    "AUTH_TENANT",
                    format!("preset `{name}` needs AUTH_TENANT"),
                ));
            }
            let (preset_issuer, preset_jwks) =
                self::preset(name, &auth_tenant).ok_or_else(|| {
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
            ("AUTH_AUDIENCE", &auth_audience),
            ("AUTH_JWKS_URL", &jwks_url),
        ] {
            if value.is_empty() {
                return Err(invalid(key, "jwt mode requires it (or a preset)".into()));
            }
        }
        let required_claims = parse_required_claims(&vars.get("AUTH_REQUIRED_CLAIMS"))
            .map_err(|reason| invalid("AUTH_REQUIRED_CLAIMS", reason))?;
        if let Some(name) = &auth_preset
            && let Some((_, which)) = PRESETS_NEEDING_CLAIMS.iter().find(|(p, _)| p == name)
            && required_claims.is_empty()
        {
            return Err(invalid(
                "AUTH_REQUIRED_CLAIMS",
                format!(
                    "preset `{name}` accepts tokens that anyone can obtain from its issuer: \
                     name the claims that identify your organisation, such as {which}"
                ),
            ));
        }
        if !acceptable_jwks_url(&jwks_url) {
            return Err(invalid(
                "AUTH_JWKS_URL",
                "must be https:// (plain http only on loopback, for tests)".into(),
            ));
        }
        let mut algorithms = Vec::new();
        for name in &vars.list("AUTH_ALGORITHMS") {
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
                    format!("`{name}` is symmetric; JWKS validation needs public-key algorithms"),
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
        Ok(JwtConfig {
            issuer,
            audience: auth_audience,
            jwks_url,
            algorithms,
            tenant_claim: vars.get("AUTH_TENANT_CLAIM").trim().to_string(),
            required_claims,
        })
    }
}

pub(super) async fn verify_jwt(
    jwt: &JwtConfig,
    keys: &KeyCache,
    token: &str,
) -> Result<Identity, AuthError> {
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
    // The header's algorithm only (checked against the accepted list above): jsonwebtoken
    // refuses a validation whose algorithms are not all of the key's family, so listing every
    // accepted algorithm (RS256,ES256) would reject every token.
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[&jwt.issuer]);
    validation.set_audience(&[&jwt.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
        token,
        &key,
        &validation,
    )
    .map_err(|e| AuthError::Invalid(e.to_string()))?;
    let claims = data.claims;
    for (claim, allowed) in &jwt.required_claims {
        let matches = claims.get(claim).is_some_and(|value| {
            allowed.iter().any(|want| match value {
                serde_json::Value::String(s) => s == want,
                serde_json::Value::Bool(b) => want.parse::<bool>() == Ok(*b),
                serde_json::Value::Number(n) => n.to_string() == want.as_str(),
                _ => false,
            })
        });
        if !matches {
            return Err(AuthError::Invalid(format!(
                "claim `{claim}` is not one of the required values"
            )));
        }
    }
    let principal = claims
        .get("sub")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AuthError::Invalid("the token has no subject (sub)".into()))?
        .to_string();
    let mut scopes: BTreeSet<String> = claims
        .get("scope")
        .and_then(|s| s.as_str())
        .into_iter()
        .flat_map(|s| s.split_whitespace().map(str::to_string))
        .collect();
    match claims.get("scp") {
        Some(serde_json::Value::String(s)) => {
            scopes.extend(s.split_whitespace().map(str::to_string))
        }
        Some(serde_json::Value::Array(items)) => {
            scopes.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)));
        }
        _ => {}
    }
    let tenant = claims
        .get(&jwt.tenant_claim)
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(Identity {
        principal,
        scopes,
        tenant,
    })
}

/// How the JWKS is fetched and kept.
#[derive(Debug, Clone, Copy)]
pub struct JwksPolicy {
    /// How long keys are kept when the response has no `Cache-Control: max-age`.
    pub default_ttl: Duration,
    /// Bounds on `max-age` (`no-cache`/`no-store` count as the minimum).
    pub min_ttl: Duration,
    pub max_ttl: Duration,
    /// Fresh keys are fetched again for an unknown `kid` (key rotation) at most this often.
    pub unknown_kid_interval: Duration,
    /// After a failed fetch, the next is allowed after this, doubling up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Whole-request timeout of one fetch.
    pub timeout: Duration,
    /// Largest JWKS body accepted.
    pub max_bytes: usize,
}

impl Default for JwksPolicy {
    fn default() -> Self {
        Self {
            default_ttl: Duration::from_secs(3600),
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(24 * 3600),
            unknown_kid_interval: Duration::from_secs(30),
            first_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            timeout: Duration::from_secs(5),
            max_bytes: 256 * 1024,
        }
    }
}

/// One generation of keys, replaced whole by each fetch: requests read it without waiting.
#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, DecodingKey>,
    /// When the last fetch succeeded, and until when its keys are fresh.
    fetched: Option<Instant>,
    fresh_until: Option<Instant>,
    /// When the last fetch was attempted (successful or not).
    attempted: Option<Instant>,
    /// The last failure and when the next fetch is allowed (backoff).
    failure: Option<Failure>,
}

#[derive(Clone)]
struct Failure {
    error: String,
    consecutive: u32,
    retry_at: Instant,
}

impl Keys {
    fn from_set(set: &JwkSet) -> HashMap<String, DecodingKey> {
        set.keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
            })
            .collect()
    }

    fn is_fresh(&self, now: Instant) -> bool {
        self.fresh_until.is_some_and(|until| now < until)
    }
}

/// Signing keys from a JWKS (see the module documentation for the policy).
pub(super) struct KeyCache {
    source: KeySource,
    policy: JwksPolicy,
    keys: RwLock<Arc<Keys>>,
    /// Held by the one request fetching; others wait here, never on `keys`.
    fetching: tokio::sync::Mutex<()>,
}

enum KeySource {
    Remote { url: String, http: reqwest::Client },
    Fixed,
}

impl KeyCache {
    pub(super) fn remote(url: String, policy: JwksPolicy) -> Self {
        let host = url::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string));
        // Redirects only within the JWKS URL's host, three at most: a redirect elsewhere
        // would hand key selection to another server.
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 3 || attempt.url().host_str() != host.as_deref() {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .redirect(redirects)
            .no_proxy()
            .timeout(policy.timeout)
            .build()
            .unwrap_or_default();
        Self {
            source: KeySource::Remote { url, http },
            policy,
            keys: RwLock::new(Arc::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    pub(super) fn fixed(set: &JwkSet) -> Self {
        Self {
            source: KeySource::Fixed,
            policy: JwksPolicy::default(),
            keys: RwLock::new(Arc::new(Keys {
                by_kid: Keys::from_set(set),
                ..Keys::default()
            })),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn snapshot(&self) -> Arc<Keys> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether a fetch may start now: never while backing off; otherwise when nothing was
    /// fetched yet, when the keys are stale, or (for an unknown kid) once per interval.
    fn may_fetch(&self, keys: &Keys, now: Instant) -> bool {
        if keys.failure.as_ref().is_some_and(|f| now < f.retry_at) {
            return false;
        }
        !keys.is_fresh(now)
            || keys
                .attempted
                .is_none_or(|at| now.duration_since(at) >= self.policy.unknown_kid_interval)
    }

    /// The answer from `keys` alone: a known key (stale ones too, while fetching fails), or why not.
    fn answer(keys: &Keys, kid: &str) -> Result<DecodingKey, AuthError> {
        if let Some(key) = keys.by_kid.get(kid) {
            return Ok(key.clone());
        }
        match &keys.failure {
            // The last fetch failed: whether the key exists cannot be known.
            Some(failure) => Err(AuthError::Unavailable(failure.error.clone())),
            _ => Err(AuthError::Invalid(format!("unknown key id `{kid}`"))),
        }
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, AuthError> {
        let keys = self.snapshot();
        let now = Instant::now();
        if let Some(key) = keys.by_kid.get(kid)
            && keys.is_fresh(now)
        {
            return Ok(key.clone());
        }
        let KeySource::Remote { url, http } = &self.source else {
            return Self::answer(&keys, kid);
        };
        if !self.may_fetch(&keys, now) {
            return Self::answer(&keys, kid);
        }
        let _fetching = self.fetching.lock().await;
        // Whoever held the gate may have fetched what this request needs.
        let keys = self.snapshot();
        let now = Instant::now();
        if (keys.by_kid.contains_key(kid) && keys.is_fresh(now)) || !self.may_fetch(&keys, now) {
            return Self::answer(&keys, kid);
        }
        let next = match fetch_jwks(http, url, &self.policy).await {
            Ok((set, ttl)) => Keys {
                by_kid: Keys::from_set(&set),
                fetched: Some(now),
                fresh_until: Some(now + ttl),
                attempted: Some(now),
                failure: None,
            },
            Err(error) => {
                let consecutive = keys.failure.as_ref().map_or(0, |f| f.consecutive) + 1;
                let backoff = self
                    .policy
                    .first_backoff
                    .saturating_mul(1 << (consecutive - 1).min(16))
                    .min(self.policy.max_backoff);
                tracing::warn!(%url, %error, retry_in_ms = backoff.as_millis() as u64, "JWKS fetch failed");
                Keys {
                    by_kid: keys.by_kid.clone(),
                    fetched: keys.fetched,
                    fresh_until: keys.fresh_until,
                    attempted: Some(now),
                    failure: Some(Failure {
                        error,
                        consecutive,
                        retry_at: now + backoff,
                    }),
                }
            }
        };
        let answer = Self::answer(&next, kid);
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        answer
    }
}

/// Fetches a JWKS: the key set and how long to keep it.
async fn fetch_jwks(
    http: &reqwest::Client,
    url: &str,
    policy: &JwksPolicy,
) -> Result<(JwkSet, Duration), String> {
    let mut response = http.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    let ttl = ttl_from_cache_control(
        response
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        policy,
    );
    if response
        .content_length()
        .is_some_and(|n| n > policy.max_bytes as u64)
    {
        return Err(format!("{url} sent more than {} bytes", policy.max_bytes));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > policy.max_bytes {
            return Err(format!("{url} sent more than {} bytes", policy.max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    let set =
        serde_json::from_slice::<JwkSet>(&body).map_err(|e| format!("{url} is not a JWKS: {e}"))?;
    Ok((set, ttl))
}

/// How long to keep keys: `max-age` clamped to the policy's bounds, the minimum for
/// `no-cache`/`no-store`, the default when the header says nothing.
fn ttl_from_cache_control(header: Option<&str>, policy: &JwksPolicy) -> Duration {
    let Some(header) = header else {
        return policy.default_ttl;
    };
    let mut ttl = None;
    for directive in header.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return policy.min_ttl;
        }
        if let Some(seconds) = lower.strip_prefix("max-age=") {
            ttl = seconds
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    ttl.unwrap_or(policy.default_ttl)
        .clamp(policy.min_ttl, policy.max_ttl)
}

/// Test support (this crate's unit tests and `tests/http.rs`): an Ed25519 signing key
/// generated at run time, its JWKS, and tokens. Never compiled into a server.
#[cfg(any(test, feature = "probe"))]
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

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "AUTH_PRESET",
        default: "",
        help: "JWT provider preset filling issuer and JWKS: google, github, entra, auth0, workos, keycloak.",
    },
    Setting {
        key: "AUTH_TENANT",
        default: "",
        help: "Preset parameter: Entra tenant id, Auth0 domain, WorkOS client id, Keycloak realm URL.",
    },
    Setting {
        key: "AUTH_ISSUER",
        default: "",
        help: "JWT mode: the required `iss` (filled by a preset when empty).",
    },
    Setting {
        key: "AUTH_AUDIENCE",
        default: "",
        help: "JWT mode: the required `aud`, usually this server's public URL.",
    },
    Setting {
        key: "AUTH_JWKS_URL",
        default: "",
        help: "JWT mode: where the signing keys are published (filled by a preset when empty).",
    },
    Setting {
        key: "AUTH_ALGORITHMS",
        default: "RS256",
        help: "JWT mode: accepted signature algorithms, comma-separated (RS256, ES256, EdDSA, …).",
    },
    Setting {
        key: "AUTH_REQUIRED_CLAIMS",
        default: "",
        help: "JWT mode: `claim=value,…` every token must carry (exact match; repeat a claim to allow several values). Required with the google and github presets.",
    },
    Setting {
        key: "AUTH_TENANT_CLAIM",
        default: "tid",
        help: "JWT mode: the claim that names the caller's tenant (if any).",
    },
];

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::IntoResponse;
    use serde_json::json;

    use super::testing::{TestIssuer, now};
    use super::*;
    use crate::auth::{AuthConfig, Authenticator};

    const ISSUER: &str = "https://issuer.example.com/";
    const AUDIENCE: &str = "https://mcp.example.com/mcp";

    /// What the stand-in identity provider answers.
    struct Provider {
        fetches: AtomicUsize,
        keys: Mutex<serde_json::Value>,
        status: Mutex<StatusCode>,
        delay: Mutex<Duration>,
        cache_control: Mutex<Option<&'static str>>,
        redirect_to: Mutex<Option<String>>,
    }

    async fn provider(keys: serde_json::Value) -> (Arc<Provider>, String) {
        let state = Arc::new(Provider {
            fetches: AtomicUsize::new(0),
            keys: Mutex::new(keys),
            status: Mutex::new(StatusCode::OK),
            delay: Mutex::new(Duration::ZERO),
            cache_control: Mutex::new(None),
            redirect_to: Mutex::new(None),
        });
        let shared = state.clone();
        let router = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let state = shared.clone();
                async move {
                    state.fetches.fetch_add(1, Ordering::SeqCst);
                    let delay = *state.delay.lock().unwrap();
                    tokio::time::sleep(delay).await;
                    let mut headers = HeaderMap::new();
                    if let Some(to) = state.redirect_to.lock().unwrap().clone() {
                        headers.insert(header::LOCATION, to.parse().unwrap());
                        return (StatusCode::FOUND, headers, String::new()).into_response();
                    }
                    if let Some(value) = *state.cache_control.lock().unwrap() {
                        headers.insert(header::CACHE_CONTROL, value.parse().unwrap());
                    }
                    let status = *state.status.lock().unwrap();
                    let body = state.keys.lock().unwrap().to_string();
                    (status, headers, body).into_response()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        (state, format!("http://{addr}/jwks"))
    }

    fn config(jwks_url: &str, required_claims: &str) -> AuthConfig {
        AuthConfig::Jwt(JwtConfig {
            issuer: ISSUER.into(),
            audience: AUDIENCE.into(),
            jwks_url: jwks_url.into(),
            algorithms: vec![Algorithm::EdDSA],
            tenant_claim: "tid".into(),
            required_claims: parse_required_claims(required_claims).unwrap(),
        })
    }

    fn policy() -> JwksPolicy {
        JwksPolicy {
            unknown_kid_interval: Duration::from_secs(60),
            first_backoff: Duration::from_secs(60),
            timeout: Duration::from_secs(3),
            ..JwksPolicy::default()
        }
    }

    fn claims(extra: serde_json::Value) -> serde_json::Value {
        let mut claims =
            json!({"sub": "user-1", "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 60});
        claims
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        claims
    }

    fn bearer(token: &str) -> String {
        format!("Bearer {token}")
    }

    #[tokio::test]
    async fn required_claims_must_match_exactly() {
        let issuer = TestIssuer::new("k1");
        let auth = Authenticator::with_static_keys(
            config(
                "https://unused.example/jwks",
                "repository_owner=acme,repository_owner=acme-labs,email_verified=true",
            ),
            issuer.jwks(),
        );
        let ok = issuer.token(&claims(
            json!({"repository_owner": "acme-labs", "email_verified": true}),
        ));
        assert_eq!(
            auth.verify(Some(&bearer(&ok))).await.unwrap().principal,
            "user-1"
        );
        for wrong in [
            json!({"repository_owner": "acme-evil", "email_verified": true}),
            json!({"repository_owner": "ACME", "email_verified": true}),
            json!({"repository_owner": ["acme"], "email_verified": true}),
            json!({"email_verified": true}),
            json!({"repository_owner": "acme", "email_verified": false}),
        ] {
            let token = issuer.token(&claims(wrong.clone()));
            let err = auth.verify(Some(&bearer(&token))).await.unwrap_err();
            assert!(matches!(err, AuthError::Invalid(_)), "{wrong}: {err}");
        }
    }

    #[tokio::test]
    async fn random_key_ids_cost_the_provider_one_fetch() {
        let issuer = TestIssuer::new("good");
        let (provider, url) = provider(serde_json::to_value(issuer.jwks()).unwrap()).await;
        let auth = Authenticator::with_jwks_policy(config(&url, ""), policy());
        let good = issuer.token(&claims(json!({})));
        auth.verify(Some(&bearer(&good))).await.unwrap();
        let mut flood = Vec::new();
        for i in 0..50 {
            let forged = TestIssuer::new(&format!("random-{i}")).token(&claims(json!({})));
            let auth = auth.clone();
            flood.push(tokio::spawn(async move {
                auth.verify(Some(&bearer(&forged))).await
            }));
        }
        for attempt in flood {
            assert!(matches!(attempt.await.unwrap(), Err(AuthError::Invalid(_))));
        }
        assert!(
            provider.fetches.load(Ordering::SeqCst) <= 2,
            "{} fetches",
            provider.fetches.load(Ordering::SeqCst)
        );
    }

    #[tokio::test]
    async fn a_slow_fetch_does_not_hold_up_tokens_with_known_keys() {
        let issuer = TestIssuer::new("good");
        let (provider, url) = provider(serde_json::to_value(issuer.jwks()).unwrap()).await;
        let auth = Authenticator::with_jwks_policy(
            config(&url, ""),
            JwksPolicy {
                unknown_kid_interval: Duration::ZERO,
                ..policy()
            },
        );
        let good = bearer(&issuer.token(&claims(json!({}))));
        auth.verify(Some(&good)).await.unwrap();
        *provider.delay.lock().unwrap() = Duration::from_secs(2);
        let unknown = TestIssuer::new("unknown").token(&claims(json!({})));
        let slow = {
            let auth = auth.clone();
            tokio::spawn(async move { auth.verify(Some(&bearer(&unknown))).await })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        auth.verify(Some(&good)).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "a known key waited {:?} behind a fetch",
            started.elapsed()
        );
        assert!(slow.await.unwrap().is_err());
    }

    #[tokio::test]
    async fn failed_fetches_are_remembered_and_answered_as_unavailable() {
        let issuer = TestIssuer::new("good");
        let (provider, url) = provider(serde_json::to_value(issuer.jwks()).unwrap()).await;
        *provider.status.lock().unwrap() = StatusCode::INTERNAL_SERVER_ERROR;
        let auth = Authenticator::with_jwks_policy(config(&url, ""), policy());
        let token = bearer(&issuer.token(&claims(json!({}))));
        for _ in 0..10 {
            let err = auth.verify(Some(&token)).await.unwrap_err();
            assert!(matches!(err, AuthError::Unavailable(_)), "{err}");
        }
        assert_eq!(provider.fetches.load(Ordering::SeqCst), 1, "backing off");
    }

    #[tokio::test]
    async fn oversized_bodies_and_redirects_elsewhere_are_refused() {
        let issuer = TestIssuer::new("good");
        let token = bearer(&issuer.token(&claims(json!({}))));
        let huge = json!({"keys": [], "padding": "x".repeat(300 * 1024)});
        let (_, url) = provider(huge).await;
        let auth = Authenticator::with_jwks_policy(config(&url, ""), policy());
        let err = auth.verify(Some(&token)).await.unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");

        // A redirect to another host (localhost is not 127.0.0.1 by name) is not followed.
        let (target, target_url) = provider(serde_json::to_value(issuer.jwks()).unwrap()).await;
        let (redirecting, url) = provider(json!({})).await;
        *redirecting.redirect_to.lock().unwrap() =
            Some(target_url.replace("127.0.0.1", "localhost"));
        let auth = Authenticator::with_jwks_policy(config(&url, ""), policy());
        let err = auth.verify(Some(&token)).await.unwrap_err();
        assert!(matches!(err, AuthError::Unavailable(_)), "{err}");
        assert_eq!(target.fetches.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn cache_control_sets_how_long_keys_are_kept() {
        let policy = JwksPolicy::default();
        let ttl = |h| ttl_from_cache_control(h, &policy);
        assert_eq!(ttl(None), policy.default_ttl);
        assert_eq!(ttl(Some("public, max-age=7200")), Duration::from_secs(7200));
        assert_eq!(ttl(Some("max-age=5")), policy.min_ttl);
        assert_eq!(ttl(Some("max-age=999999999")), policy.max_ttl);
        assert_eq!(ttl(Some("no-store")), policy.min_ttl);
        assert_eq!(ttl(Some("max-age=banana")), policy.default_ttl);
    }

    #[tokio::test]
    async fn stale_keys_are_fetched_again_after_their_max_age() {
        let issuer = TestIssuer::new("good");
        let (provider, url) = provider(serde_json::to_value(issuer.jwks()).unwrap()).await;
        *provider.cache_control.lock().unwrap() = Some("max-age=1");
        let auth = Authenticator::with_jwks_policy(
            config(&url, ""),
            JwksPolicy {
                min_ttl: Duration::from_millis(300),
                ..policy()
            },
        );
        let token = bearer(&issuer.token(&claims(json!({}))));
        auth.verify(Some(&token)).await.unwrap();
        auth.verify(Some(&token)).await.unwrap();
        assert_eq!(
            provider.fetches.load(Ordering::SeqCst),
            1,
            "fresh keys are reused"
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
        auth.verify(Some(&token)).await.unwrap();
        assert_eq!(
            provider.fetches.load(Ordering::SeqCst),
            2,
            "stale keys are fetched again"
        );
    }
}
