//! Adversarial corpus for `UrlFetcher`, through its public API.
//!
//! The stage: a test server on 127.0.0.1 stands in for the public internet (the allowlist
//! re-opens exactly 127.0.0.1/32); a guard listener on 127.0.0.2 stands in for everything inward
//! and must never receive a connection; names are answered by an injected resolver (no real
//! DNS), and any name the corpus does not know resolves to the guard. Each corpus is a table:
//! adding a case is one line.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reqwest::Method;

use platform::config::Settings;
use platform::fetch::{Blocked, Caller, FetchConfig, FetchError, Fetched, Resolver, UrlFetcher};
use platform::middleware::BoxFuture;

const CALLER: Caller<'static> = Caller {
    principal: "corpus",
    tool: "test",
};

/// A listener on a blocked loopback address that counts the connections it accepts.
struct Guard {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

impl Guard {
    async fn start() -> Self {
        Self::start_on(0).await
    }

    async fn start_on(port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.2", port))
            .await
            .expect("bind 127.0.0.2 (Linux routes all of 127/8 to loopback)");
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((_socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        Self { port, accepted }
    }

    fn assert_untouched(&self) {
        assert_eq!(
            self.accepted.load(Ordering::SeqCst),
            0,
            "a blocked fetch reached the inward listener"
        );
    }
}

/// Answers from a table; unknown names point at the guard. `rebind.test` answers the public
/// address once, then the guard.
struct TableResolver {
    rebind_queries: AtomicUsize,
}

impl Resolver for TableResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, std::io::Result<Vec<IpAddr>>> {
        let answers: Vec<&str> = match host {
            "public.test" | "other.test" => vec!["127.0.0.1"],
            "inward.test" => vec!["127.0.0.2"],
            "metadata.test" => vec!["169.254.169.254"],
            "private.test" => vec!["10.0.0.1", "192.168.0.10"],
            "mixed.test" => vec!["127.0.0.1", "127.0.0.2"],
            "v6mapped.test" => vec!["::ffff:127.0.0.2"],
            "nat64.test" => vec!["64:ff9b::a9fe:a9fe"],
            "rebind.test" => {
                if self.rebind_queries.fetch_add(1, Ordering::SeqCst) == 0 {
                    vec!["127.0.0.1"]
                } else {
                    vec!["127.0.0.2"]
                }
            }
            _ => vec!["127.0.0.2"],
        };
        let answers = answers.iter().map(|a| a.parse().unwrap()).collect();
        Box::pin(async move { Ok(answers) })
    }
}

#[derive(serde::Deserialize)]
struct To {
    to: String,
}

/// The stand-in for the public internet.
async fn start_public() -> SocketAddr {
    let redirect = |status: StatusCode| {
        move |Query(To { to }): Query<To>| async move {
            (status, [(header::LOCATION, to)]).into_response()
        }
    };
    let app = axum::Router::new()
        .route(
            "/ok",
            get(|| async { ([(header::CONTENT_TYPE, "text/plain")], "hello") }),
        )
        .route("/redirect", get(redirect(StatusCode::FOUND)))
        .route(
            "/redirect-307",
            post(redirect(StatusCode::TEMPORARY_REDIRECT)),
        )
        .route("/redirect-303", post(redirect(StatusCode::SEE_OTHER)))
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
        .route(
            "/big",
            get(|| async { ([(header::CONTENT_TYPE, "text/plain")], "x".repeat(200_000)) }),
        )
        .route("/big-streamed", get(big_streamed))
        .route("/slow", get(slow))
        .route(
            "/binary",
            get(|| async { ([(header::CONTENT_TYPE, "application/octet-stream")], "MZ") }),
        )
        .route(
            "/echo-method",
            post(|headers: HeaderMap| async move { echo(headers) })
                .get(|headers: HeaderMap| async move { echo(headers) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn echo(_headers: HeaderMap) -> Response {
    ([(header::CONTENT_TYPE, "text/plain")], "echo").into_response()
}

/// 200 KB in 1 KB chunks, with no Content-Length: the cap must hold while streaming.
async fn big_streamed() -> Response {
    let chunks = (0..200).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 1000]));
    Response::builder()
        .header(header::CONTENT_TYPE, "text/plain")
        .body(axum::body::Body::from_stream(futures::stream::iter(chunks)))
        .unwrap()
}

/// Headers at once, then one byte a second.
async fn slow() -> Response {
    let chunks = futures::stream::unfold(0, |n| async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        (n < 30).then_some((Ok::<_, std::io::Error>(vec![b'.']), n + 1))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/plain")
        .body(axum::body::Body::from_stream(chunks))
        .unwrap()
}

fn config(extra: &[(&str, &str)]) -> FetchConfig {
    let mut settings = vec![
        ("FETCH_ALLOW_CIDRS", "127.0.0.1/32"),
        ("FETCH_MAX_BYTES", "65536"),
        ("FETCH_TIMEOUT_MS", "1500"),
        ("FETCH_CONNECT_TIMEOUT_MS", "500"),
        ("FETCH_RATE_LIMIT_PER_SECOND", "0"),
    ];
    settings.extend_from_slice(extra);
    Settings::with(&settings).unwrap().fetch
}

fn fetcher(config: FetchConfig) -> UrlFetcher {
    let resolver = TableResolver {
        rebind_queries: AtomicUsize::new(0),
    };
    UrlFetcher::with_resolver(config, Arc::new(resolver)).unwrap()
}

/// The kind of a policy refusal, for the tables.
fn kind(error: &FetchError) -> &'static str {
    match error {
        FetchError::Blocked(blocked) => match blocked {
            Blocked::Unparsable(_) => "unparsable",
            Blocked::Scheme(_) => "scheme",
            Blocked::Credentials => "credentials",
            Blocked::NoHost => "no-host",
            Blocked::LocalName { .. } => "local-name",
            Blocked::Address { .. } => "address",
            Blocked::Resolved { .. } => "resolved",
            Blocked::Replay { .. } => "replay",
            Blocked::ContentType(_) => "content-type",
        },
        FetchError::RateLimited { .. } => "rate-limited",
        FetchError::TooLarge { .. } => "too-large",
        FetchError::TooManyRedirects { .. } => "too-many-redirects",
        FetchError::Timeout(_) => "timeout",
        FetchError::Network(_) => "network",
    }
}

async fn expect(fetcher: &UrlFetcher, url: &str, expected: &str) {
    let result: Result<Fetched, FetchError> = fetcher.get(CALLER, url).await;
    match result {
        Ok(fetched) => panic!(
            "{url}: fetched {} from {:?}",
            fetched.status, fetched.address
        ),
        Err(error) => assert_eq!(kind(&error), expected, "{url}: {error}"),
    }
}

/// Every encoding of loopback, private and metadata addresses, IPv6 forms embedding IPv4,
/// local names, non-HTTP schemes and credential or parser-differential URLs. `G` is the
/// guard's port.
const URL_CORPUS: &[(&str, &str)] = &[
    // loopback, in every IPv4 spelling the URL parser accepts
    ("http://127.0.0.2:G/", "address"),
    ("http://2130706434:G/", "address"),
    ("http://0x7f000002:G/", "address"),
    ("http://0x7F.0.0.2:G/", "address"),
    ("http://0177.0.0.2:G/", "address"),
    ("http://017700000002:G/", "address"),
    ("http://127.2:G/", "address"),
    ("http://127.0.2:G/", "address"),
    ("http://127.0.0.2.:G/", "address"),
    ("http://１２７.０.０.２:G/", "address"),
    ("http://0:G/", "address"),
    ("http://0.0.0.0:G/", "address"),
    ("HTTP://127.0.0.2:G/", "address"),
    ("http:/\\127.0.0.2:G/", "address"),
    // IPv6 loopback and IPv6 forms that embed IPv4
    ("http://[::1]:G/", "address"),
    ("http://[0:0:0:0:0:0:0:1]:G/", "address"),
    ("http://[::]:G/", "address"),
    ("http://[::ffff:127.0.0.2]:G/", "address"),
    ("http://[::ffff:7f00:2]:G/", "address"),
    ("http://[::127.0.0.2]:G/", "address"),
    ("http://[::ffff:0:127.0.0.2]:G/", "address"),
    ("http://[64:ff9b::127.0.0.2]:G/", "address"),
    ("http://[2002:7f00:2::1]:G/", "address"),
    (
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffd]:G/",
        "address",
    ),
    // cloud metadata, private, CGNAT and other blocked ranges
    ("http://169.254.169.254/latest/meta-data/", "address"),
    ("http://0xa9fea9fe/latest/meta-data/", "address"),
    ("http://2852039166/latest/meta-data/", "address"),
    ("http://0251.0376.0251.0376/", "address"),
    ("http://[::ffff:a9fe:a9fe]/", "address"),
    ("http://[64:ff9b::a9fe:a9fe]/", "address"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "address"),
    ("http://100.100.100.200/latest/meta-data/", "address"),
    ("http://192.0.0.192/", "address"),
    ("http://10.0.0.1/", "address"),
    ("http://172.16.0.1/", "address"),
    ("http://172.31.255.255/", "address"),
    ("http://192.168.1.1/", "address"),
    ("http://100.64.0.1/", "address"),
    ("http://198.18.0.1/", "address"),
    ("http://192.0.2.1/", "address"),
    ("http://198.51.100.1/", "address"),
    ("http://203.0.113.1/", "address"),
    ("http://224.0.0.1/", "address"),
    ("http://239.255.255.250:1900/", "address"),
    ("http://240.0.0.1/", "address"),
    ("http://255.255.255.255/", "address"),
    ("http://[fe80::1]/", "address"),
    ("http://[fc00::1]/", "address"),
    ("http://[fec0::1]/", "address"),
    ("http://[ff02::1]/", "address"),
    ("http://[2001:db8::1]/", "address"),
    ("http://[100::1]/", "address"),
    // local names, before any lookup
    ("http://localhost:G/", "local-name"),
    ("http://LOCALHOST.:G/", "local-name"),
    ("http://admin.localhost:G/", "local-name"),
    ("http://printer.local/", "local-name"),
    // names whose answers point inward (the injected resolver answers)
    ("http://inward.test:G/", "resolved"),
    ("http://metadata.test/latest/meta-data/", "resolved"),
    ("http://private.test/", "resolved"),
    ("http://mixed.test:G/", "resolved"),
    ("http://v6mapped.test:G/", "resolved"),
    ("http://nat64.test/", "resolved"),
    (
        "http://metadata.google.internal/computeMetadata/v1/",
        "resolved",
    ),
    // schemes other than http and https
    ("file:///etc/passwd", "scheme"),
    ("file://localhost/etc/passwd", "scheme"),
    ("ftp://public.test/", "scheme"),
    ("gopher://127.0.0.2:G/_GET%20/", "scheme"),
    ("dict://127.0.0.2:G/info", "scheme"),
    ("ldap://127.0.0.2:G/", "scheme"),
    ("data:text/plain,hello", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("ws://127.0.0.2:G/", "scheme"),
    ("jar:http://public.test!/", "scheme"),
    // credentials and parser differentials: the parsed host decides
    ("http://user:pass@public.test/ok", "credentials"),
    ("http://public.test@127.0.0.2:G/", "credentials"),
    ("http://public.test%2F@127.0.0.2:G/", "credentials"),
    ("http://127.0.0.2:G#@public.test/", "address"),
    ("http://127.0.0.2:G\\@public.test/", "address"),
    ("http://127.0.0.2:G?@public.test/", "address"),
    // parsed as host public.test, port 1, path /@127.0.0.2…: the allowed host is what is dialled
    ("http://public.test:1\\@127.0.0.2:G/", "network"),
    // not URLs at all
    ("http://[::1/", "unparsable"),
    ("http://127.0.0.1:99999/", "unparsable"),
    ("//127.0.0.2:G/", "unparsable"),
    ("", "unparsable"),
];

#[tokio::test]
async fn the_url_corpus_is_refused_by_policy_and_never_connects() {
    let guard = Guard::start().await;
    let fetcher = fetcher(config(&[]));
    for (url, expected) in URL_CORPUS {
        let url = url.replace(":G", &format!(":{}", guard.port));
        expect(&fetcher, &url, expected).await;
    }
    guard.assert_untouched();
}

#[tokio::test]
async fn the_allowed_server_is_reached_and_audited_fields_are_returned() {
    let public = start_public().await;
    let fetcher = fetcher(config(&[]));
    let fetched = fetcher
        .get(CALLER, &format!("http://public.test:{}/ok", public.port()))
        .await
        .unwrap();
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, b"hello");
    assert_eq!(
        fetched.address.map(|a| a.ip()),
        Some("127.0.0.1".parse().unwrap())
    );
}

#[tokio::test]
async fn a_rebinding_answer_never_reaches_the_inward_address() {
    // The guard listens on the inward address at the public server's port, so a client that
    // looked the name up again between check and connect would land on it.
    let public = start_public().await;
    let guard = Guard::start_on(public.port()).await;
    let resolver = Arc::new(TableResolver {
        rebind_queries: AtomicUsize::new(0),
    });
    let url = format!("http://rebind.test:{}/ok", public.port());
    let fetcher = UrlFetcher::with_resolver(config(&[]), resolver.clone()).unwrap();
    // First answer: public. The connection goes to the address that was checked.
    assert_eq!(fetcher.get(CALLER, &url).await.unwrap().body, b"hello");
    // Later answers point inward: a pooled connection may still serve, a new lookup is refused.
    for _ in 0..3 {
        match fetcher.get(CALLER, &url).await {
            Ok(fetched) => assert_eq!(fetched.address.unwrap().ip().to_string(), "127.0.0.1"),
            Err(error) => assert_eq!(kind(&error), "resolved", "{error}"),
        }
    }
    let fresh = UrlFetcher::with_resolver(config(&[]), resolver).unwrap();
    expect(&fresh, &url, "resolved").await;
    guard.assert_untouched();
}

/// Redirects from the allowed server, each hop checked. `G` is the guard's port, `P` the public
/// server's.
const REDIRECT_CORPUS: &[(&str, &str)] = &[
    ("http://127.0.0.2:G/", "address"),
    ("http://inward.test:G/", "resolved"),
    ("http://169.254.169.254/latest/meta-data/", "address"),
    ("http://[::ffff:127.0.0.2]:G/", "address"),
    ("http://localhost:G/", "local-name"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://127.0.0.2:G/", "scheme"),
    ("http://user:pass@public.test:P/ok", "credentials"),
    ("http://public.test:P/loop", "too-many-redirects"),
];

#[tokio::test]
async fn redirects_are_checked_hop_by_hop() {
    let guard = Guard::start().await;
    let public = start_public().await;
    let fetcher = fetcher(config(&[]));
    let fill = |s: &str| {
        s.replace(":G", &format!(":{}", guard.port))
            .replace(":P", &format!(":{}", public.port()))
    };
    for (to, expected) in REDIRECT_CORPUS {
        let to = fill(to);
        let url = format!(
            "http://public.test:{}/redirect?to={}",
            public.port(),
            urlencode(&to)
        );
        expect(&fetcher, &url, expected).await;
    }
    // A redirect inside the allowed world is followed.
    let url = format!("http://public.test:{}/redirect?to=/ok", public.port());
    assert_eq!(fetcher.get(CALLER, &url).await.unwrap().body, b"hello");
    guard.assert_untouched();
}

#[tokio::test]
async fn a_redirect_never_replays_a_method_or_body_to_another_origin() {
    let public = start_public().await;
    let fetcher = fetcher(config(&[]));
    let port = public.port();
    let other = urlencode(&format!("http://other.test:{port}/echo-method"));
    let fetcher = &fetcher;
    let post = |path: String| async move {
        let url = format!("http://public.test:{port}{path}");
        fetcher
            .fetch(CALLER, Method::POST, &url, Some(b"secret=1".to_vec()))
            .await
    };
    let refused = post(format!("/redirect-307?to={other}")).await.unwrap_err();
    assert_eq!(kind(&refused), "replay", "{refused}");
    // 303 turns the request into a body-less GET, which may go anywhere allowed.
    let followed = post(format!("/redirect-303?to={other}")).await.unwrap();
    assert_eq!(followed.body, b"echo");
    // Same origin: 307 keeps method and body.
    let same = urlencode(&format!("http://public.test:{port}/echo-method"));
    assert!(post(format!("/redirect-307?to={same}")).await.is_ok());
}

#[tokio::test]
async fn oversized_slow_and_unexpected_responses_are_cut_off() {
    let public = start_public().await;
    let fetcher = fetcher(config(&[]));
    let url = |path: &str| format!("http://public.test:{}{path}", public.port());
    expect(&fetcher, &url("/big"), "too-large").await;
    expect(&fetcher, &url("/big-streamed"), "too-large").await;
    expect(&fetcher, &url("/binary"), "content-type").await;
    let started = Instant::now();
    expect(&fetcher, &url("/slow"), "timeout").await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn each_principal_has_a_fetch_rate_limit() {
    let public = start_public().await;
    let fetcher = fetcher(config(&[
        ("FETCH_RATE_LIMIT_PER_SECOND", "1"),
        ("FETCH_RATE_LIMIT_BURST", "3"),
    ]));
    let url = format!("http://public.test:{}/ok", public.port());
    for _ in 0..3 {
        fetcher.get(CALLER, &url).await.unwrap();
    }
    expect(&fetcher, &url, "rate-limited").await;
    let other = Caller {
        principal: "someone-else",
        tool: "test",
    };
    assert!(fetcher.get(other, &url).await.is_ok());
}

/// Proxy variables must not route fetches anywhere: set them (in a child process, since the
/// environment is process-wide) to the guard and fetch the allowed server.
#[tokio::test]
async fn system_proxy_variables_are_ignored() {
    let guard = Guard::start().await;
    let public = start_public().await;
    let proxy = format!("http://127.0.0.2:{}", guard.port);
    let output = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "fetch_with_proxy_variables_set",
            "--ignored",
            "--nocapture",
        ])
        .env(
            "FETCH_TEST_URL",
            format!("http://public.test:{}/ok", public.port()),
        )
        .envs(
            [
                "HTTP_PROXY",
                "HTTPS_PROXY",
                "ALL_PROXY",
                "http_proxy",
                "https_proxy",
                "all_proxy",
            ]
            .map(|name| (name, proxy.clone())),
        )
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "{output:?}"
    );
    guard.assert_untouched();
}

/// The child half of [`system_proxy_variables_are_ignored`]; it does nothing on its own.
#[tokio::test]
#[ignore = "run by system_proxy_variables_are_ignored with proxy variables set"]
async fn fetch_with_proxy_variables_set() {
    let Ok(url) = std::env::var("FETCH_TEST_URL") else {
        return;
    };
    assert!(std::env::var("HTTP_PROXY").is_ok());
    let fetched = fetcher(config(&[])).get(CALLER, &url).await.unwrap();
    assert_eq!(fetched.body, b"hello");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
