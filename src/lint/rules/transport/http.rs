//! What the HTTP transport rules share: recognising rmcp's Streamable HTTP types through resolved
//! paths, and reading literal lists and sizes.
//!
//! It only gathers; the rules decide what to report.

use proc_macro2::Span;
use syn::punctuated::Punctuated;

/// Whether a resolved path names rmcp's `StreamableHttpServerConfig` (or one of its associated
/// functions), under any path rmcp publishes it.
pub fn is_rmcp_http_config(path: &str) -> bool {
    is_rmcp_type(path, "StreamableHttpServerConfig")
}

fn is_rmcp_type(path: &str, ty: &str) -> bool {
    let path = path.trim_start_matches("::");
    path.starts_with("rmcp::transport::") && path.split("::").any(|s| s == ty)
}

/// The string literals of a literal list (`["a", "b"]`, `vec!["a"]`, `&["a"]`,
/// `Vec::<String>::new()`): `Some(empty)` for an empty list, `None` when the list is not all
/// literals (read at run time).
pub fn list_literals(expr: &syn::Expr) -> Option<Vec<(String, Span)>> {
    fn strings<'e>(elems: impl IntoIterator<Item = &'e syn::Expr>) -> Option<Vec<(String, Span)>> {
        elems
            .into_iter()
            .map(|e| match e {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some((s.value(), s.span())),
                // `"a".to_string()`, `String::from("a")`, `"a".into()`
                syn::Expr::MethodCall(m) if m.args.is_empty() => {
                    strings([&*m.receiver]).and_then(|mut v| v.pop())
                }
                syn::Expr::Call(c) if c.args.len() == 1 => {
                    strings([&c.args[0]]).and_then(|mut v| v.pop())
                }
                _ => None,
            })
            .collect()
    }
    match expr {
        syn::Expr::Array(a) => strings(&a.elems),
        syn::Expr::Reference(r) => list_literals(&r.expr),
        syn::Expr::Paren(p) => list_literals(&p.expr),
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            let elems = m
                .mac
                .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                .ok()?;
            strings(&elems)
        }
        syn::Expr::Call(c) if c.args.is_empty() => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let tail = segments
                .iter()
                .rev()
                .take(2)
                .rev()
                .cloned()
                .collect::<Vec<_>>();
            (tail == ["Vec", "new"] || tail == ["Vec", "default"] || tail == ["Default", "default"])
                .then(Vec::new)
        }
        _ => None,
    }
}

/// The value of a constant size expression: integer literals (`64_000`, `1 << 20`,
/// `64 * 1024 * 1024`) and `usize::MAX`/`u64::MAX`; `None` for anything read at run time.
pub fn const_size(expr: &syn::Expr) -> Option<u128> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u128>().ok(),
        syn::Expr::Paren(p) => const_size(&p.expr),
        syn::Expr::Group(g) => const_size(&g.expr),
        syn::Expr::Cast(c) => const_size(&c.expr),
        syn::Expr::Binary(b) => {
            let (l, r) = (const_size(&b.left)?, const_size(&b.right)?);
            match b.op {
                syn::BinOp::Mul(_) => l.checked_mul(r),
                syn::BinOp::Add(_) => l.checked_add(r),
                syn::BinOp::Shl(_) => u32::try_from(r).ok().and_then(|r| l.checked_shl(r)),
                _ => None,
            }
        }
        syn::Expr::Path(p) => {
            let text: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            match text
                .join("::")
                .trim_start_matches("std::")
                .trim_start_matches("core::")
            {
                "usize::MAX" | "u64::MAX" | "usize::MAX::MAX" => Some(u128::from(u64::MAX)),
                "u32::MAX" => Some(u128::from(u32::MAX)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_lists_are_read_from_literals() {
        let e = |s: &str| syn::parse_str::<syn::Expr>(s).unwrap();
        assert_eq!(const_size(&e("64 * 1024 * 1024")), Some(64 << 20));
        assert_eq!(const_size(&e("1 << 30")), Some(1 << 30));
        assert_eq!(const_size(&e("usize::MAX")), Some(u128::from(u64::MAX)));
        assert_eq!(const_size(&e("settings.max")), None);
        assert_eq!(
            list_literals(&e("Vec::<String>::new()")).map(|v| v.len()),
            Some(0)
        );
        assert_eq!(list_literals(&e("vec![]")).map(|v| v.len()), Some(0));
        assert_eq!(
            list_literals(&e("[\"a\".to_string(), String::from(\"b\")]"))
                .map(|v| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>()),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert!(list_literals(&e("hosts.clone()")).is_none());
    }
}
