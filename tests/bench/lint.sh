#!/usr/bin/env bash
# Benchmark: `mcpforge lint` on a synthetic project (bar: 100k+ lines of Rust per second).
# Generates a Cargo package with FILES tool modules of about 250 lines each (tool functions,
# parameter structs, async code, string literals, suppressions), then times 5 full lints of it
# with a release build and prints the best and median wall-clock time and lines per second.
# Usage: tests/bench/lint.sh [FILES]          (default 600 files, about 150k lines)
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-600}
cargo build --release --locked --quiet
mcpforge=$(pwd)/target/release/mcpforge
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/synthetic/src/tools"
printf '[package]\nname = "synthetic"\nversion = "0.1.0"\nedition = "2024"\n' > "$work/synthetic/Cargo.toml"
{
    echo "mod tools;"
    echo "fn main() { let _ = serve(rmcp::transport::stdio_pipes()); }"
} > "$work/synthetic/src/main.rs"
: > "$work/synthetic/src/tools/mod.rs"
for i in $(seq 1 "$files"); do
    echo "mod t$i;" >> "$work/synthetic/src/tools/mod.rs"
    {
        echo "use std::time::Duration;"
        for j in $(seq 1 10); do
            cat <<RUST
/// Parameters of tool $j in module $i.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct Params$j {
    /// The city to look up.
    pub city: String,
    /// How many days ahead.
    pub days: Option<u32>,
}

#[tool_router(router = router_$j)]
impl Server {
    /// Looks up the forecast for a city and returns it as text.
    #[tool(name = "forecast_${i}_$j", annotations(read_only_hint = true))]
    async fn forecast_$j(&self, Parameters(p): Parameters<Params$j>) -> Result<String, ToolError> {
        let days = p.days.unwrap_or(1);
        if days > 14 {
            return Err(ToolError::invalid("at most 14 days"));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
        let text = format!("{} in {} days: sunny", p.city, days);
        Ok(text)
    }
}
RUST
        done
    } > "$work/synthetic/src/tools/t$i.rs"
done
lines=$(cat "$work"/synthetic/src/*.rs "$work"/synthetic/src/tools/*.rs | wc -l)

times=()
for run in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$mcpforge" lint "$work/synthetic" --output-format concise --quiet > /dev/null || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk -v lines="$lines" -v files="$files" '
    { t[NR] = $1 }
    END {
        printf "mcpforge lint, %d files, %d lines, %d runs: best %.1f ms, median %.1f ms -> %.0f lines/s (best), %.0f lines/s (median)\n",
            files + 2, lines, NR, t[1] / 1000, t[int((NR + 1) / 2)] / 1000, lines / (t[1] / 1e6), lines / (t[int((NR + 1) / 2)] / 1e6)
    }'

# Part 2: the same comparison on a project that compiles, against `cargo clippy`. A generated
# project with 200 tools added by `mcpforge add`; clippy runs with dependencies already built
# (only the project's own crate is checked), which is clippy's best case.
# Set MCPFORGE_BENCH_CLIPPY=0 to skip; CARGO_TARGET_DIR is shared with the fixtures when set.
if [ "${MCPFORGE_BENCH_CLIPPY:-1}" = 1 ]; then
    "$mcpforge" new "$work/real" --yes --quiet
    # The minimal fixture's lockfile (a workspace of the server and its platform crate), renamed.
    cp generated-fixtures/minimal/Cargo.lock "$work/real/Cargo.lock"
    sed -i 's/"minimal-platform"/"real-platform"/g; s/name = "minimal"/name = "real"/' "$work/real/Cargo.lock"
    for i in $(seq 1 200); do
        "$mcpforge" -C "$work/real" add tool "tool_$i" --param "city:string" --param "days:int?" --quiet
    done
    real_lines=$(find "$work/real/src" -name '*.rs' -exec cat {} + | wc -l)
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/generated-fixtures/target}
    (cd "$work/real" && cargo clippy --quiet 2>/dev/null || true)   # build dependencies once
    start=$(date +%s%N)
    "$mcpforge" lint "$work/real" --quiet > /dev/null || true
    lint_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    touch "$work/real/src/lib.rs"
    start=$(date +%s%N)
    (cd "$work/real" && cargo clippy --quiet 2>/dev/null || true)
    clippy_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "generated project with 200 added tools, $real_lines lines: mcpforge lint ${lint_ms} ms, cargo clippy (deps built) ${clippy_ms} ms"
fi
