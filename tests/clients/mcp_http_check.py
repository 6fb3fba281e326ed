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

from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from mcp_client_check import check_tool_call, fail


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

        await check_tool_call(client.call_tool, args)


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
