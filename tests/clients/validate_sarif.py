"""Validates SARIF logs against the official SARIF 2.1.0 JSON schema.

The schema comes from Microsoft's npm package `@microsoft/jest-sarif` (lib/schemas/
sarif-2.1.0-rtm.5.json), installed by .ci/test; validation uses the PyPI `jsonschema` package.

    python validate_sarif.py SCHEMA.json LOG.sarif [LOG.sarif ...]
"""

import json
import sys

import jsonschema


def main() -> None:
    schema_path, *logs = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failed = False
    for path in logs:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for error in errors:
            location = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: {location}: {error.message}", file=sys.stderr)
        results = sum(len(run.get("results", [])) for run in log.get("runs", []))
        print(f"{path}: {'INVALID' if errors else 'valid'} SARIF 2.1.0 ({results} results)")
        failed |= bool(errors)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
