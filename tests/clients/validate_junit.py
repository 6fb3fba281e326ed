"""Reads mcpforge's JUnit XML with a real JUnit consumer, the PyPI `junitparser` package, and
checks what a CI report would show: every suite's declared counts equal the test cases it holds,
every failure has a message and a severity as its type, and the totals add up.

    python validate_junit.py REPORT.xml [REPORT.xml ...]

Prints `PATH: tests=N failures=N skipped=N` per report; exits 1 on any mismatch.
"""

import sys

from junitparser import Failure, JUnitXml, Skipped


def check(path: str) -> bool:
    xml = JUnitXml.fromfile(path)
    ok = True
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in xml:
        declared = (suite.tests, suite.failures, suite.errors, suite.skipped)
        cases = list(suite)
        failures = [r for c in cases for r in c.result if isinstance(r, Failure)]
        skipped = [r for c in cases for r in c.result if isinstance(r, Skipped)]
        counted = (len(cases), len(failures), 0, len(skipped))
        if declared != counted:
            print(f"{path}: suite {suite.name!r} declares {declared}, holds {counted}", file=sys.stderr)
            ok = False
        for failure in failures:
            if not failure.message or failure.type not in ("error", "warning", "info"):
                print(f"{path}: suite {suite.name!r}: failure without message or severity", file=sys.stderr)
                ok = False
        totals["tests"] += len(cases)
        totals["failures"] += len(failures)
        totals["skipped"] += len(skipped)
    if (xml.tests, xml.failures, xml.skipped) != (totals["tests"], totals["failures"], totals["skipped"]):
        print(f"{path}: totals {(xml.tests, xml.failures, xml.skipped)} do not add up to {totals}", file=sys.stderr)
        ok = False
    print(f"{path}: tests={totals['tests']} failures={totals['failures']} skipped={totals['skipped']}")
    return ok


def main() -> None:
    results = [check(path) for path in sys.argv[1:]]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
