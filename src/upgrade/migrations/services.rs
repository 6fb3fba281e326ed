//! service 0.5.0 and minimal 0.3.0: the platform became its own crate, and the team's `State`
//! (platform services and every setting in one struct) became two things: the platform's
//! `Services` and the team's own `Settings`. A path rule cannot make these edits, since they are
//! method chains on values, not paths:
//!
//! - `x.state().settings.greeting` (a team setting, or a field the team added to the platform's
//!   settings, which now belongs in `src/settings.rs`) → `x.settings().greeting`;
//! - `x.state().settings.http_addr` (a platform setting) → `x.services().settings().http.addr`,
//!   following the platform settings' new groups; `x.state().settings` alone →
//!   `x.services().settings()`;
//! - `x.state()` (its `fetcher()`, `files()`, `executor()`, `http()`) → `x.services()`;
//! - the type `ResourceRouter` → `ResourceRouter<Server>` (routers are generic over the server
//!   now that the platform no longer names it).
//!
//! Macro arguments (`format!("{}", self.state().settings.greeting)`) are edited too: the method
//! chains are found in the token stream, which includes macro bodies.

use proc_macro2::{Delimiter, LineColumn, TokenStream, TokenTree};
use syn::visit::Visit;

use crate::edit::rust::{LineIndex, Replacement, apply_replacements};

/// Settings of the old single platform `Settings` struct and where each lives now, below
/// `services().settings()`. A field not listed here and not in [`MOVED_INTO_OPTIONS`] was the
/// team's (`greeting`, or one a team added) and is now read from the team's settings.
const PLATFORM_FIELDS: &[(&str, &str)] = &[
    ("transport", "transport"),
    ("shutdown_grace", "shutdown_grace"),
    ("log", "log"),
    ("log_format", "log_format"),
    ("rate_limit", "rate_limit"),
    ("tool_rate_limit", "tool_rate_limit"),
    ("fetch", "fetch"),
    ("files", "files"),
    ("exec", "exec"),
    ("otlp_endpoint", "otlp_endpoint"),
    ("upstream_token", "upstream_token"),
    ("http_addr", "http.addr"),
    ("allowed_hosts", "http.allowed_hosts"),
    ("allowed_origins", "http.allowed_origins"),
    ("max_body_bytes", "http.max_body_bytes"),
    ("stateless", "http.stateless"),
    ("http_limits", "http.limits"),
    ("public_url", "http.public_url"),
    ("auth", "http.auth"),
    ("auth_tokens", "http.auth_tokens"),
    ("tool_scopes", "http.tool_scopes"),
    ("metrics", "metrics.enabled"),
    ("metrics_addr", "metrics.addr"),
];

/// Old platform settings that now sit inside an optional group (`http.jwt`, `redis`): the chain
/// becomes `services().settings().<field>` unchanged, which does not compile and so points the
/// team at the field to rewrite by hand, rather than guessing at an `Option`.
const MOVED_INTO_OPTIONS: &[&str] = &[
    "auth_preset",
    "auth_tenant",
    "auth_issuer",
    "auth_audience",
    "auth_jwks_url",
    "auth_algorithms",
    "auth_tenant_claim",
    "auth_required_claims",
    "rate_limit_backend",
    "redis_url",
    "redis_key_prefix",
    "redis_timeout",
    "redis_failure",
];

/// The migration: `Ok(None)` when the file has nothing to change.
pub fn split_state(text: &str) -> Result<Option<String>, syn::Error> {
    if !text.contains("state") && !text.contains("ResourceRouter") {
        return Ok(None);
    }
    let file = crate::edit::rust::parse_file(text)?;
    let index = LineIndex::new(text);
    let mut edits = Vec::new();
    let tokens: TokenStream = text.parse().map_err(|e: proc_macro2::LexError| {
        syn::Error::new(proc_macro2::Span::call_site(), e.to_string())
    })?;
    state_chains(tokens, &mut |start, end, replacement| {
        edits.push(Replacement {
            range: index.offset(text, start)..index.offset(text, end),
            text: replacement,
        });
    });
    let server = if imports_server(&file) {
        "Server"
    } else {
        "crate::server::Server"
    };
    let mut routers = BareRouters(Vec::new());
    routers.visit_file(&file);
    for end in routers.0 {
        let at = index.offset(text, end);
        edits.push(Replacement {
            range: at..at,
            text: format!("<{server}>"),
        });
    }
    if edits.is_empty() {
        return Ok(None);
    }
    Ok(Some(apply_replacements(text, &edits).0))
}

/// Finds `.state()` chains in a token stream and its groups, macro bodies included.
fn state_chains(tokens: TokenStream, edit: &mut impl FnMut(LineColumn, LineColumn, String)) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        if let TokenTree::Group(group) = &trees[i] {
            state_chains(group.stream(), edit);
        }
        if !(is_punct(trees.get(i), '.')
            && is_ident(trees.get(i + 1), "state")
            && is_empty_parens(trees.get(i + 2)))
        {
            i += 1;
            continue;
        }
        let start = trees[i + 1].span().start();
        let settings_field = is_punct(trees.get(i + 3), '.')
            && is_ident(trees.get(i + 4), "settings")
            && !is_parens(trees.get(i + 5));
        if !settings_field {
            edit(start, trees[i + 2].span().end(), "services()".into());
            i += 3;
            continue;
        }
        // `.state().settings.<field>`, unless `<field>` is a method called on the settings.
        let field = match (trees.get(i + 5), trees.get(i + 6)) {
            (Some(TokenTree::Punct(p)), Some(TokenTree::Ident(name)))
                if p.as_char() == '.' && !is_parens(trees.get(i + 7)) =>
            {
                Some(name.to_string())
            }
            _ => None,
        };
        match field {
            Some(name) if !MOVED_INTO_OPTIONS.contains(&name.as_str()) => {
                let replacement = match PLATFORM_FIELDS.iter().find(|(old, _)| *old == name) {
                    Some((_, new)) => format!("services().settings().{new}"),
                    None => format!("settings().{name}"),
                };
                edit(start, trees[i + 6].span().end(), replacement);
                i += 7;
            }
            _ => {
                edit(
                    start,
                    trees[i + 4].span().end(),
                    "services().settings()".into(),
                );
                i += 5;
            }
        }
    }
}

fn is_punct(tree: Option<&TokenTree>, c: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_ident(tree: Option<&TokenTree>, name: &str) -> bool {
    matches!(tree, Some(TokenTree::Ident(i)) if i == name)
}

fn is_parens(tree: Option<&TokenTree>) -> bool {
    matches!(tree, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
}

fn is_empty_parens(tree: Option<&TokenTree>) -> bool {
    matches!(tree, Some(TokenTree::Group(g))
        if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty())
}

/// Whether the file imports the team's `Server` by that name.
fn imports_server(file: &syn::File) -> bool {
    fn names_server(tree: &syn::UseTree) -> bool {
        match tree {
            syn::UseTree::Path(p) => names_server(&p.tree),
            syn::UseTree::Name(n) => n.ident == "Server",
            syn::UseTree::Group(g) => g.items.iter().any(names_server),
            syn::UseTree::Rename(_) | syn::UseTree::Glob(_) => false,
        }
    }
    file.items
        .iter()
        .any(|item| matches!(item, syn::Item::Use(u) if names_server(&u.tree)))
}

/// Ends of `ResourceRouter` type paths written without generic arguments.
struct BareRouters(Vec<LineColumn>);

impl<'ast> Visit<'ast> for BareRouters {
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        if ty.qself.is_none()
            && let Some(last) = ty.path.segments.last()
            && last.ident == "ResourceRouter"
            && last.arguments.is_none()
        {
            self.0.push(last.ident.span().end());
        }
        syn::visit::visit_type_path(self, ty);
    }
}

#[cfg(test)]
mod tests {
    use super::split_state;

    fn migrated(text: &str) -> String {
        split_state(text)
            .unwrap()
            .unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn team_settings_move_to_the_team_struct_and_keep_formatting() {
        let before = "fn f(&self) -> String {\n    // state().settings in a comment stays\n    \
            let g = &self.state().settings.greeting;\n    \
            let mine = self.state().settings.forecast_url.clone();\n    \
            format!(\"{} {}\", g, self.state().settings.greeting)\n}\n";
        let after = migrated(before);
        assert_eq!(
            after,
            "fn f(&self) -> String {\n    // state().settings in a comment stays\n    \
            let g = &self.settings().greeting;\n    \
            let mine = self.settings().forecast_url.clone();\n    \
            format!(\"{} {}\", g, self.settings().greeting)\n}\n"
        );
    }

    #[test]
    fn platform_settings_follow_their_new_groups() {
        let after = migrated(
            "fn f(s: &Server) {\n    let a = s.state().settings.http_addr;\n    \
             let m = s.state().settings.metrics;\n    let l = &s.state().settings.log;\n    \
             let all = &s.state().settings;\n    let c = s.state().settings.clone();\n}\n",
        );
        assert!(
            after.contains("s.services().settings().http.addr;"),
            "{after}"
        );
        assert!(
            after.contains("s.services().settings().metrics.enabled;"),
            "{after}"
        );
        assert!(after.contains("&s.services().settings().log;"), "{after}");
        assert!(after.contains("&s.services().settings();"), "{after}");
        assert!(
            after.contains("s.services().settings().clone();"),
            "{after}"
        );
    }

    #[test]
    fn settings_now_inside_an_option_are_left_to_the_compiler() {
        let after = migrated("fn f(s: &Server) { let i = &s.state().settings.auth_issuer; }\n");
        assert_eq!(
            after,
            "fn f(s: &Server) { let i = &s.services().settings().auth_issuer; }\n"
        );
    }

    #[test]
    fn services_are_reached_through_services() {
        let after = migrated(
            "async fn f(&self) {\n    let f = self.state().fetcher()?;\n    \
             let x = self.state().executor().map_err(anyhow::Error::from)?;\n    \
             let h = server.state().http();\n}\n",
        );
        assert!(after.contains("self.services().fetcher()?"), "{after}");
        assert!(
            after.contains("self.services().executor().map_err"),
            "{after}"
        );
        assert!(after.contains("server.services().http()"), "{after}");
        assert!(!after.contains("state()"), "{after}");
    }

    #[test]
    fn resource_routers_name_the_server() {
        let imported = "use crate::server::Server;\nuse platform::resources::ResourceRouter;\n\
            pub(crate) fn router() -> ResourceRouter {\n    ResourceRouter::new()\n}\n";
        assert_eq!(
            migrated(imported),
            imported.replace("-> ResourceRouter {", "-> ResourceRouter<Server> {")
        );
        let qualified = "fn router() -> platform::resources::ResourceRouter { todo!() }\n\
            fn other() -> ResourceRouter<Server> { todo!() }\n";
        assert_eq!(
            migrated(qualified),
            qualified.replace(
                "ResourceRouter { todo",
                "ResourceRouter<crate::server::Server> { todo"
            )
        );
    }

    #[test]
    fn leaves_other_code_alone() {
        for text in [
            "fn f() { let state = 1; let s = state; }\n",
            "fn f(x: &X) { x.state(1); x.settings().greeting; }\n",
            "fn f(x: &X) { x.services().settings(); }\n",
            "fn f() -> ResourceRouter<Server> { todo!() }\n",
        ] {
            assert_eq!(split_state(text).unwrap(), None, "{text}");
        }
    }

    #[test]
    fn unparsable_files_are_an_error_not_a_guess() {
        assert!(split_state("<<<<<<< yours\nself.state().settings.greeting\n").is_err());
    }
}
