"""The request context seen by a real client: the official Python MCP SDK (PyPI `mcp`) calls
the `service` fixture's `count_primes` over Streamable HTTP or stdio, in one protocol era, and checks the
progress notifications it receives (several, increasing, the last one complete) and the log
message the tool sends at the end (at the level the client asked for: `logging/setLevel` in a
2025-11-25 session, the request's own log level in 2026-07-28).

    python mcp_context_check.py --url http://127.0.0.1:8080/mcp --mode legacy
    python mcp_context_check.py --url http://127.0.0.1:8080/mcp --mode auto --expect-version 2026-07-28
    python mcp_context_check.py --url ... --mode legacy --log-level warning   # expects no message
    python mcp_context_check.py --mode auto -- target/debug/service               # over stdio
"""

import argparse
import asyncio

from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.client.stdio import StdioServerParameters, stdio_client

from mcp_client_check import fail

BELOW = 300_000
PRIMES = 25_997


async def check(args: argparse.Namespace) -> None:
    logs: list[tuple[str, object]] = []

    async def on_log(params) -> None:
        logs.append((params.level, params.data))

    async with Client(
        transport(args), mode=args.mode, logging_callback=on_log, log_level=args.log_level
    ) as client:
        print(f"connected ({args.mode}): protocol {client.protocol_version}")
        if args.expect_version and client.protocol_version != args.expect_version:
            fail(f"negotiated {client.protocol_version}, expected {args.expect_version}")
        if client.protocol_version < "2026-07-28":
            await client.set_logging_level(args.log_level)

        progress: list[tuple[float, float | None, str | None]] = []

        async def on_progress(done: float, total: float | None, message: str | None) -> None:
            progress.append((done, total, message))

        result = await client.call_tool("count_primes", {"below": BELOW}, progress_callback=on_progress)
        texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
        print(f"count_primes -> {texts}; {len(progress)} progress notifications; logs {logs}")
        if result.is_error or texts != [f"{PRIMES} primes below {BELOW}"]:
            fail(f"unexpected answer {texts}")
        if len(progress) < 2:
            fail(f"expected several progress notifications, got {progress}")
        if any(later[0] <= earlier[0] for earlier, later in zip(progress, progress[1:])):
            fail(f"progress did not increase: {progress}")
        if progress[-1][:2] != (BELOW, BELOW):
            fail(f"the last progress notification is not complete: {progress[-1]}")
        # Log messages of a session travel on its standalone stream: give it a moment.
        for _ in range(50):
            if logs:
                break
            await asyncio.sleep(0.05)
        # The tool logs at info: a client that asked for warning and above gets nothing.
        expected = [("info", f"counted {PRIMES} primes below {BELOW}")] if args.log_level in ("debug", "info") else []
        if logs != expected:
            fail(f"expected {expected} at level {args.log_level}, got {logs}")


def transport(args: argparse.Namespace):
    """Streamable HTTP to --url, or stdio to the server command after --."""
    if args.command:
        return stdio_client(StdioServerParameters(command=args.command[0], args=args.command[1:]))
    return streamable_http_client(args.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="the server's MCP endpoint")
    parser.add_argument("--mode", default="legacy", help="legacy (2025-11-25 handshake), auto or a modern version")
    parser.add_argument("--expect-version", help="the protocol version that must be negotiated")
    parser.add_argument("--log-level", default="info", help="the least severe log level to ask for")
    parser.add_argument("command", nargs="*", help="instead of --url: the server command, over stdio (after --)")
    args = parser.parse_args()
    if bool(args.url) == bool(args.command):
        parser.error("give --url or a server command after --, not both")
    asyncio.run(asyncio.wait_for(check(args), timeout=60))
    print("context check passed")


if __name__ == "__main__":
    main()
