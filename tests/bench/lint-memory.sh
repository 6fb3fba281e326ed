#!/usr/bin/env bash
# Benchmark: `mcpforge lint` peak memory (max RSS, /usr/bin/time -v) on one large file against
# the same lines split over 60 files. Generates a package of LINES dense one-function lines
# (~90 bytes each; every 100th an `async fn` calling `std::thread::sleep`, an MCP107 finding),
# once as one file and once as 60, and lints each with a release build.
# Usage: tests/bench/lint-memory.sh [LINES]      (default 60000: a 5.3 MB file)
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-60000}
cargo build --release --locked --quiet
mcpforge=$(pwd)/target/release/mcpforge
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

generate() {
    local dir=$1 files=$2 per f
    mkdir -p "$dir/src"
    printf '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2024"\n' > "$dir/Cargo.toml"
    per=$((lines / files))
    { for f in $(seq 1 "$files"); do echo "mod m$f;"; done; echo "fn main() {}"; } > "$dir/src/main.rs"
    for f in $(seq 1 "$files"); do
        awk -v n="$per" -v f="$f" 'BEGIN {
            print "use std::time::Duration;"
            for (i = 1; i <= n; i++)
                if (i % 100 == 0)
                    printf "pub async fn f%d_%d(x: u64) { std::thread::sleep(Duration::from_millis(x)); }\n", f, i
                else
                    printf "pub fn f%d_%d(x: u64) -> u64 { let y = x + %d; if y > 10 { y * 2 } else { y - 1 } }\n", f, i, i
        }' > "$dir/src/m$f.rs"
    done
}

for files in 1 60; do
    generate "$work/p$files" "$files"
    bytes=$(cat "$work/p$files"/src/m*.rs | wc -c)
    /usr/bin/time -f "%M %U %e" -o "$work/time" \
        "$mcpforge" lint "$work/p$files" --output-format concise --quiet > "$work/out" 2>/dev/null || true
    read -r rss user wall < <(tail -n1 "$work/time")
    printf '%s lines in %2d file(s), %s bytes: max RSS %s MB, user %s s, wall %s s, %s findings\n' \
        "$lines" "$files" "$bytes" "$((rss / 1024))" "$user" "$wall" "$(wc -l < "$work/out")"
done
