"""Checks a listing printed by the official MCP Inspector CLI (`--method tools/list` and the like).

Usage: inspector_listing.py METHOD AT_LEAST < listing.json
Exits non-zero unless the listing holds at least AT_LEAST items; prints their names.
"""

import json
import sys


def main() -> int:
    method, at_least = sys.argv[1], int(sys.argv[2])
    key = method.split("/")[0]
    items = json.load(sys.stdin)[key]
    names = [item.get("name", "") for item in items]
    shown = ", ".join(names[:7]) + (", ..." if len(names) > 7 else "")
    print(f"{method}: {len(items)} ({shown})")
    if len(items) < at_least:
        print(f"{method}: expected at least {at_least}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
