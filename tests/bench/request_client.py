"""Second, independent client for the request-path comparison (tests/bench/request.sh).

Nothing here shares code with rmcp or with tests/bench/service/loadgen:
  - HTTP: `hey` (Go's net/http), one process per client, each with its own MCP session
    (initialize and notifications/initialized sent with urllib first), calling `tools/call`
    back to back for SECONDS; calls/s and latency percentiles from hey's per-request CSV.
  - stdio: raw JSON-RPC lines over the server's pipes, one call in flight (how MCP clients call
    over stdio), the request bytes prepared once; calls/s.
  - rmcp: the same servers through tests/bench/service/loadgen (the client service.sh uses),
    when LOADGEN is given, so both clients meet identical binaries in the same run.

Servers are pinned to CPU 0, clients to CPU 1. Rounds interleave every server and client; the
report gives medians and per-round ratios. Every run is bounded in time.

    python3 request_client.py SPEC.json OUT.jsonl
"""

import csv
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

SERVER_CPU, CLIENT_CPU = "0", "1"


def cpu_seconds(pid):
    """User + system CPU time of a process (all its threads) so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(url, body, session=None, timeout=10):
    headers = {
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    if session:
        headers["mcp-session-id"] = session
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.headers.get("mcp-session-id"), r.read()


def start_http(server, log, timeout=20):
    port = free_port()
    addr = f"127.0.0.1:{port}"
    cmd = ["taskset", "-c", SERVER_CPU] + [a.replace("{addr}", addr) for a in server["http"]]
    env = dict(os.environ, **{k: v.replace("{addr}", addr) for k, v in server.get("env", {}).items()})
    stderr = subprocess.DEVNULL if server.get("stderr") == "null" else log
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=stderr, env=env)
    url = f"http://{addr}/mcp"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{server['name']} exited at start (see its log)")
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{server['name']} did not listen within {timeout} s")


def new_session(url, timeout=10):
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "request-bench", "version": "0"}}}
    session, _ = post(url, init, timeout=timeout)
    post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session, timeout=timeout)
    return session


def hey_run(url, clients, seconds, call, pid):
    """CLIENTS hey processes, one session each, for SECONDS; returns calls/s, p50, p99, errors,
    and the server's CPU time per call (which waiting on a loaded machine does not inflate)."""
    body = json.dumps(call)
    procs = []
    sessions = [new_session(url) for _ in range(clients)]
    cpu_before = cpu_seconds(pid)
    for session in sessions:
        procs.append(subprocess.Popen(
            ["taskset", "-c", CLIENT_CPU, "hey", "-z", f"{seconds}s", "-c", "1", "-m", "POST",
             "-T", "application/json", "-A", "application/json, text/event-stream",
             "-H", f"mcp-session-id: {session}", "-H", "mcp-protocol-version: 2025-11-25",
             "-t", "10", "-o", "csv", "-d", body, url],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
    latencies, errors, outputs = [], 0, []
    for p in procs:
        outputs.append(p.communicate(timeout=seconds + 60)[0])
    cpu = cpu_seconds(pid) - cpu_before
    for out in outputs:
        for row in csv.DictReader(io.StringIO(out)):
            latencies.append(float(row["response-time"]))
            if row["status-code"] != "200":
                errors += 1
    latencies.sort()
    pct = lambda q: latencies[int((len(latencies) - 1) * q)] * 1000 if latencies else 0.0
    return {"calls_per_second": round(len(latencies) / seconds), "p50_ms": round(pct(0.5), 3),
            "p99_ms": round(pct(0.99), 3), "errors": errors,
            "server_cpu_us_per_call": round(cpu * 1e6 / max(len(latencies), 1), 1)}


def stdio_run(server, seconds, call, log):
    """One call in flight over the pipes for SECONDS after a 1 s warm-up; returns calls/s."""
    env = dict(os.environ, **server.get("env", {}))
    stderr = subprocess.DEVNULL if server.get("stderr") == "null" else log
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU] + server["stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=stderr, env=env, bufsize=0)
    w, r = proc.stdin, proc.stdout
    reader = io.BufferedReader(r, 1 << 16)

    def send(msg):
        w.write((json.dumps(msg) + "\n").encode())

    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "request-bench", "version": "0"}}})
    if b'"result"' not in reader.readline():
        raise SystemExit(f"{server['name']}: initialize failed")
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    line = (json.dumps(call) + "\n").encode()
    expect = b'"isError":false'
    calls, errors = 0, 0
    warm_end = time.perf_counter() + 1.0
    end = warm_end + seconds
    counting = False
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        if not counting and now >= warm_end:
            counting, calls, errors = True, 0, 0
            cpu_before = cpu_seconds(proc.pid)
        w.write(line)
        answer = reader.readline()
        if not answer:
            raise SystemExit(f"{server['name']}: closed stdout")
        calls += 1
        if expect not in answer:
            errors += 1
    cpu = cpu_seconds(proc.pid) - cpu_before
    w.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return {"calls_per_second": round(calls / seconds), "errors": errors,
            "server_cpu_us_per_call": round(cpu * 1e6 / max(calls, 1), 1)}


def loadgen_run(loadgen, args, log):
    out = subprocess.run(["taskset", "-c", CLIENT_CPU, loadgen] + args, stdout=subprocess.PIPE,
                         stderr=log, text=True, timeout=120, check=True).stdout
    return json.loads(out)


def main():
    spec = json.load(open(sys.argv[1]))
    out = open(sys.argv[2], "a")
    logdir = os.path.dirname(os.path.abspath(sys.argv[2]))
    seconds, rounds, clients = spec["seconds"], spec["rounds"], spec["clients"]
    loadgen = spec.get("loadgen")
    servers = spec["servers"]
    tool_args = spec["arguments"]
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": spec["tool"], "arguments": tool_args}}

    def emit(**row):
        out.write(json.dumps(row) + "\n")
        out.flush()
        print(json.dumps(row), file=sys.stderr)

    for rnd in range(1, rounds + 1):
        # A different server first each round.
        order = servers[rnd - 1:] + servers[:rnd - 1]
        for server in order:
            name = server["name"]
            with open(os.path.join(logdir, f"{name}.log"), "ab") as log:
                proc, url = start_http(server, log)
                try:
                    hey_run(url, clients, 1, call, proc.pid)  # warm-up, discarded
                    emit(server=name, round=rnd, client="hey", transport="http",
                         clients=clients, **hey_run(url, clients, seconds, call, proc.pid))
                    if loadgen:
                        r = loadgen_run(loadgen, ["--tool", spec["tool"], "--arguments",
                                                  json.dumps(tool_args), "--expect", spec["expect"],
                                                  "http", url, str(clients), str(seconds)]
                                        + ([server["token"]] if server.get("token") else []), log)
                        emit(server=name, round=rnd, client="loadgen", transport="http",
                             clients=clients, calls_per_second=r["calls_per_second"],
                             p50_ms=r["p50_ms"], p99_ms=r["p99_ms"], errors=r["errors"])
                finally:
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                emit(server=name, round=rnd, client="raw", transport="stdio", in_flight=1,
                     **stdio_run(server, seconds, call, log))
                if loadgen:
                    env_prefix = ["env"] + [f"{k}={v}" for k, v in server.get("env", {}).items()]
                    r = loadgen_run(loadgen, ["--tool", spec["tool"], "--arguments",
                                              json.dumps(tool_args), "stdio", str(seconds), "1",
                                              "--"] + env_prefix + ["taskset", "-c", SERVER_CPU]
                                    + server["stdio"], log)
                    emit(server=name, round=rnd, client="loadgen", transport="stdio", in_flight=1,
                         calls_per_second=r["calls_per_second"], errors=0)
    out.close()


if __name__ == "__main__":
    main()
