"""A real MCP client against a generated server: the official Python SDK (PyPI `mcp`).

Connects, checks the server's identity, lists tools, calls one tool and asserts on its answer.
Also sends a call with a wrong argument type and asserts the server answers it cleanly (an
isError result or a JSON-RPC error) and keeps serving afterwards; optionally lists and reads a
resource and lists and gets a prompt.

    python mcp_client_check.py --call greet --arguments '{"name": "Ada"}' --expect Ada \
        -- path/to/server serve
"""

import argparse
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp import MCPError


def fail(message: str) -> None:
    print(f"client check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


async def check_tool_call(call_tool, args: argparse.Namespace) -> None:
    """Calls `args.call` and checks the answer; then with every argument of the wrong type,
    which must be answered cleanly (an isError result or a JSON-RPC error), and once more,
    which must still work. Shared with mcp_http_check.py."""
    arguments = json.loads(args.arguments)
    result = await call_tool(args.call, arguments)
    texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
    print(f"{args.call} -> is_error={result.is_error} {texts}")
    if result.is_error:
        fail(f"{args.call} returned an error: {texts}")
    if args.expect and not any(args.expect in t for t in texts):
        fail(f"{args.call} answer does not contain {args.expect!r}")

    wrong = {key: {"not": "a scalar"} for key in arguments}
    if not wrong:
        print("the tool takes no arguments; wrong-type check skipped")
        return
    try:
        bad = await call_tool(args.call, wrong)
        if not bad.is_error:
            fail("a call with wrong argument types succeeded")
        print("wrong argument types -> isError result")
    except MCPError as err:
        print(f"wrong argument types -> JSON-RPC error {err.error.code}")

    again = await call_tool(args.call, arguments)
    if again.is_error:
        fail("the server stopped serving after a bad call")


async def exercise(session: ClientSession, args: argparse.Namespace) -> None:
    init = await session.initialize()
    print(f"initialized: {init.server_info.name} {init.server_info.version}, protocol {init.protocol_version}")
    if args.server_name and init.server_info.name != args.server_name:
        fail(f"server calls itself {init.server_info.name!r}, expected {args.server_name!r}")

    tools = await session.list_tools()
    names = [t.name for t in tools.tools]
    print(f"tools: {names}")
    if args.call not in names:
        fail(f"tool {args.call!r} is not listed")

    await check_tool_call(session.call_tool, args)

    if args.resource:
        listed = await session.list_resources()
        uris = [str(r.uri) for r in listed.resources]
        print(f"resources: {uris}")
        if args.resource not in uris:
            fail(f"resource {args.resource!r} is not listed")
        read = await session.read_resource(args.resource)
        text = "".join(getattr(c, "text", "") for c in read.contents)
        print(f"{args.resource} -> {len(text)} characters")
        if not text:
            fail(f"resource {args.resource!r} is empty")

    if args.prompt:
        listed = await session.list_prompts()
        names = [p.name for p in listed.prompts]
        print(f"prompts: {names}")
        prompt = await session.get_prompt(args.prompt, json.loads(args.prompt_arguments))
        texts = [m.content.text for m in prompt.messages if getattr(m.content, "type", None) == "text"]
        print(f"{args.prompt} -> {texts}")
        if not texts:
            fail(f"prompt {args.prompt!r} returned no text")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--call", required=True, help="tool to call")
    parser.add_argument("--arguments", default="{}", help="JSON arguments for the call")
    parser.add_argument("--expect", help="text the answer must contain")
    parser.add_argument("--server-name", help="expected serverInfo.name")
    parser.add_argument("--resource", help="a resource URI to list and read")
    parser.add_argument("--prompt", help="a prompt to list and get")
    parser.add_argument("--prompt-arguments", default="{}", help="JSON arguments for the prompt")
    parser.add_argument("command", nargs="+", help="server command (after --)")
    args = parser.parse_args()

    params = StdioServerParameters(command=args.command[0], args=args.command[1:])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await asyncio.wait_for(exercise(session, args), timeout=30)
    print("client check passed")


if __name__ == "__main__":
    asyncio.run(main())
