#!/usr/bin/env bash
# The request-path check of issue 14 (docs/performance.md): the `echo` tool that `mcpforge add
# tool echo --param text:string` generates in a default `service` project, against the same tool
# in the bare rmcp project (tests/bench/bare), measured by a second, independent client (hey over
# HTTP, raw JSON-RPC lines over stdio: tests/bench/request_client.py) and, on the same binaries
# in the same rounds, by service.sh's load generator. Both projects are built twice: with the
# default `cargo build --release` and with fat LTO and one codegen unit (the image's settings).
# The service runs with its default settings (what `--yes` answers: no auth, logging at info,
# log format `auto`), its log on stderr going to a file like the bare server's, except that its
# rate limits (on by default: 50 calls/s per caller, 20/s per tool) are raised so that no call is
# rejected.
#
# Then each server runs under callgrind (tests/bench/request_instructions.py) for its
# instructions per call: the comparison that load on a shared machine cannot blur.
#
#   tests/bench/request.sh [--rounds N] [--seconds S] [--clients N] [--profiles default,lto]
#                          [--versions V,...] [--calls FEW,MANY | --no-instructions] [--report-only]
#
# --versions compares released versions of the service template in the same rounds, each generated
# with `mcpforge new --template-version V` (`current` is the version mcpforge renders today, the
# default): for example `--versions 0.3.0,current` checks a release against its predecessor.
#
# Needs `hey` (Debian package hey). MCPFORGE=path uses that mcpforge instead of building one. Writes target/bench/request-bench.{jsonl,md}.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

rounds=3 seconds=4 clients=8 profiles=default,lto versions=current calls=100,1100 report_only=
while [ $# -gt 0 ]; do
    case $1 in
        --calls) calls=$2; shift 2 ;;
        --no-instructions) calls=; shift ;;
        --report-only) report_only=1; shift ;;
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --profiles) profiles=$2; shift 2 ;;
        --versions) versions=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
command -v hey >/dev/null || { echo "error: needs hey (apt-get install hey)" >&2; exit 1; }
unset RUSTC_WRAPPER RUSTFLAGS CARGO_INCREMENTAL
while read -r var; do unset "$var"; done < <(env | sed -n 's/^\(CARGO_PROFILE_[A-Z_]*\)=.*/\1/p')

out=$root/target/bench
work=${BENCH_REQUEST_DIR:-$root/target/bench/request}
mkdir -p "$out" "$work"

tools_target=${BENCH_TOOLS_TARGET_DIR:-$root/target/bench-tools}
if [ -z "$report_only" ]; then
echo "==> mcpforge, the load generator, and the projects in $work" >&2
# MCPFORGE names an mcpforge binary to use instead of building this checkout's.
if [ -z "${MCPFORGE:-}" ]; then
    cargo build --quiet
fi
mcpforge=${MCPFORGE:-$root/target/debug/mcpforge}
(cd tests/bench/service && CARGO_TARGET_DIR=$tools_target cargo build --release --locked --quiet -p loadgen)
# Made once and kept (with their target directories) so that a rerun rebuilds nothing; remove
# $work to start again from the current templates.
if [ ! -d "$work/bare" ]; then
    mkdir -p "$work/bare"
    cp -r tests/bench/bare/Cargo.toml tests/bench/bare/src "$work/bare/"
fi
IFS=, read -r -a version_list <<<"$versions"
services=()
for version in "${version_list[@]}"; do
    case $version in
        current) dir=service; pin=() ;;
        *[!0-9.]*|'') echo "error: --versions takes released versions (0.3.0) or current" >&2; exit 2 ;;
        *) dir=service-$version; pin=(--template-version "$version") ;;
    esac
    if [ ! -d "$work/$dir" ]; then
        "$mcpforge" new "$work/$dir" --name service "${pin[@]}" --yes --quiet
        (cd "$work/$dir" && "$mcpforge" add tool echo --param text:string --quiet)
    fi
    services+=("$dir")
done

servers=()
IFS=, read -r -a profile_list <<<"$profiles"
for profile in "${profile_list[@]}"; do
    case $profile in
        default) lto=() ;;
        lto) lto=(CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1) ;;
        *) echo "error: --profiles takes default, lto" >&2; exit 2 ;;
    esac
    for p in bare "${services[@]}"; do
        echo "==> building $p ($profile profile)" >&2
        (cd "$work/$p" && env "${lto[@]}" CARGO_TARGET_DIR="$work/target-$p-$profile" cargo build --release --quiet)
    done
    servers+=("$profile")
done

python3 - "$work" "$seconds" "$rounds" "$clients" "$tools_target/release/loadgen" "${services[*]}" "${servers[@]}" >"$work/spec.json" <<'PY'
import json, re, sys
work, seconds, rounds, clients, loadgen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
services, profiles = sys.argv[6].split(), sys.argv[7:]
def limits(service):
    """Every rate-limit setting the project lists, raised out of reach."""
    return {m.group(1): "10000000" for m in re.finditer(r"^(\w+_RATE_LIMIT_(?:PER_SECOND|BURST))=",
                                                        open(f"{work}/{service}/.env.example").read(), re.M)}
servers = []
for profile in profiles:
    bare = f"{work}/target-bare-{profile}/release/bare"
    servers.append({"name": f"bare-{profile}", "profile": profile,
                    "http": [bare, "http", "{addr}"], "stdio": [bare, "stdio"]})
    for service in services:
        svc = f"{work}/target-{service}-{profile}/release/service"
        servers.append({"name": f"{service}-{profile}", "profile": profile,
                        "http": [svc, "serve", "--transport", "http", "--addr", "{addr}"],
                        "stdio": [svc, "serve", "--transport", "stdio"], "env": limits(service)})
        if profile == "lto" and service == "service":
            # The same binary with its log discarded (stderr to /dev/null, as service.sh's load
            # generator runs stdio servers): how much of the gap is writing the log.
            servers.append(dict(servers[-1], name="service-lto-nolog", stderr="null"))
print(json.dumps({"seconds": seconds, "rounds": rounds, "clients": clients, "loadgen": loadgen,
                  "tool": "echo", "arguments": {"text": "Ada"}, "expect": "echo received",
                  "servers": servers}, indent=1))
PY
fi

results=$out/request-bench.jsonl
instructions=$out/request-instructions.jsonl
if [ -z "$report_only" ]; then
    : >"$results"
    echo "==> timed rounds ($rounds rounds, $seconds s each; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    python3 tests/bench/request_client.py "$work/spec.json" "$results"
    cut -d' ' -f1-3 /proc/loadavg >"$out/request-bench.load"
    if [ -n "$calls" ]; then
        : >"$instructions"
        echo "==> instructions per call under callgrind (${calls/,/ and } calls)" >&2
        python3 tests/bench/request_instructions.py "$work/spec.json" "$instructions" ${calls/,/ }
    fi
fi

python3 - "$results" "$instructions" "$out/request-bench.load" "$work/spec.json" <<'PY' | tee "$out/request-bench.md"
import json, os, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
# Each server's build profile (bare-lto, service-0.3.0-lto, service-lto-nolog: lto).
profile_of = {s["name"]: s["profile"] for s in json.load(open(sys.argv[4]))["servers"]}
def get(server, client, transport):
    return sorted((r for r in rows if r["server"] == server and r["client"] == client
                   and r["transport"] == transport), key=lambda r: r["round"])
def med(rs, key):
    return statistics.median(r[key] for r in rs)
labels = {"hey": "hey (Go)", "loadgen": "loadgen (rmcp)", "raw": "raw lines (Python)"}
print("| service build | client | transport | bare calls/s | service calls/s | ratio | per round |"
      " server CPU per call, bare → service | CPU ratio (bare/service) | errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
names = sorted({r["server"] for r in rows if not r["server"].startswith("bare-")})
for name in names:
    profile = profile_of[name]
    for client, transport in (("hey", "http"), ("loadgen", "http"), ("raw", "stdio"), ("loadgen", "stdio")):
        b, s = get(f"bare-{profile}", client, transport), get(name, client, transport)
        if not b or not s:
            continue
        bm, sm = med(b, "calls_per_second"), med(s, "calls_per_second")
        per_round = ", ".join(f"{y['calls_per_second'] / x['calls_per_second']:.2f}"
                              for x, y in zip(b, s) if x["calls_per_second"])
        cpu = "—"
        cpu_ratio = "—"
        if all("server_cpu_us_per_call" in r for r in b + s):
            bc, sc = med(b, "server_cpu_us_per_call"), med(s, "server_cpu_us_per_call")
            cpu, cpu_ratio = f"{bc:.1f} → {sc:.1f} µs", f"{bc / sc:.2f}×"
        what = f"HTTP, {b[0]['clients']} sessions" if transport == "http" else "stdio, 1 in flight"
        errors = sum(r.get("errors", 0) for r in b + s)
        print(f"| {name} | {labels[client]} | {what} | {bm:,.0f} | {sm:,.0f} | {sm / bm:.2f}× | {per_round} |"
              f" {cpu} | {cpu_ratio} | {errors} |")
for name in names:
    profile = profile_of[name]
    for client in ("hey", "loadgen"):
        b, s = get(f"bare-{profile}", client, "http"), get(name, client, "http")
        if b and s:
            print(f"\np50 over HTTP, {name}, {labels[client]}: bare {med(b, 'p50_ms'):.3f} ms, "
                  f"service {med(s, 'p50_ms'):.3f} ms", end="")
rounds = max(r["round"] for r in rows)
load = open(sys.argv[3]).read().strip() if os.path.exists(sys.argv[3]) else "?"
print(f"\n\nMedians of {rounds} rounds. Load average (1, 5, 15 min) after the timed rounds: {load}.")
if os.path.exists(sys.argv[2]) and os.path.getsize(sys.argv[2]):
    counts = [json.loads(l) for l in open(sys.argv[2])]
    print("\nInstructions per call (callgrind; deterministic, so comparable across runs and machines):\n")
    print("| server | stdio | HTTP |")
    print("|---|---|---|")
    by = {(c["server"], c["transport"]): c["instructions_per_call"] for c in counts}
    for server in sorted({c["server"] for c in counts}):
        print(f"| {server} | {by.get((server, 'stdio'), 0) / 1000:.1f}k | {by.get((server, 'http'), 0) / 1000:.1f}k |")
    for server in sorted({c["server"] for c in counts if not c["server"].startswith("bare-")}):
        b = {t: by.get((f"bare-{profile_of[server]}", t)) for t in ("stdio", "http")}
        s = {t: by.get((server, t)) for t in ("stdio", "http")}
        if all(b.values()) and all(s.values()):
            print(f"\n{server}: bare/service {b['stdio'] / s['stdio']:.2f}× (stdio), "
                  f"{b['http'] / s['http']:.2f}× (HTTP); the service spends "
                  f"{(s['stdio'] - b['stdio']) / 1000:.1f}k / {(s['http'] - b['http']) / 1000:.1f}k more per call.", end="")
    print()
PY
