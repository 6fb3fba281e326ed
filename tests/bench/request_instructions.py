"""Instructions per tool call, counted by callgrind: the request-path comparison without the noise
of a shared machine (tests/bench/request.sh runs it after the timed rounds).

Each server runs under `valgrind --tool=callgrind` twice, answering FEW and then MANY calls of
the same kind (after initialize); the difference of the two totals divided by MANY - FEW is the
cost of one call, start-up and shutdown excluded. stdio: raw JSON-RPC lines, one in flight.
HTTP: one session, `hey -c 1`. Counts are deterministic to within a fraction of a percent, so
they are what to compare when timings disagree; they do not show waiting (system calls, wakeups).

    python3 request_instructions.py SPEC.json OUT.jsonl [FEW MANY]
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import request_client as rc  # noqa: E402


def total_ir(path):
    text = open(path).read()
    m = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    if not m:
        raise SystemExit(f"no total in {path}")
    return int(m.group(1))


def valgrind(out):
    return ["valgrind", "--tool=callgrind", "--quiet", f"--callgrind-out-file={out}"]


def stdio_ir(server, calls, call, tmp):
    out = os.path.join(tmp, f"cg.{time.time_ns()}")
    env = dict(os.environ, **server.get("env", {}))
    proc = subprocess.Popen(valgrind(out) + server["stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
    w, r = proc.stdin, proc.stdout
    w.write((json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "request-bench", "version": "0"}}}) + "\n").encode())
    if b'"result"' not in r.readline():
        raise SystemExit(f"{server['name']}: initialize failed under valgrind")
    w.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    line = (json.dumps(call) + "\n").encode()
    for _ in range(calls):
        w.write(line)
        if b'"isError":false' not in r.readline():
            raise SystemExit(f"{server['name']}: a call failed under valgrind")
    w.close()
    proc.wait(timeout=120)
    return total_ir(out)


def http_ir(server, calls, call, tmp):
    out = os.path.join(tmp, f"cg.{time.time_ns()}")
    wrapped = dict(server, http=valgrind(out) + server["http"], stderr="null")
    proc, url = rc.start_http(wrapped, subprocess.DEVNULL, timeout=120)
    try:
        session = rc.new_session(url, timeout=60)
        result = subprocess.run(
            ["hey", "-n", str(calls), "-c", "1", "-m", "POST", "-T", "application/json",
             "-A", "application/json, text/event-stream", "-H", f"mcp-session-id: {session}",
             "-H", "mcp-protocol-version: 2025-11-25", "-t", "60", "-o", "csv",
             "-d", json.dumps(call), url],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=600)
        bad = [l for l in result.stdout.splitlines()[1:] if not l.split(",")[6] == "200"]
        if bad or len(result.stdout.splitlines()) - 1 != calls:
            raise SystemExit(f"{server['name']}: HTTP calls failed under valgrind")
    finally:
        proc.send_signal(2)  # SIGINT: a graceful stop, so callgrind writes its totals
        proc.wait(timeout=120)
    return total_ir(out)


def main():
    spec = json.load(open(sys.argv[1]))
    out = open(sys.argv[2], "a")
    few, many = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (100, 1100)
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": spec["tool"], "arguments": spec["arguments"]}}
    with tempfile.TemporaryDirectory() as tmp:
        for server in spec["servers"]:
            if server.get("stderr") == "null":
                continue  # the same binary as another entry: the same instructions
            for transport, measure in (("stdio", stdio_ir), ("http", http_ir)):
                a, b = measure(server, few, call, tmp), measure(server, many, call, tmp)
                row = {"server": server["name"], "transport": transport, "calls": [few, many],
                       "instructions_per_call": round((b - a) / (many - few))}
                out.write(json.dumps(row) + "\n")
                out.flush()
                print(json.dumps(row), file=sys.stderr)


if __name__ == "__main__":
    main()
