//! MCP206 http-without-auth.

use crate::lint::FileFacts;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::CrateContext;

pub static HTTP_WITHOUT_AUTH: RuleMeta = RuleMeta {
    code: "MCP206",
    name: "http-without-auth",
    family: Family::Transport,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "A judgement over each program of the package (a binary with the library it links, or the library alone). The server is rmcp's `StreamableHttpService`, named through each file's `use` items (a `pub use` re-export of it within the crate is not followed, unlike the stdio fact). It counts as reachable beyond loopback only where the code says so: a listener address literal on every interface (`0.0.0.0`, `[::]`, `Ipv4Addr::UNSPECIFIED`), `disable_allowed_hosts()`, or a non-loopback literal in `with_allowed_hosts(..)`; an address or host list read from configuration is not judged (the catalogue's design asked for \"binding non-loopback\", which a linter can only know from literals). Authentication is any of: tower-http's `ValidateRequestHeaderLayer`, `RequireAuthorizationLayer` or `AsyncRequireAuthorizationLayer`; a bearer check as MCP306 sees it (`jsonwebtoken::decode`, `TypedHeader<Authorization<Bearer>>`, `strip_prefix(\"Bearer \")`); or reading the request's `Authorization` header (`headers().get(AUTHORIZATION)` in an axum `from_fn` middleware or a service of your own). Whether the check really guards the `/mcp` route is not followed, and authentication in another crate of the workspace (a shared gateway crate) is not seen: suppress with that reason.",
    summary: "A Streamable HTTP MCP server reachable beyond loopback with no authentication anywhere in the crate.",
    why: "Every tool of an MCP server runs with the server's credentials and network position. Served on a public interface with no authentication, anyone who can reach the port can list and call every tool; the specification says servers SHOULD authenticate all connections, and OWASP's MCP Top 10 lists missing authentication (MCP07) as a top risk.",
    example: "let service = StreamableHttpService::new(|| Ok(Server::new()), manager, config);\nlet app = Router::new().nest_service(\"/mcp\", service);\nlet listener = TcpListener::bind(\"0.0.0.0:8080\").await?;",
    fix: "Put authentication in front of `/mcp` (an axum middleware that validates a bearer token and answers 401 with `WWW-Authenticate`, or tower-http's `AsyncRequireAuthorizationLayer`), or bind to `127.0.0.1` for local use.",
};

pub fn http_without_auth(files: &[&FileFacts], _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let Some((path, (start, end))) = files
        .iter()
        .find_map(|f| f.http.serves.map(|at| (f.path.clone(), at)))
    else {
        return;
    };
    if files.iter().any(|f| f.http.authenticates) {
        return;
    }
    let Some((public_path, (public_at, _))) = files
        .iter()
        .find_map(|f| f.http.public.map(|at| (f.path.clone(), at)))
    else {
        return;
    };
    out.push(
        Diagnostic::new(
            &HTTP_WITHOUT_AUTH,
            path,
            start,
            end,
            format!(
                "this MCP server is reachable beyond loopback ({public_path}:{}) and nothing in the crate authenticates requests",
                public_at.line
            ),
        )
        .with_help("validate a bearer token before `/mcp` (401 with `WWW-Authenticate`), or listen on 127.0.0.1 only"),
    );
}
