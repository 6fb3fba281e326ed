//! `mcpforge mcp [--root DIR]…`: decide the roots, then serve MCP on stdin/stdout until the
//! client disconnects. Nothing but MCP messages may reach stdout, so this command prints nothing.

use crate::cli::{Context, McpArgs};
use crate::mcp::{self, Roots, Scope};

pub fn run(ctx: &Context, args: &McpArgs) -> anyhow::Result<()> {
    let explicit = !args.roots.is_empty();
    let dirs: Vec<_> = if explicit {
        args.roots.iter().map(|r| ctx.resolve(r)).collect()
    } else {
        vec![ctx.cwd.clone()]
    };
    let origin = if explicit {
        "from --root"
    } else {
        "the current directory, as no --root was given"
    };
    let roots = Roots::new(&dirs, origin)?;
    mcp::serve_stdio(Scope { roots, explicit })
}
