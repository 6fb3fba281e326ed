#!/usr/bin/env bash
# Benchmark: `mcpforge add tool` on a project that already has 200 tools (bar: under 50 ms).
# Builds mcpforge in release mode, generates a project, adds 200 tools (untimed), then times
# 30 more adds one by one and prints min / median / p90 / max wall-clock milliseconds.
# Usage: tests/bench/add.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked --quiet
mcpforge=$(pwd)/target/release/mcpforge
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$mcpforge" new "$work/bench" --yes --quiet
for i in $(seq 1 200); do
    "$mcpforge" -C "$work/bench" add tool "tool_$i" --param "x:string" --quiet
done

times=()
for i in $(seq 1 30); do
    start=$(date +%s%N)
    "$mcpforge" -C "$work/bench" add tool "timed_$i" --param "city:string" --param "days:int?" --quiet
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '
    { t[NR] = $1 }
    END {
        printf "mcpforge add tool, project with 200+ tools, %d runs (ms): min %.1f  median %.1f  p90 %.1f  max %.1f\n",
            NR, t[1] / 1000, t[int((NR + 1) / 2)] / 1000, t[int(NR * 0.9)] / 1000, t[NR] / 1000
    }'
echo "registry: $(grep -c '^mod ' "$work/bench/src/tools/mod.rs") modules"
