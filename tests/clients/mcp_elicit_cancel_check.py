"""Questions and cancellation seen by a real client: the official Python MCP SDK (PyPI `mcp`)
against the full-protocol fixture (`service-protocol`) over Streamable HTTP or stdio, in one protocol era.

- elicitation: `test_elicitation` asks the user for a username and an email; the SDK's
  elicitation callback answers, once accepting and once declining, and the tool's answer must
  say so (in 2025-11-25 the question is an `elicitation/create` request; in 2026-07-28 an
  `InputRequiredResult` the SDK answers and retries);
- cancellation: `write_note` works for a while (reporting progress) before it writes a note;
  the client abandons one call after its first progress notification (the SDK sends
  `notifications/cancelled`, or closes the request's stream in 2026-07-28), lets a second one
  finish, waits past the first one's deadline and reads the notes back: the finished note must
  be there, the cancelled one never.

    python mcp_elicit_cancel_check.py --url http://127.0.0.1:8080/mcp --mode legacy
    python mcp_elicit_cancel_check.py --url http://127.0.0.1:8080/mcp --mode auto --expect-version 2026-07-28
"""

import argparse
import asyncio
import json
import uuid

import mcp.types as types
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.client.stdio import StdioServerParameters, stdio_client

from mcp_client_check import fail

USER = {"username": "testuser", "email": "test@example.com"}
DELAY_MS = 1500


def texts(result) -> list[str]:
    return [c.text for c in result.content if getattr(c, "type", None) == "text"]


async def check(args: argparse.Namespace) -> None:
    answers: list[str] = []
    asked: list[str] = []

    async def on_elicit(context, params):
        asked.append(params.message)
        action = answers.pop(0)
        if action == "accept":
            return types.ElicitResult(action="accept", content=USER)
        return types.ElicitResult(action=action)

    async with Client(transport(args), mode=args.mode, elicitation_callback=on_elicit) as client:
        print(f"connected ({args.mode}): protocol {client.protocol_version}")
        if args.expect_version and client.protocol_version != args.expect_version:
            fail(f"negotiated {client.protocol_version}, expected {args.expect_version}")

        # Elicitation: accepted, then declined.
        for action, expected in [
            ("accept", 'content={"email":"test@example.com","username":"testuser"}'),
            ("decline", "action=decline"),
        ]:
            answers.append(action)
            result = await client.call_tool("test_elicitation", {"message": f"Who are you ({action})?"})
            print(f"test_elicitation ({action}) -> {texts(result)}")
            if result.is_error or not any(expected in t for t in texts(result)):
                fail(f"expected {expected!r} in the answer to a {action}ed question, got {texts(result)}")
        if asked != ["Who are you (accept)?", "Who are you (decline)?"]:
            fail(f"the callback was asked {asked}")

        # Cancellation: abandon one call once it reported progress; let another finish.
        run = uuid.uuid4().hex[:8]
        cancelled, finished = f"cancelled-{run}", f"finished-{run}"
        started = asyncio.Event()

        async def on_progress(done: float, total: float | None, message: str | None) -> None:
            started.set()

        call = asyncio.create_task(
            client.call_tool("write_note", {"note": cancelled, "delay_ms": DELAY_MS}, progress_callback=on_progress)
        )
        await asyncio.wait_for(started.wait(), timeout=10)
        call.cancel()
        try:
            await call
            fail("the abandoned call finished anyway")
        except asyncio.CancelledError:
            pass
        result = await client.call_tool("write_note", {"note": finished, "delay_ms": 0})
        if texts(result) != [f"wrote {finished}"]:
            fail(f"write_note answered {texts(result)}")
        # Past the cancelled call's deadline: had it gone on, its note would be written by now.
        await asyncio.sleep(DELAY_MS / 1000 + 1.0)
        notes = json.loads(texts(await client.call_tool("read_notes", {}))[0])
        print(f"notes of this run: {[n for n in notes if n.endswith(run)]}")
        if finished not in notes:
            fail(f"the finished call's note is missing from {notes}")
        if cancelled in notes:
            fail(f"the cancelled call wrote its note anyway: {notes}")


def transport(args: argparse.Namespace):
    """Streamable HTTP to --url, or stdio to the server command after --."""
    if args.command:
        return stdio_client(StdioServerParameters(command=args.command[0], args=args.command[1:]))
    return streamable_http_client(args.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="the full-protocol fixture's MCP endpoint")
    parser.add_argument("--mode", default="legacy", help="legacy (2025-11-25 handshake), auto or a modern version")
    parser.add_argument("--expect-version", help="the protocol version that must be negotiated")
    parser.add_argument("command", nargs="*", help="instead of --url: the server command, over stdio (after --)")
    args = parser.parse_args()
    if bool(args.url) == bool(args.command):
        parser.error("give --url or a server command after --, not both")
    asyncio.run(asyncio.wait_for(check(args), timeout=60))
    print("elicitation and cancellation check passed")


if __name__ == "__main__":
    main()
