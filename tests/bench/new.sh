#!/usr/bin/env bash
# Benchmark: `mcpforge new` against copier on an equivalent template. The copier template is
# made from the committed render of the `minimal` template (generated-fixtures/minimal): the
# same 22 files, the 6 that hold the project name or description as Jinja (`.jinja`), the rest
# copied verbatim, as mcpforge renders only its `.tera` files. Both are timed with hyperfine
# (warm file cache, output folder removed before each run), and so is a `new` of the larger
# `service` template.
# Needs hyperfine (apt-get install hyperfine) and python3 with venv; copier comes from PyPI into
# $BENCH_VENV (default target/bench-venv).
# Usage: tests/bench/new.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
cargo build --release --locked --quiet
mcpforge=$root/target/release/mcpforge
venv=${BENCH_VENV:-$root/target/bench-venv}
if [ ! -x "$venv/bin/copier" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check copier
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$root/generated-fixtures/minimal" "$work/copier-minimal" <<'PY'
import os, sys
src, dst = sys.argv[1:]
desc = "An MCP server built with mcpforge"
for top, dirs, files in os.walk(src):
    dirs[:] = [d for d in dirs if d != "target"]
    for f in files:
        if f == "Cargo.lock":
            continue
        path = os.path.join(top, f)
        out = os.path.join(dst, os.path.relpath(path, src))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        text = open(path, encoding="utf-8").read()
        if any(s in text for s in ("minimal", "MINIMAL", desc)) and "{{" not in text and "{%" not in text:
            text = (text.replace("MINIMAL", "{{ name | upper | replace('-', '_') }}")
                    .replace("minimal", "{{ name }}").replace(desc, "{{ description }}"))
            out += ".jinja"
        open(out, "w", encoding="utf-8").write(text)
open(os.path.join(dst, "copier.yml"), "w").write(
    "_templates_suffix: .jinja\nname:\n  type: str\ndescription:\n  type: str\n"
    f"  default: {desc}\n")
PY

cd "$work"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); mcpforge $("$mcpforge" --version | cut -d' ' -f2), copier $("$venv/bin/copier" --version | cut -d' ' -f2)"
hyperfine --warmup 3 --min-runs 20 --prepare 'rm -rf out' --export-markdown "$root/target/bench-new.md" \
    -n 'mcpforge new (minimal)' "$mcpforge new out --template minimal --name weather --yes --quiet" \
    -n 'copier copy (same files)' "$venv/bin/copier copy --defaults --data name=weather --quiet copier-minimal out" \
    -n 'mcpforge new (service)' "$mcpforge new out --template service --name weather --yes --quiet"
echo "table: $root/target/bench-new.md"
