#!/usr/bin/env bash
# Benchmark: `mcpforge new` against copier and cargo-generate on an equivalent template. Both
# templates are made from the committed render of the `minimal` template
# (generated-fixtures/minimal): the same 22 files, the 6 that hold the project name or
# description templated (copier: Jinja `.jinja` files; cargo-generate: Liquid, listed in its
# `include`), the rest copied verbatim, as mcpforge renders only its `.tera` files. All are timed
# with hyperfine (warm file cache, output folder removed before each run), and so is a `new` of
# the larger `service` template.
# Needs hyperfine (apt-get install hyperfine) and python3 with venv; copier comes from PyPI into
# $BENCH_VENV (default target/bench-venv). cargo-generate is $CARGO_GENERATE, else the one on
# PATH, else cargo-generate $CARGO_GENERATE_VERSION built into target/bench-tools (20 to 40
# minutes; 0.23.14 is the newest release whose locked dependencies build with rustc 1.95 —
# 0.24.0 and later need 1.96 or 1.97). CARGO_GENERATE=none leaves it out.
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
cargo_generate=${CARGO_GENERATE:-$(command -v cargo-generate || true)}
if [ -z "$cargo_generate" ]; then
    version=${CARGO_GENERATE_VERSION:-0.23.14}
    cargo install --quiet --locked "cargo-generate@$version" --root "$root/target/bench-tools"
    cargo_generate=$root/target/bench-tools/bin/cargo-generate
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

# The same tree as a cargo-generate template: Liquid placeholders in the same 6 files, which
# its `include` list names so the other 16 are copied untouched.
python3 - "$work/copier-minimal" "$work/cargo-generate-minimal" <<'PY'
import os, sys
src, dst = sys.argv[1:]
templated = []
for top, dirs, files in os.walk(src):
    for f in files:
        if f == "copier.yml":
            continue
        path = os.path.join(top, f)
        rel = os.path.relpath(path, src)
        text = open(path, encoding="utf-8").read()
        if rel.endswith(".jinja"):
            rel = rel[: -len(".jinja")]
            text = (text.replace("{{ name | upper | replace('-', '_') }}", "{{crate_name | upcase}}")
                    .replace("{{ name }}", "{{project-name}}").replace("{{ description }}", "{{description}}"))
            templated.append(rel)
        out = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        open(out, "w", encoding="utf-8").write(text)
include = ", ".join(f'"{t}"' for t in sorted(templated))
open(os.path.join(dst, "cargo-generate.toml"), "w").write(
    f"[template]\ninclude = [{include}]\n\n[placeholders.description]\ntype = \"string\"\n"
    'prompt = "Description"\ndefault = "An MCP server built with mcpforge"\n')
PY

cd "$work"
mkdir -p cg
runs=(
    -n 'mcpforge new (minimal)' "$mcpforge new out --template minimal --name weather --yes --quiet"
    -n 'copier copy (same files)' "$venv/bin/copier copy --defaults --data name=weather --quiet copier-minimal out"
)
versions="mcpforge $("$mcpforge" --version | cut -d' ' -f2), copier $("$venv/bin/copier" --version | cut -d' ' -f2)"
if [ "$cargo_generate" != none ]; then
    # It writes <destination>/<name>; --vcs none as mcpforge and copier make no repository.
    runs+=(-n 'cargo-generate (same files)' "$cargo_generate generate --path cargo-generate-minimal --name weather --destination cg --silent --vcs none")
    versions+=", $("$cargo_generate" --version)"
fi
runs+=(-n 'mcpforge new (service)' "$mcpforge new out --template service --name weather --yes --quiet")
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $versions"
hyperfine --warmup 3 --min-runs 20 --prepare 'rm -rf out cg/weather' --export-markdown "$root/target/bench-new.md" \
    "${runs[@]}"
echo "table: $root/target/bench-new.md"
