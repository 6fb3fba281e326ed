//! `UrlFetcher`: the only outbound HTTP client tools should use for URLs a caller chose.
//!
//! A model can be talked into fetching `http://169.254.169.254/latest/meta-data/` or an admin
//! port on localhost (server-side request forgery). The fetcher decides on what the connection
//! will really reach, not on the text of the URL:
//!
//! 1. The URL is parsed once (the `url` crate, the parser reqwest uses, so there is no parser
//!    differential); only `http` and `https` pass, and URLs carrying credentials are refused.
//! 2. The parsed host decides. The parser has already turned decimal, hex, octal, short and
//!    full-width IPv4 forms into an address. An address literal is checked here (the HTTP stack
//!    never consults the resolver for one); IPv6 forms that embed IPv4 (mapped, compatible,
//!    NAT64, 6to4, Teredo) are unwrapped and the IPv4 inside is checked too.
//! 3. A name is resolved by [`Checked`], the client's own resolver: every answer is checked and
//!    the connection can only go to an answer that passed. If any answer is blocked the host is
//!    refused (a name that points inward at all is not trusted). There is no second lookup, so
//!    DNS rebinding has nothing to race.
//! 4. Redirects are followed here, one hop at a time, each hop checked like the first, at most
//!    `FETCH_MAX_REDIRECTS`; a redirect that would replay a method other than GET/HEAD (or a
//!    body) to another origin is refused.
//! 5. System proxy variables are ignored; `FETCH_PROXY` names the egress proxy when there is one
//!    (it then resolves names, and must enforce the same policy).
//! 6. Connect and total timeouts, a byte cap enforced while the body streams in, an allowlist
//!    of content types, a per-principal rate limit, and one audit log line per fetch.
//!
//! [`BLOCKED`] is the table of refused ranges; `FETCH_ALLOW_CIDRS` re-opens specific ranges
//! (an internal API, say). Errors are typed: [`FetchError::Blocked`] is policy, the rest are
//! the network or the response, so a tool can tell the model which it was.

use crate::config::{ConfigError, Setting, Vars};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ipnet::IpNet;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode, Url};

use super::config::Limit;
use super::middleware::BoxFuture;
use super::ratelimit::{BucketKey, Decision, InMemory, RateLimiter, retry_after_seconds};

/// Address ranges no fetch may reach unless `FETCH_ALLOW_CIDRS` re-opens them, with the reason
/// shown in errors and logs.
pub const BLOCKED: &[(&str, &str)] = &[
    ("0.0.0.0/8", "this network (unspecified)"),
    ("10.0.0.0/8", "private"),
    (
        "100.64.0.0/10",
        "carrier-grade NAT (and Alibaba Cloud metadata)",
    ),
    ("127.0.0.0/8", "loopback"),
    (
        "169.254.0.0/16",
        "link-local (cloud metadata 169.254.169.254)",
    ),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved (and broadcast)"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("2001:2::/48", "benchmarking"),
    ("2001:10::/28", "ORCHID"),
    ("2001:20::/28", "ORCHIDv2"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing"),
    (
        "fc00::/7",
        "unique local (private; AWS metadata fd00:ec2::254)",
    ),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
];

/// Why a fetch was refused by policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    #[error("the URL could not be parsed: {0}")]
    Unparsable(String),
    #[error("scheme `{0}` is not allowed (http and https only)")]
    Scheme(String),
    #[error("URLs with credentials (user:password@) are not allowed")]
    Credentials,
    #[error("the URL has no host")]
    NoHost,
    #[error("`{host}` is a local name")]
    LocalName { host: String },
    #[error("{address} is in a blocked range ({range}: {reason})")]
    Address {
        address: IpAddr,
        range: &'static str,
        reason: &'static str,
    },
    /// The address is kept for the log; the message (shown to models) does not carry it, so
    /// the fetcher is no oracle for internal DNS.
    #[error("`{host}` resolves to a blocked address ({reason})")]
    Resolved {
        host: String,
        address: IpAddr,
        reason: &'static str,
    },
    #[error("a redirect would replay {method} to another origin ({to})")]
    Replay { method: String, to: String },
    #[error("content type `{0}` is not allowed")]
    ContentType(String),
}

/// What went wrong with a fetch.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Refused by policy: nothing was sent to that address.
    #[error("blocked by policy: {0}")]
    Blocked(#[from] Blocked),
    /// The caller is over the fetch rate limit.
    #[error("too many fetches: retry in {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u64 },
    #[error("the response is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("more than {limit} redirects")]
    TooManyRedirects { limit: usize },
    #[error("no complete response within {0:?}")]
    Timeout(Duration),
    /// DNS failure, refused connection, TLS error, broken stream.
    #[error("network error: {0}")]
    Network(String),
}

impl FetchError {
    /// True when policy refused the fetch (as opposed to the network or the response failing).
    pub fn is_policy(&self) -> bool {
        matches!(self, Self::Blocked(_) | Self::RateLimited { .. })
    }
}

/// Resolves host names. The default asks the system; tests inject their own.
pub trait Resolver: Send + Sync + 'static {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, std::io::Result<Vec<IpAddr>>>;
}

/// The system resolver (getaddrinfo, through tokio).
#[derive(Debug, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, std::io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host, 0))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    }
}

/// The address policy: the blocked table and the configured exceptions.
#[derive(Debug, Clone)]
pub struct Policy {
    blocked: Vec<(IpNet, &'static str, &'static str)>,
    allowed: Vec<IpNet>,
}

impl Policy {
    /// The blocked table with `allowed` re-opened.
    pub fn new(allowed: Vec<IpNet>) -> Self {
        let blocked = BLOCKED
            .iter()
            .map(|(range, reason)| {
                // The table is a constant checked by a unit test.
                let net: IpNet = range.parse().unwrap_or_else(|_| IpNet::default());
                (net, *range, *reason)
            })
            .collect();
        Self { blocked, allowed }
    }

    /// Whether a connection to `address` is allowed; the blocked range if not. IPv6 forms that
    /// embed an IPv4 address are checked as that address too.
    pub fn check(&self, address: IpAddr) -> Result<(), Blocked> {
        if self.allowed.iter().any(|net| net.contains(&address)) {
            return Ok(());
        }
        if let Some((_, range, reason)) = self.blocked.iter().find(|(n, ..)| n.contains(&address)) {
            return Err(Blocked::Address {
                address,
                range,
                reason,
            });
        }
        if let IpAddr::V6(v6) = address {
            for embedded in embedded_ipv4(v6) {
                self.check(IpAddr::V4(embedded))?;
            }
        }
        Ok(())
    }
}

/// The IPv4 addresses an IPv6 address carries: mapped (`::ffff:a.b.c.d`), compatible
/// (`::a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`), 6to4
/// (`2002:AABB:CCDD::`) and Teredo (`2001:0:SSSS:SSSS:…:~CCCC:~CCCC`, server and client).
pub fn embedded_ipv4(address: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = address.segments();
    let last32 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => vec![last32],
        [0, 0, 0, 0, 0xffff, 0, _, _] => vec![last32],
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => vec![last32],
        [0x2002, a, b, ..] => vec![Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        )],
        [0x2001, 0, a, b, ..] => vec![
            Ipv4Addr::new((a >> 8) as u8, a as u8, (b >> 8) as u8, b as u8),
            Ipv4Addr::from(!u32::from(last32)),
        ],
        _ => Vec::new(),
    }
}

/// Checks a URL before anything is sent: scheme, credentials, host; for an address literal,
/// the address.
pub fn check_url(policy: &Policy, url: &Url) -> Result<(), Blocked> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Blocked::Scheme(url.scheme().to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Blocked::Credentials);
    }
    match url.host() {
        None => Err(Blocked::NoHost),
        Some(url::Host::Ipv4(v4)) => policy.check(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => policy.check(IpAddr::V6(v6)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local") {
                return Err(Blocked::LocalName { host: name });
            }
            Ok(())
        }
    }
}

/// The client's resolver: every answer checked, all of them or nothing.
struct Checked {
    resolver: Arc<dyn Resolver>,
    policy: Arc<Policy>,
}

impl reqwest::dns::Resolve for Checked {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.resolver.clone();
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let answers = resolver.lookup(&host).await?;
            if answers.is_empty() {
                return Err(format!("`{host}` has no addresses").into());
            }
            for address in &answers {
                if let Err(Blocked::Address { reason, .. }) = policy.check(*address) {
                    return Err(Box::new(Blocked::Resolved {
                        host,
                        address: *address,
                        reason,
                    })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            let addrs: reqwest::dns::Addrs =
                Box::new(answers.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// The fetcher's settings.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub allowed: Vec<IpNet>,
    pub content_types: Vec<String>,
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_redirects: usize,
    pub proxy: Option<String>,
    pub rate_limit: Limit,
}

/// Who is fetching, for the rate limit and the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub principal: &'a str,
    pub tool: &'a str,
}

/// A fetched response.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL that answered (after redirects).
    pub url: Url,
    pub status: StatusCode,
    pub content_type: String,
    /// The address the connection went to.
    pub address: Option<SocketAddr>,
    pub body: Vec<u8>,
}

/// The SSRF-safe fetcher. Cloning shares the connection pool and the rate limiter.
#[derive(Clone)]
pub struct UrlFetcher {
    client: reqwest::Client,
    policy: Arc<Policy>,
    config: Arc<FetchConfig>,
    limiter: Option<Arc<InMemory>>,
}

impl std::fmt::Debug for UrlFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlFetcher")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl UrlFetcher {
    /// A fetcher resolving names with the system resolver.
    pub fn new(config: FetchConfig) -> anyhow::Result<Self> {
        Self::with_resolver(config, Arc::new(SystemResolver))
    }

    /// A fetcher resolving names with `resolver` (tests inject one; no real DNS).
    pub fn with_resolver(config: FetchConfig, resolver: Arc<dyn Resolver>) -> anyhow::Result<Self> {
        let policy = Arc::new(Policy::new(config.allowed.clone()));
        let mut builder = reqwest::Client::builder()
            .user_agent(crate::USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .dns_resolver(Arc::new(Checked {
                resolver,
                policy: policy.clone(),
            }));
        builder = match &config.proxy {
            Some(proxy) => builder.proxy(reqwest::Proxy::all(proxy)?),
            // HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are ignored.
            None => builder.no_proxy(),
        };
        Ok(Self {
            client: builder.build()?,
            policy,
            limiter: InMemory::new(config.rate_limit).map(Arc::new),
            config: Arc::new(config),
        })
    }

    /// GETs `url` for `caller`.
    pub async fn get(&self, caller: Caller<'_>, url: &str) -> Result<Fetched, FetchError> {
        self.fetch(caller, Method::GET, url, None).await
    }

    /// Sends `method` to `url` (with `body`), following redirects under the policy.
    pub async fn fetch(
        &self,
        caller: Caller<'_>,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let result =
            match tokio::time::timeout(self.config.timeout, self.follow(caller, method, url, body))
                .await
            {
                Ok(result) => result,
                Err(_) => Err(FetchError::Timeout(self.config.timeout)),
            };
        audit(caller, url, &result, started.elapsed());
        result
    }

    async fn follow(
        &self,
        caller: Caller<'_>,
        mut method: Method,
        url: &str,
        mut body: Option<Vec<u8>>,
    ) -> Result<Fetched, FetchError> {
        if let Some(limiter) = &self.limiter
            && let Decision::Deny { retry_after } =
                limiter.check(BucketKey::principal(caller.principal)).await
        {
            return Err(FetchError::RateLimited {
                retry_after_seconds: retry_after_seconds(retry_after),
            });
        }
        let mut url = Url::parse(url).map_err(|e| Blocked::Unparsable(e.to_string()))?;
        for _hop in 0..=self.config.max_redirects {
            check_url(&self.policy, &url)?;
            let mut request = self.client.request(method.clone(), url.clone());
            if let Some(body) = &body {
                request = request.body(body.clone());
            }
            let response = request
                .send()
                .await
                .map_err(|e| network_error(e, self.config.timeout))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get(LOCATION)
            {
                let location = location
                    .to_str()
                    .map_err(|_| Blocked::Unparsable("a non-ASCII Location header".into()))?;
                let next = url
                    .join(location)
                    .map_err(|e| Blocked::Unparsable(e.to_string()))?;
                let same_origin = next.origin() == url.origin();
                match status {
                    StatusCode::SEE_OTHER => (method, body) = (Method::GET, None),
                    StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND
                        if method != Method::GET && method != Method::HEAD =>
                    {
                        (method, body) = (Method::GET, None);
                    }
                    _ if !same_origin
                        && (body.is_some() || !matches!(method, Method::GET | Method::HEAD)) =>
                    {
                        return Err(Blocked::Replay {
                            method: method.to_string(),
                            to: next.origin().ascii_serialization(),
                        }
                        .into());
                    }
                    _ => {}
                }
                url = next;
                continue;
            }
            return self.read(url, response).await;
        }
        Err(FetchError::TooManyRedirects {
            limit: self.config.max_redirects,
        })
    }

    async fn read(&self, url: Url, mut response: reqwest::Response) -> Result<Fetched, FetchError> {
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_string();
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !self.content_type_allowed(&essence) {
            return Err(Blocked::ContentType(essence).into());
        }
        let limit = self.config.max_bytes;
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit) {
            return Err(FetchError::TooLarge { limit });
        }
        let address = response.remote_addr();
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| network_error(e, self.config.timeout))?
        {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            url,
            status,
            content_type,
            address,
            body,
        })
    }

    fn content_type_allowed(&self, essence: &str) -> bool {
        self.config
            .content_types
            .iter()
            .any(|allowed| match allowed.strip_suffix("/*") {
                Some(kind) => essence.split('/').next() == Some(kind),
                None => allowed == essence,
            })
    }
}

/// A reqwest error as a fetch error: a policy refusal from the resolver stays a policy error.
fn network_error(error: reqwest::Error, timeout: Duration) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(e) = source {
        if let Some(blocked) = e.downcast_ref::<Blocked>() {
            return FetchError::Blocked(blocked.clone());
        }
        source = e.source();
    }
    if error.is_timeout() {
        return FetchError::Timeout(timeout);
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        message = format!("{message}: {e}");
        source = e.source();
    }
    FetchError::Network(message)
}

/// One line per fetch, on the `audit` target.
fn audit(caller: Caller<'_>, url: &str, result: &Result<Fetched, FetchError>, elapsed: Duration) {
    let host = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    match result {
        Ok(fetched) => tracing::info!(
            target: "audit",
            principal = caller.principal,
            tool = caller.tool,
            host,
            address = fetched.address.map(|a| a.to_string()).unwrap_or_default(),
            status = fetched.status.as_u16(),
            bytes = fetched.body.len(),
            duration_ms = elapsed.as_millis() as u64,
            "fetch"
        ),
        Err(error) => tracing::warn!(
            target: "audit",
            principal = caller.principal,
            tool = caller.tool,
            host,
            policy = error.is_policy(),
            error = %error,
            duration_ms = elapsed.as_millis() as u64,
            "fetch refused or failed"
        ),
    }
}

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "FETCH_ALLOW_CIDRS",
        default: "",
        help: "Address ranges the URL fetcher may reach although they are blocked (private, loopback, …), comma-separated CIDRs.",
    },
    Setting {
        key: "FETCH_CONTENT_TYPES",
        default: "text/*,application/json,application/xml,application/rss+xml,application/atom+xml",
        help: "Response content types the URL fetcher accepts; `type/*` accepts a whole type.",
    },
    Setting {
        key: "FETCH_MAX_BYTES",
        default: "1048576",
        help: "Largest response body the URL fetcher reads, in bytes (enforced while streaming).",
    },
    Setting {
        key: "FETCH_CONNECT_TIMEOUT_MS",
        default: "3000",
        help: "URL fetcher: how long a connection may take to open.",
    },
    Setting {
        key: "FETCH_TIMEOUT_MS",
        default: "10000",
        help: "URL fetcher: how long a whole fetch (redirects and body included) may take.",
    },
    Setting {
        key: "FETCH_MAX_REDIRECTS",
        default: "5",
        help: "URL fetcher: redirects followed, each re-checked, before giving up.",
    },
    Setting {
        key: "FETCH_PROXY",
        default: "",
        help: "URL fetcher: egress proxy URL; empty means direct (HTTP_PROXY and friends are ignored).",
    },
    Setting {
        key: "FETCH_RATE_LIMIT_PER_SECOND",
        default: "2",
        help: "URL fetcher: fetches per second per principal (0 turns the limit off).",
    },
    Setting {
        key: "FETCH_RATE_LIMIT_BURST",
        default: "10",
        help: "URL fetcher: fetches a principal may make at once.",
    },
    Setting {
        key: "UPSTREAM_TOKEN",
        default: "",
        help: "This server's own credential for upstream APIs (secret). Client tokens are never forwarded.",
    },
];

impl FetchConfig {
    /// Reads and validates this subsystem's settings.
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let mut fetch_allowed = Vec::new();
        for cidr in vars.list("FETCH_ALLOW_CIDRS") {
            let net = cidr
                .parse::<ipnet::IpNet>()
                .or_else(|_| cidr.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
            fetch_allowed.push(net.map_err(|_| {
                vars.invalid(
                    "FETCH_ALLOW_CIDRS",
                    format!("`{cidr}` is not an address or a CIDR range (10.1.2.0/24)"),
                )
            })?);
        }
        let fetch_proxy = vars.get("FETCH_PROXY").trim().to_string();
        if !fetch_proxy.is_empty() && reqwest::Proxy::all(&fetch_proxy).is_err() {
            return Err(vars.invalid(
                "FETCH_PROXY",
                "not a proxy URL (http://proxy.internal:3128)",
            ));
        }
        Ok(FetchConfig {
            allowed: fetch_allowed,
            content_types: vars
                .list("FETCH_CONTENT_TYPES")
                .into_iter()
                .map(|t| t.to_ascii_lowercase())
                .collect(),
            max_bytes: vars.number("FETCH_MAX_BYTES")?,
            connect_timeout: vars.millis("FETCH_CONNECT_TIMEOUT_MS")?,
            timeout: vars.millis("FETCH_TIMEOUT_MS")?,
            max_redirects: usize::try_from(vars.number("FETCH_MAX_REDIRECTS")?)
                .unwrap_or(usize::MAX),
            proxy: (!fetch_proxy.is_empty()).then_some(fetch_proxy),
            rate_limit: vars.limit("FETCH_RATE_LIMIT_PER_SECOND", "FETCH_RATE_LIMIT_BURST")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocked_table_parses() {
        for (range, _) in BLOCKED {
            assert!(range.parse::<IpNet>().is_ok(), "{range}");
        }
    }

    #[test]
    fn embedded_ipv4_is_unwrapped() {
        let cases = [
            ("::ffff:127.0.0.1", "127.0.0.1"),
            ("::127.0.0.1", "127.0.0.1"),
            ("::ffff:0:10.0.0.1", "10.0.0.1"),
            ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
            ("2002:7f00:1::", "127.0.0.1"),
        ];
        for (v6, v4) in cases {
            let embedded = embedded_ipv4(v6.parse().unwrap());
            assert!(
                embedded.contains(&v4.parse().unwrap()),
                "{v6}: {embedded:?}"
            );
        }
        // Teredo: server 65.54.227.120, client 192.168.1.1 stored inverted.
        let teredo: Ipv6Addr = "2001:0:4136:e378:8000:63bf:3f57:fefe".parse().unwrap();
        assert!(embedded_ipv4(teredo).contains(&"192.168.1.1".parse().unwrap()));
    }

    #[test]
    fn the_allowlist_reopens_a_range() {
        let policy = Policy::new(vec!["10.1.2.0/24".parse().unwrap()]);
        assert!(policy.check("10.1.2.3".parse().unwrap()).is_ok());
        assert!(policy.check("10.1.3.3".parse().unwrap()).is_err());
        assert!(policy.check("93.184.215.14".parse().unwrap()).is_ok());
    }
}
