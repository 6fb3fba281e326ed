//! MCP207 permissive-cors.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::calls;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static PERMISSIVE_CORS: RuleMeta = RuleMeta {
    code: "MCP207",
    name: "permissive-cors",
    family: Family::Transport,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "`CorsLayer::permissive()`, `very_permissive()` or `allow_origin(Any)` on an MCP server.",
    why: "The specification requires servers to validate the Origin header. A permissive CORS layer tells every browser that any web page may call the server with the user's network position and cookies.",
    example: "let app = Router::new().nest_service(\"/mcp\", mcp).layer(CorsLayer::permissive());",
    fix: "Allow the specific origins of your web clients, or no CORS at all for server-to-server use.",
};

pub fn permissive_cors(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file) {
        let permissive = (!call.method
            && (call.name.ends_with("CorsLayer::permissive")
                || call.name.ends_with("CorsLayer::very_permissive")))
            || (call.method
                && call.name == "allow_origin"
                && call.args.first().is_some_and(|a| {
                    let t = quote::ToTokens::to_token_stream(a)
                        .to_string()
                        .replace(' ', "");
                    t == "Any" || t.ends_with("::Any") || t.ends_with("AllowOrigin::any()")
                }));
        if permissive {
            out.push(file.diagnostic(
                &PERMISSIVE_CORS,
                call.span,
                "CORS lets any web page call this server",
            ));
        }
    }
}
