"""The official Python MCP SDK (PyPI `mcp`) against a generated server over Streamable HTTP.

Connects in one protocol era, checks the negotiated version and the server's identity, lists
tools, calls one and asserts on its answer, then sends a call with wrong argument types and
checks the server answers it cleanly and keeps serving.

    python mcp_http_check.py --url http://127.0.0.1:8080/mcp --mode legacy \
        --call greet --arguments '{"name": "Ada"}' --expect Ada
    python mcp_http_check.py --url ... --mode 2026-07-28 --expect-version 2026-07-28 ...

`--mode legacy` is the 2025-11-25 era (initialize handshake, sessions); a version string such
as `2026-07-28` adopts that stateless era directly.
"""

import argparse
import asyncio
import json
import sys

from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def fail(message: str) -> None:
    print(f"HTTP client check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


async def check(args: argparse.Namespace) -> None:
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else None
    transport = streamable_http_client(args.url, http_client=create_mcp_http_client(headers=headers))
    async with Client(transport, mode=args.mode) as client:
        info = client.server_info
        print(f"connected ({args.mode}): protocol {client.protocol_version}, server {info.name if info else None}")
        if args.expect_version and client.protocol_version != args.expect_version:
            fail(f"negotiated {client.protocol_version}, expected {args.expect_version}")
        if args.server_name and (info is None or info.name != args.server_name):
            fail(f"server calls itself {info.name if info else None!r}, expected {args.server_name!r}")

        tools = await client.list_tools()
        names = [t.name for t in tools.tools]
        print(f"tools: {names}")
        if args.call not in names:
            fail(f"tool {args.call!r} is not listed")

        result = await client.call_tool(args.call, json.loads(args.arguments))
        texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
        print(f"{args.call} -> is_error={result.is_error} {texts}")
        if result.is_error:
            fail(f"{args.call} returned an error: {texts}")
        if args.expect and not any(args.expect in t for t in texts):
            fail(f"{args.call} answer does not contain {args.expect!r}")

        wrong = {key: {"not": "a scalar"} for key in json.loads(args.arguments)}
        if not wrong:
            print("the tool takes no arguments; wrong-type check skipped")
            return
        try:
            bad = await client.call_tool(args.call, wrong)
            if not bad.is_error:
                fail("a call with wrong argument types succeeded")
            print("wrong argument types -> isError result")
        except MCPError as err:
            print(f"wrong argument types -> JSON-RPC error {err.error.code}")

        again = await client.call_tool(args.call, json.loads(args.arguments))
        if again.is_error:
            fail("the server stopped serving after a bad call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the server's MCP endpoint")
    parser.add_argument("--mode", default="legacy", help="legacy (2025-11-25 handshake) or a modern version")
    parser.add_argument("--expect-version", help="the protocol version that must be negotiated")
    parser.add_argument("--token", help="bearer token to send")
    parser.add_argument("--call", required=True, help="tool to call")
    parser.add_argument("--arguments", default="{}", help="JSON arguments for the call")
    parser.add_argument("--expect", help="text the answer must contain")
    parser.add_argument("--server-name", help="expected serverInfo.name")
    args = parser.parse_args()
    asyncio.run(asyncio.wait_for(check(args), timeout=60))
    print("HTTP client check passed")


if __name__ == "__main__":
    main()
