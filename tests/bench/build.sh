#!/usr/bin/env bash
# The build benchmark of issue 14 (docs/performance.md): what a team pays to build a generated
# project, against a bare rmcp project with the same tool (tests/bench/bare), in one run.
#
# Projects: bare (tests/bench/bare, copied), minimal and service (`mcpforge new --template …
# --yes`, then `mcpforge add tool echo --param text:string`). Each has its own target directory;
# crates come from the registry cache (`cargo fetch` first, every build `--offline`), so a build
# never waits on the network. Measured per project:
#   - clean debug build: `cargo build` into an empty target directory;
#   - rebuild after an edit: a function appended to the echo tool's file, then `cargo build`
#     (EDITS edits per round; the file is restored before the next clean build);
#   - release binary: `cargo build --release` with the project's own profile (once), its size
#     as built and stripped;
#   - RSS after the stdio benchmark: the server's VmHWM after tests/bench/service.sh's load
#     generator calls `echo` over stdio for a few seconds with 8 calls in flight, as service.sh
#     measures it.
# Rounds alternate the projects (a different one first each round) and the table reports medians
# with the spread (min–max) over rounds, because a shared 2-core machine drifts between runs:
# compare ratios within one run, not seconds across runs.
#
# Only mcpforge and cargo are run at a project's root (plus the release binary), so the script
# works on the single-crate layout and on the workspace layout with a platform crate alike.
#
#   tests/bench/build.sh [--rounds N] [--only bare,minimal,service] [--edits N]
#
# Prints a Markdown table and writes it, with the raw JSON lines, to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

rounds=3 only=bare,minimal,service edits=3 stdio_seconds=${BENCH_STDIO_SECONDS:-3}
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --edits) edits=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
IFS=, read -r -a projects <<<"$only"
for p in "${projects[@]}"; do
    case $p in bare|minimal|service) ;; *) echo "error: --only takes bare, minimal, service; not $p" >&2; exit 2 ;; esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds takes a positive number" >&2; exit 2; }

# Cargo's defaults, as a team building its project gets them: no CI overrides of the profiles
# (.ci/test turns incremental compilation off and shrinks debug info), no compiler wrapper.
unset CARGO_INCREMENTAL RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
while read -r var; do unset "$var"; done < <(env | sed -n 's/^\(CARGO_PROFILE_[A-Z_]*\)=.*/\1/p')
export CARGO_TERM_COLOR=never

out=$root/target/bench
mkdir -p "$out"
# Outside the repository, so no parent Cargo.toml or .cargo/config.toml applies to the projects.
work=$(mktemp -d "${TMPDIR:-/tmp}/mcpforge-build-bench.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
results=$out/build-bench.jsonl
: >"$results"

echo "==> building mcpforge and the load generator" >&2
cargo build --quiet
mcpforge=$root/target/debug/mcpforge
tools_target=${BENCH_TOOLS_TARGET_DIR:-$root/target/bench-tools}
(cd tests/bench/service && CARGO_TARGET_DIR=$tools_target cargo build --release --locked --quiet -p loadgen)
load=$tools_target/release/loadgen

now() { date +%s.%N; }
# timed DIR COMMAND…: runs COMMAND in DIR (cargo reads .cargo/config.toml from there), prints
# its wall time in seconds.
timed() {
    local dir=$1 start end
    shift
    start=$(now)
    (cd "$dir" && "$@") >>"$work/cargo.log" 2>&1 || { echo "error: $* failed; see $work/cargo.log" >&2; tail -n 30 "$work/cargo.log" >&2; exit 1; }
    end=$(now)
    python3 -c "print(round($end - $start, 2))"
}
emit() { echo "$1" >>"$results"; }

# The echo tool's file: wherever the project defines `fn echo` (today src/tools/echo.rs in the
# generated projects, src/echo.rs in bare).
tool_file() {
    grep -rl --include='*.rs' -E 'async fn echo\(' "$1" --exclude-dir=target | sort | head -n1
}

echo "==> creating the projects in $work" >&2
for p in "${projects[@]}"; do
    dir=$work/$p
    case $p in
        bare)
            mkdir -p "$dir"
            cp -r tests/bench/bare/Cargo.toml tests/bench/bare/src "$dir/"
            ;;
        minimal|service)
            "$mcpforge" new "$dir" --template "$p" --yes --quiet
            (cd "$dir" && "$mcpforge" add tool echo --param text:string --quiet)
            ;;
    esac
    # Resolve and download once (network only if the registry cache lacks a crate); every
    # measured build is --offline.
    (cd "$dir" && cargo fetch --quiet)
    file=$(tool_file "$dir")
    [ -n "$file" ] || { echo "error: no echo tool in $dir" >&2; exit 1; }
    cp "$file" "$work/$p.echo.rs.orig"
    echo "$p: $(cd "$dir" && cargo metadata --offline --format-version 1 2>/dev/null \
        | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["packages"]), "packages in the graph")'), echo tool in ${file#"$dir"/}" >&2
done

# Rotate the order each round so no project always builds first (or right after another).
order_for_round() {
    local r=$1 n=${#projects[@]} i
    for ((i = 0; i < n; i++)); do echo "${projects[$(((i + r - 1) % n))]}"; done
}

for round in $(seq 1 "$rounds"); do
    for p in $(order_for_round "$round"); do
        dir=$work/$p target=$work/$p-target
        file=$(tool_file "$dir")
        cp "$work/$p.echo.rs.orig" "$file"
        rm -rf "$target"
        echo "==> round $round/$rounds: $p, clean debug build" >&2
        t=$(timed "$dir" env CARGO_TARGET_DIR="$target" cargo build --offline)
        crates=$(find "$target/debug/.fingerprint" -mindepth 1 -maxdepth 1 -type d | wc -l)
        emit "{\"project\": \"$p\", \"round\": $round, \"clean_debug_s\": $t, \"units\": $crates}"
        echo "    $t s ($crates units)" >&2
        for e in $(seq 1 "$edits"); do
            # The edit a team makes all day: a new function in one tool's file.
            printf '\n/// Added by the build benchmark.\n#[allow(dead_code)]\npub fn bench_edit_%s_%s() -> u64 {\n    %s\n}\n' \
                "$round" "$e" "$e" >>"$file"
            t=$(timed "$dir" env CARGO_TARGET_DIR="$target" cargo build --offline)
            emit "{\"project\": \"$p\", \"round\": $round, \"edit\": $e, \"rebuild_s\": $t}"
            echo "    rebuild after edit $e: $t s" >&2
        done
        cp "$work/$p.echo.rs.orig" "$file"
    done
done

echo "==> release builds (each project's own profile), binary size" >&2
declare -A binaries
for p in "${projects[@]}"; do
    dir=$work/$p target=$work/$p-target
    t=$(timed "$dir" env CARGO_TARGET_DIR="$target" cargo build --release --offline)
    # The root package's executable, from cargo's own report (not a guessed path).
    bin=$(cd "$dir" && CARGO_TARGET_DIR="$target" cargo build --release --offline --message-format=json 2>/dev/null \
        | python3 -c '
import json, os, sys
root = os.path.realpath("Cargo.toml")
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and os.path.realpath(m["manifest_path"]) == root:
        print(m["executable"])')
    [ -n "$bin" ] || { echo "error: no executable for $p" >&2; exit 1; }
    binaries[$p]=$bin
    size=$(stat -c %s "$bin")
    strip -o "$work/$p.stripped" "$bin"
    stripped=$(stat -c %s "$work/$p.stripped")
    emit "{\"project\": \"$p\", \"release_build_s\": $t, \"release_bytes\": $size, \"release_stripped_bytes\": $stripped}"
    echo "    $p: $t s, $size bytes ($stripped stripped)" >&2
done

echo "==> RSS after the stdio benchmark (echo, 8 calls in flight, ${stdio_seconds} s; server on CPU 0, load on CPU 1)" >&2
for round in $(seq 1 "$rounds"); do
    for p in $(order_for_round "$round"); do
        # bare takes the transport as an argument; the generated servers serve stdio by default,
        # with their default settings except rate limits (on by default in service: 50 calls/s),
        # raised so that no call is rejected.
        args=()
        [ "$p" = bare ] && args=(stdio)
        limits=()
        if [ -f "$work/$p/.env.example" ]; then
            while read -r var; do limits+=("$var=10000000"); done \
                < <(sed -n 's/^\([A-Z0-9_]*_RATE_LIMIT_\(PER_SECOND\|BURST\)\)=.*/\1/p' "$work/$p/.env.example")
        fi
        taskset -c 1 "$load" --tool echo --arguments '{"text": "Ada"}' stdio "$stdio_seconds" 8 -- \
            env "${limits[@]}" taskset -c 0 "${binaries[$p]}" "${args[@]}" \
            | python3 -c "import json,sys; d=json.load(sys.stdin); d['project']='$p'; d['round']=$round; print(json.dumps(d))" \
            >>"$results"
    done
done

LOAD_START=$load_start python3 - "$results" "$rounds" "$edits" "${projects[@]}" <<'PY' | tee "$out/build-bench.md"
import json, statistics, sys

rows = [json.loads(l) for l in open(sys.argv[1])]
rounds, edits, projects = sys.argv[2], sys.argv[3], sys.argv[4:]

def values(project, key):
    return [r[key] for r in rows if r.get("project") == project and key in r]

def summary(project, key, scale=1.0):
    v = [x * scale for x in values(project, key)]
    return (statistics.median(v), min(v), max(v)) if v else None

# (label, key, unit, scale, bar for minimal, bar for service)
measurements = [
    ("clean debug build", "clean_debug_s", "s", 1.0, 1.1, 1.5),
    ("rebuild after editing the echo tool", "rebuild_s", "s", 1.0, 1.3, 1.3),
    ("release binary (as built)", "release_bytes", "MB", 1e-6, 1.2, 1.5),
    ("release binary (stripped)", "release_stripped_bytes", "MB", 1e-6, None, None),
    ("RSS after the stdio benchmark", "peak_rss_kib", "MiB", 1 / 1024, 1.2, 1.5),
    ("stdio calls/s during it (8 in flight)", "calls_per_second", "", 1.0, None, None),
    ("release build (not a bar)", "release_build_s", "s", 1.0, None, None),
    ("compilation units in the clean build", "units", "", 1.0, None, None),
]

def fmt(s, unit):
    if s is None:
        return "—"
    med, lo, hi = s
    digits = 0 if unit == "" else (1 if med >= 10 else 2)
    text = f"{med:,.{digits}f}{' ' + unit if unit else ''}"
    if hi > lo:
        text += f" ({lo:,.{digits}f}–{hi:,.{digits}f})"
    return text

others = [p for p in projects if p != "bare"]
head = ["measurement"] + projects
if "bare" in projects:
    head += [f"{p}/bare" for p in others]
lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
for label, key, unit, scale, bar_min, bar_svc in measurements:
    cells = [label] + [fmt(summary(p, key, scale), unit) for p in projects]
    if "bare" in projects:
        base = summary("bare", key, scale)
        for p in others:
            s = summary(p, key, scale)
            bar = {"minimal": bar_min, "service": bar_svc}[p]
            if not base or not s or not base[0]:
                cells.append("—")
                continue
            ratio = s[0] / base[0]
            if bar is None:
                cells.append(f"{ratio:.2f}×")
            else:
                verdict = "met" if ratio <= bar else "**not met**"
                cells.append(f"{ratio:.2f}× (bar ≤ {bar}×: {verdict})")
    lines.append("| " + " | ".join(cells) + " |")
print("\n".join(lines))
import os
print(f"\nMedians (min–max) over {rounds} round(s); rebuilds: {edits} edits per round. Load average "
      f"(1, 5, 15 min) at the start: {os.environ['LOAD_START']}; at the end: "
      + " ".join(open("/proc/loadavg").read().split()[:3]) + ".")
PY
