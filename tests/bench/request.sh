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
#   tests/bench/request.sh [--rounds N] [--seconds S] [--clients N] [--profiles default,lto]
#
# Needs `hey` (Debian package hey). Writes target/bench/request-bench.{jsonl,md}.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

rounds=3 seconds=4 clients=8 profiles=default,lto
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --profiles) profiles=$2; shift 2 ;;
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

echo "==> mcpforge, the load generator, and the projects in $work" >&2
cargo build --quiet
mcpforge=$root/target/debug/mcpforge
tools_target=${BENCH_TOOLS_TARGET_DIR:-$root/target/bench-tools}
(cd tests/bench/service && CARGO_TARGET_DIR=$tools_target cargo build --release --locked --quiet -p loadgen)
rm -rf "$work/bare" "$work/service"
mkdir -p "$work/bare"
cp -r tests/bench/bare/Cargo.toml tests/bench/bare/src "$work/bare/"
"$mcpforge" new "$work/service" --yes --quiet
(cd "$work/service" && "$mcpforge" add tool echo --param text:string --quiet)

servers=()
IFS=, read -r -a profile_list <<<"$profiles"
for profile in "${profile_list[@]}"; do
    case $profile in
        default) lto=() ;;
        lto) lto=(CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1) ;;
        *) echo "error: --profiles takes default, lto" >&2; exit 2 ;;
    esac
    for p in bare service; do
        echo "==> building $p ($profile profile)" >&2
        # Targets outside target/bench/request survive reruns: the builds are the slow part.
        (cd "$work/$p" && env "${lto[@]}" CARGO_TARGET_DIR="$work/target-$p-$profile" cargo build --release --quiet)
    done
    servers+=("$profile")
done

python3 - "$work" "$seconds" "$rounds" "$clients" "$tools_target/release/loadgen" "${servers[@]}" >"$work/spec.json" <<'PY'
import json, re, sys
work, seconds, rounds, clients, loadgen, profiles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6:]
# Every rate-limit setting the project lists, raised out of reach.
limits = {m.group(1): "10000000" for m in re.finditer(r"^(\w+_RATE_LIMIT_(?:PER_SECOND|BURST))=",
                                                     open(f"{work}/service/.env.example").read(), re.M)}
servers = []
for profile in profiles:
    bare = f"{work}/target-bare-{profile}/release/bare"
    svc = f"{work}/target-service-{profile}/release/service"
    servers.append({"name": f"bare-{profile}", "http": [bare, "http", "{addr}"], "stdio": [bare, "stdio"]})
    servers.append({"name": f"service-{profile}",
                    "http": [svc, "serve", "--transport", "http", "--addr", "{addr}"],
                    "stdio": [svc, "serve", "--transport", "stdio"], "env": limits})
    if profile == "lto":
        # The same binary with its log discarded (stderr to /dev/null, as service.sh's load
        # generator runs stdio servers): how much of the gap is writing the log.
        servers.append(dict(servers[-1], name="service-lto-nolog", stderr="null"))
print(json.dumps({"seconds": seconds, "rounds": rounds, "clients": clients, "loadgen": loadgen,
                  "tool": "echo", "arguments": {"text": "Ada"}, "expect": "echo received",
                  "servers": servers}, indent=1))
PY

results=$out/request-bench.jsonl
: >"$results"
echo "==> measuring ($rounds rounds, $seconds s each; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
python3 tests/bench/request_client.py "$work/spec.json" "$results"

python3 - "$results" "${servers[@]}" <<'PY' | tee "$out/request-bench.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
profiles = sys.argv[2:]
def get(server, client, transport):
    return [r for r in rows if r["server"] == server and r["client"] == client and r["transport"] == transport]
print("| service (profile) | client | transport | bare calls/s | service calls/s | ratio (median) | ratio per round | errors |")
print("|---|---|---|---|---|---|---|---|")
names = sorted({r["server"] for r in rows if not r["server"].startswith("bare-")})
for name in names:
    profile = name.split("-")[1]
    for client, transport in (("hey", "http"), ("loadgen", "http"), ("raw", "stdio"), ("loadgen", "stdio")):
        b, s = get(f"bare-{profile}", client, transport), get(name, client, transport)
        if not b or not s:
            continue
        bm = statistics.median(r["calls_per_second"] for r in b)
        sm = statistics.median(r["calls_per_second"] for r in s)
        per_round = [sr["calls_per_second"] / br["calls_per_second"] for br, sr in zip(
            sorted(b, key=lambda r: r["round"]), sorted(s, key=lambda r: r["round"])) if br["calls_per_second"]]
        errors = sum(r.get("errors", 0) for r in b + s)
        label = {"hey": "hey (Go)", "loadgen": "loadgen (rmcp)", "raw": "raw JSON-RPC lines (Python)"}[client]
        what = f"HTTP, {b[0]['clients']} sessions" if transport == "http" else "stdio, 1 in flight"
        print(f"| {name} | {label} | {what} | {bm:,.0f} | {sm:,.0f} | {sm / bm:.2f}× | "
              + ", ".join(f"{x:.2f}" for x in per_round) + f" | {errors} |")
for profile in profiles:
    for client in ("hey", "loadgen"):
        b, s = get(f"bare-{profile}", client, "http"), get(f"service-{profile}", client, "http")
        if b and s:
            print(f"\np50 latency over HTTP ({profile}, {client}): bare {statistics.median(r['p50_ms'] for r in b):.3f} ms, "
                  f"service {statistics.median(r['p50_ms'] for r in s):.3f} ms", end="")
print(f"\n\nLoad average at the end: {open('/proc/loadavg').read().split()[0]}.")
PY
