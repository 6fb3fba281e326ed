"""`mcpforge mcp` driven by the official Python MCP SDK (PyPI `mcp`), as a coding agent would.

Through the server: create a project from the minimal template, add a tool, lint the project
clean, plan an upgrade (up to date), read a rule's documentation and the project's
.mcpforge.toml, get the prompt. Also checks that refusals are tool errors the model can read
(a path outside the root, unknown arguments, an unknown template) and that the server keeps
serving. The client declares MCP roots (the --root directory). The caller then builds and tests
the created project.

    python mcpforge_mcp_check.py --root /tmp/work --project minimal -- mcpforge mcp --root /tmp/work
"""

import argparse
import asyncio
import json
import pathlib
import sys

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

TOOLS = {"list_templates", "new_project", "add_item", "lint", "explain_rule", "upgrade_plan", "upgrade_apply"}


def fail(message: str) -> None:
    print(f"mcpforge mcp check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def text_of(result) -> str:
    return "\n".join(c.text for c in result.content if getattr(c, "type", None) == "text")


async def ok(session: ClientSession, tool: str, arguments: dict) -> dict:
    result = await session.call_tool(tool, arguments)
    if result.is_error:
        fail(f"{tool} {arguments} failed: {text_of(result)}")
    if not isinstance(result.structured_content, dict):
        fail(f"{tool} returned no structured content")
    return result.structured_content


async def refused(session: ClientSession, tool: str, arguments: dict, expect: str) -> None:
    result = await session.call_tool(tool, arguments)
    message = text_of(result)
    if not result.is_error:
        fail(f"{tool} {arguments} was accepted")
    if expect not in message:
        fail(f"{tool} {arguments}: expected {expect!r} in {message!r}")
    print(f"{tool} refused: {message.splitlines()[0]}")


async def exercise(session: ClientSession, args: argparse.Namespace, root: pathlib.Path) -> None:
    init = await session.initialize()
    print(f"initialized: {init.server_info.name} {init.server_info.version}, protocol {init.protocol_version}")
    if init.server_info.name != "mcpforge":
        fail(f"the server calls itself {init.server_info.name!r}")

    tools = (await session.list_tools()).tools
    names = {t.name for t in tools}
    if names != TOOLS:
        fail(f"tools are {sorted(names)}, expected {sorted(TOOLS)}")
    for tool in tools:
        if not tool.output_schema or not tool.description or tool.annotations is None:
            fail(f"{tool.name} lacks an output schema, a description or annotations")

    templates = await ok(session, "list_templates", {})
    if "minimal" not in [t["name"] for t in templates["templates"]]:
        fail("list_templates does not list minimal")

    project = args.project
    created = await ok(
        session,
        "new_project",
        {"path": project, "template": "minimal", "answers": {"name": project}},
    )
    print(f"new_project -> {created['path']} ({len(created['files'])} files)")
    if not (root / project / ".mcpforge.toml").is_file():
        fail("new_project wrote no .mcpforge.toml")

    added = await ok(
        session,
        "add_item",
        {
            "project": project,
            "kind": "tool",
            "name": "get_forecast",
            "description": "Forecast for a city, for the next few days.",
            "params": ["city:string:City name", "days:int?:How many days"],
            "read_only": True,
        },
    )
    print(f"add_item -> {added['files']}")
    if not (root / project / "src/tools/get_forecast.rs").is_file():
        fail("add_item wrote no src/tools/get_forecast.rs")

    linted = await ok(session, "lint", {"project": project, "fail_on": "info"})
    print(f"lint -> passed={linted['passed']} {len(linted['diagnostics'])} finding(s) in {linted['files']} files")
    if not linted["passed"] or linted["diagnostics"]:
        fail(f"lint found {json.dumps(linted['diagnostics'], indent=2)}")

    plan = await ok(session, "upgrade_plan", {"project": project})
    print(f"upgrade_plan -> {plan['template']} {plan['from']} -> {plan['to']}, up to date: {plan['up_to_date']}")
    if not plan["up_to_date"]:
        fail(f"a fresh project is not up to date: {plan['files']}")

    rule = await session.read_resource("mcpforge://rules/MCP107")
    if not any("MCP107" in getattr(c, "text", "") for c in rule.contents):
        fail("mcpforge://rules/MCP107 does not document MCP107")
    manifest = await session.read_resource(f"mcpforge://project/{project}")
    if not any("[template]" in getattr(c, "text", "") for c in manifest.contents):
        fail("the project's .mcpforge.toml resource has no [template]")

    prompt = await session.get_prompt("add_tool_with_test", {"project": project, "name": "get_alerts"})
    if not any("add_item" in getattr(m.content, "text", "") for m in prompt.messages):
        fail("the add_tool_with_test prompt does not mention add_item")

    before = sorted(p.relative_to(root.parent) for p in root.parent.rglob("*"))
    await refused(session, "new_project", {"path": "../escaped"}, "outside the allowed roots")
    await refused(session, "lint", {"project": "/"}, "outside the allowed roots")
    await refused(session, "add_item", {"project": project, "kind": "tool", "name": "x", "colour": "red"}, "")
    await refused(session, "new_project", {"path": "other", "template": "nope"}, "no template named `nope`")
    await refused(session, "add_item", {"project": project, "kind": "tool", "name": "get_forecast"}, "help: ")
    after = sorted(p.relative_to(root.parent) for p in root.parent.rglob("*"))
    if before != after:
        fail(f"refused calls changed files: {set(before) ^ set(after)}")
    await ok(session, "explain_rule", {"rule": "MCP107"})


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True, help="the directory the server may work in (declared as the MCP root)")
    parser.add_argument("--project", default="minimal", help="name of the project to create in the root")
    parser.add_argument("command", nargs="+", help="server command (after --)")
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()

    async def list_roots(context) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=root.as_uri(), name="work")])

    params = StdioServerParameters(command=args.command[0], args=args.command[1:])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, list_roots_callback=list_roots) as session:
            await asyncio.wait_for(exercise(session, args, root), timeout=60)
    print("mcpforge mcp check passed")


if __name__ == "__main__":
    asyncio.run(main())
