#!/usr/bin/env python3
"""Count individual test cases over every layer and print the closing line "N passed, M failed".

Check suites report "NN%: Checks: C, Failures: F, Errors: E" in their .log; other automake tests
count one each from their .trs; the e2e unittest output reports "Ran N tests" and
"FAILED (failures=F, errors=E)"; the benchmark smoke run prints one "metric" line per row
and one "ERROR" line per harness error. A step that could not run (a failed build) counts as one failure.
"""
import pathlib
import re
import sys

CHECK_RE = re.compile(r"^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)", re.M)


def count_build(build):
    passed = failed = 0
    root = pathlib.Path(build)
    for trs in sorted(root.glob("**/*.trs")):
        log = trs.with_suffix(".log")
        text = log.read_text(errors="replace") if log.exists() else ""
        result = re.search(r"^:test-result: (\w+)", trs.read_text(), re.M)
        verdict = result.group(1) if result else "ERROR"
        m = CHECK_RE.search(text)
        if m:
            checks, fails, errors = map(int, m.groups())
            passed += checks - fails - errors
            failed += fails + errors
            if verdict not in ("PASS", "SKIP") and fails + errors == 0:
                failed += 1  # crashed or leaked after the suite reported
        elif verdict == "PASS":
            passed += 1
        elif verdict != "SKIP":
            failed += 1
    return passed, failed


def count_e2e(path):
    if not path.exists():
        return 0, 0
    text = path.read_text(errors="replace")
    ran = re.search(r"^Ran (\d+) tests?", text, re.M)
    if not ran:
        return 0, 1
    total = int(ran.group(1))
    bad = 0
    m = re.search(r"^FAILED \((.*)\)", text, re.M)
    if m:
        for k, v in re.findall(r"(\w+)=(\d+)", m.group(1)):
            if k in ("failures", "errors", "unexpected_successes"):
                bad += int(v)
    skipped = re.search(r"skipped=(\d+)", text)
    skipped = int(skipped.group(1)) if skipped else 0
    return total - bad - skipped, bad


def count_fuzz(path):
    if not path.exists():
        return 0, 0
    text = path.read_text(errors="replace")
    return (len(re.findall(r"^PASS: ", text, re.M)), len(re.findall(r"^FAIL: ", text, re.M)))


def count_bench(path):
    """bench/run.sh prints "metric <name> <server> <value>" per measured row and "ERROR ..."
    per harness error (never for a timing)."""
    if not path.exists():
        return 0, 0
    text = path.read_text(errors="replace")
    return (len(re.findall(r"^metric ", text, re.M)), len(re.findall(r"^ERROR", text, re.M)))


def main():
    results = pathlib.Path(sys.argv[1])
    passed = failed = 0
    for build in sys.argv[2:]:
        p, f = count_build(build)
        print(f"{build}: {p} passed, {f} failed")
        passed += p
        failed += f
    p, f = count_fuzz(results / "fuzz.out")
    print(f"fuzz: {p} passed, {f} failed")
    passed += p
    failed += f
    for out in sorted(results.glob("e2e*.out")):
        p, f = count_e2e(out)
        print(f"{out.stem}: {p} passed, {f} failed")
        passed += p
        failed += f
    p, f = count_bench(results / "bench-smoke.out")
    print(f"bench-smoke: {p} passed, {f} failed")
    passed += p
    failed += f
    steps = results / "failed-steps"
    if steps.exists():
        for line in steps.read_text().splitlines():
            print(f"step failed: {line}")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
