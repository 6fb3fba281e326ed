#!/usr/bin/env bash
# The service benchmark (docs/performance.md): the generated `service` server with its full
# middleware stack (bearer auth, rate limits on but high enough never to reject, logging at
# the default level: info, with rmcp's own at warn as in the bare server; metrics) against a
# bare rmcp server written the way rmcp's examples are (plus TCP_NODELAY), serving the same
# tool on the same machine in one run. Servers are pinned to
# CPU 0 and the load generator to CPU 1. Every run is bounded in time. Each measurement is
# repeated BENCH_ROUNDS times, alternating bare and service, and the median is reported, because
# a shared 2-core machine drifts by ±20 % between single runs.
#
#   tests/bench/service.sh            # BENCH_SECONDS=5, BENCH_ROUNDS=3 by default
#
# Prints a Markdown table and writes it, with the raw JSON, to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target=${FIXTURES_TARGET_DIR:-$root/generated-fixtures/target}
seconds=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
out=$root/target/bench
mkdir -p "$out"

# Both servers are built the way the generated Dockerfile builds the shipped image (fat LTO, one
# codegen unit), so the comparison is of the code, not of the build profile.
export CARGO_PROFILE_RELEASE_LTO=${CARGO_PROFILE_RELEASE_LTO:-fat}
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-1}
echo "==> building release binaries (service fixture, bare server, load generator)" >&2
(cd generated-fixtures && CARGO_TARGET_DIR=$target cargo build --release --locked --quiet -p service)
(cd tests/bench/service && CARGO_TARGET_DIR=$target cargo build --release --locked --quiet)
svc=$target/release/service bare=$target/release/bare load=$target/release/loadgen

token=bench-$RANDOM$RANDOM
hash=$(printf %s "$token" | "$svc" hash-token)
service_env=(
    SERVICE_AUTH=bearer "SERVICE_AUTH_TOKENS=bench:$hash"
    SERVICE_RATE_LIMIT_PER_SECOND=10000000 SERVICE_RATE_LIMIT_BURST=10000000
    SERVICE_TOOL_RATE_LIMIT_PER_SECOND=10000000 SERVICE_TOOL_RATE_LIMIT_BURST=10000000
    SERVICE_METRICS=true
)
pin_server=(taskset -c 0)
pin_load=(taskset -c 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/mcp

wait_for_http() {
    for _ in $(seq 1 100); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 000 ] && return 0
        sleep 0.05
    done
    echo "server did not start" >&2
    return 1
}

# http NAME TOKEN -- server command: load at 8 and 64 clients, then the server's peak RSS.
http_runs() {
    local name=$1 token=$2
    shift 3
    "$@" 2>>"$out/$name-http.log" &
    local pid=$!
    wait_for_http
    for clients in 8 64; do
        "${pin_load[@]}" "$load" http "$url" "$clients" "$seconds" $token \
            | python3 -c "import json,sys; d=json.load(sys.stdin); d['server']='$name'; print(json.dumps(d))"
    done
    local rss
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    kill -INT "$pid"
    wait "$pid" || true
    echo "{\"server\": \"$name\", \"http_peak_rss_kib\": $rss}"
}

{
  for round in $(seq 1 "$rounds"); do
    echo "==> round $round/$rounds: HTTP, bare" >&2
    http_runs bare "" -- "${pin_server[@]}" "$bare" http "127.0.0.1:$port"
    echo "==> round $round/$rounds: HTTP, service (full stack)" >&2
    http_runs service "$token" -- env "${service_env[@]}" SERVICE_TRANSPORT=http \
        "SERVICE_HTTP_ADDR=127.0.0.1:$port" "${pin_server[@]}" "$svc" serve

    echo "==> round $round/$rounds: stdio and cold start" >&2
    for concurrency in 1 8; do
        "${pin_load[@]}" "$load" stdio "$seconds" "$concurrency" -- "${pin_server[@]}" "$bare" stdio \
            | python3 -c "import json,sys; d=json.load(sys.stdin); d['server']='bare'; print(json.dumps(d))"
        "${pin_load[@]}" "$load" stdio "$seconds" "$concurrency" -- env "${service_env[@]}" \
            SERVICE_LOG_FORMAT=text "${pin_server[@]}" "$svc" serve --transport stdio \
            | python3 -c "import json,sys; d=json.load(sys.stdin); d['server']='service'; print(json.dumps(d))"
    done
    "${pin_load[@]}" "$load" coldstart 20 -- "${pin_server[@]}" "$bare" stdio \
        | python3 -c "import json,sys; d=json.load(sys.stdin); d['server']='bare'; d['coldstart']=True; print(json.dumps(d))"
    "${pin_load[@]}" "$load" coldstart 20 -- env "${service_env[@]}" "${pin_server[@]}" "$svc" serve --transport stdio \
        | python3 -c "import json,sys; d=json.load(sys.stdin); d['server']='service'; d['coldstart']=True; print(json.dumps(d))"
  done
} > "$out/service-bench.jsonl"

python3 - "$out/service-bench.jsonl" "$seconds" <<'PY' | tee "$out/service-bench.md"
import json, sys
import statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
def pick(server, **kw):
    """The median of each numeric field over the rounds of one measurement."""
    found = [r for r in rows if r.get("server") == server and all(r.get(k) == v for k, v in kw.items())]
    if not found:
        raise SystemExit(f"missing result {server} {kw}")
    keys = {k for r in found for k, v in r.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    merged = dict(found[0])
    for k in keys:
        merged[k] = statistics.median(r[k] for r in found if k in r)
    merged["rounds"] = len(found)
    return merged
lines = [f"| measurement | bare rmcp | service (full stack) | ratio | bar |", "|---|---|---|---|---|"]
def row(label, b, s, bar, higher_is_better=True, unit=""):
    ratio = s / b if b else float("nan")
    lines.append(f"| {label} | {b:g}{unit} | {s:g}{unit} | {ratio:.2f}× | {bar} |")
for clients in (8, 64):
    b, s = pick("bare", clients=clients), pick("service", clients=clients)
    row(f"HTTP calls/s, {clients} clients", b["calls_per_second"], s["calls_per_second"], "≥ 0.9×")
    row(f"HTTP p50 latency, {clients} clients", b["p50_ms"], s["p50_ms"], "< 2 ms at 8 clients" if clients == 8 else "—", unit=" ms")
    row(f"HTTP p99 latency, {clients} clients", b["p99_ms"], s["p99_ms"], "—", unit=" ms")
    if b["errors"] or s["errors"]:
        lines.append(f"| errors at {clients} clients | {b['errors']} | {s['errors']} | | must be 0 |")
for c in (1, 8):
    b, s = pick("bare", concurrency=c), pick("service", concurrency=c)
    row(f"stdio calls/s, {c} in flight", b["calls_per_second"], s["calls_per_second"], "≥ 0.9×")
b, s = pick("bare", coldstart=True), pick("service", coldstart=True)
row("cold start (spawn → initialize answered), median", round(b["median_ms"], 2), round(s["median_ms"], 2), "≤ 2×", unit=" ms")
b = statistics.median(r["http_peak_rss_kib"] for r in rows if r.get("server") == "bare" and "http_peak_rss_kib" in r)
s = statistics.median(r["http_peak_rss_kib"] for r in rows if r.get("server") == "service" and "http_peak_rss_kib" in r)
row("peak RSS after the HTTP runs", round(b / 1024, 1), round(s / 1024, 1), "≤ 1.5×", unit=" MiB")
b, s = pick("bare", concurrency=8), pick("service", concurrency=8)
row("peak RSS after the stdio runs", round(b["peak_rss_kib"] / 1024, 1), round(s["peak_rss_kib"] / 1024, 1), "≤ 1.5×", unit=" MiB")
print("\n".join(lines))
print(f"\nMedians of {pick('bare', clients=8)['rounds']} rounds; {sys.argv[2]} s per measurement after a 1 s warm-up; servers on CPU 0, load on CPU 1.")
PY
