"""Mutation testing of the trusted core with mutmut.

``python -m benchmarks.mutation`` runs ``mutmut run`` (modules, copied files and the fast test files
each mutant is tried against are in pyproject.toml, ``[tool.mutmut]``) and writes
benchmarks/results/mutation.md: per module the mutants, killed, survived and those no selected test
reaches. Names narrow a run: ``python -m benchmarks.mutation "exactnet.span*"``. ``--report-only``
rewrites the table from the results of an earlier or interrupted run (mutmut keeps them in
mutants/ and resumes where it stopped). ``mutmut show NAME`` prints a mutant. Property tests run
with the "mutation" hypothesis profile: derandomized, 10 examples each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "mutation.md"
KILLED = {"killed", "timeout", "segfault"}


def module_of(name: str) -> str:
    """``exactnet.verify.x_certify__mutmut_3`` and ``exactnet.verify.xǁCertificateǁto_json__mutmut_1``
    both belong to ``exactnet.verify``."""
    head = name.split("__mutmut_")[0]
    parts = head.split(".")
    return ".".join(parts[:-1])


def tally(lines: list[str]) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        if ": " not in line or "__mutmut_" not in line:
            continue
        name, status = (part.strip() for part in line.rsplit(": ", 1))
        counts[module_of(name)][status] += 1
    return counts


def table(counts: dict[str, Counter]) -> str:
    rows = ["| module | mutants | killed | survived | no test reaches | not run | killed of reached |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    total: Counter = Counter()
    for module in sorted(counts):
        c = counts[module]
        total.update(c)
        rows.append(row(module, c))
    rows.append(row("**all**", total))
    return "\n".join(rows)


def row(label: str, c: Counter) -> str:
    killed = sum(c[s] for s in KILLED)
    survived = c["survived"]
    untested = c["no tests"]
    not_run = c["not checked"]
    reached = killed + survived
    share = f"{100 * killed / reached:.1f}%" if reached else "-"
    return f"| {label} | {sum(c.values())} | {killed} | {survived} | {untested} | {not_run} | {share} |"


SURVIVORS = ROOT / "benchmarks" / "results" / "mutation_survivors.md"
KINDS = [  # (kind, pattern on the mutated line): survivors of these kinds change no result
    ("invariant text or guard", re.compile(r"require\(|raise AssertionError")),
    ("evaluation strategy (both branches exact)", re.compile(r"_tree_pays|bit_length\(\) [<>]|SAFE|size = min|"
                                                              r"engine|flint\(|amax")),
    ("dask client passed on (test_dask runs it; outside the selection)", re.compile(r"client")),
]


def kind(line: str) -> str:
    """The kind of a surviving mutant from its changed line, or "to classify"."""
    return next((k for k, pattern in KINDS if pattern.search(line)), "to classify")


def survivors(lines: list[str]) -> str:
    """Every surviving mutant of a verifier or construction module with its changed line and kind."""
    rows = ["| mutant | changed line | kind |", "|---|---|---|"]
    for line in lines:
        if not line.strip().endswith(": survived"):
            continue
        name = line.rsplit(": ", 1)[0].strip()
        if not re.match(r"exactnet\.(verify|evaluate|span|construct)", name):
            continue
        diff = subprocess.run(["mutmut", "show", name], cwd=ROOT, capture_output=True, text=True).stdout
        changed = next((d[1:].strip() for d in diff.splitlines() if d.startswith("+ ")), "(a line removed)")
        shown = changed.replace("|", "\\|")[:110]
        rows.append(f"| `{name}` | `{shown}` | {kind(changed)} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-only", action="store_true", help="tabulate the stored results, run nothing")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tried at once")
    parser.add_argument("names", nargs="*", help='mutants to try (wildcards: "exactnet.verify*"); default all')
    args = parser.parse_args()
    if not args.report_only:
        env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}  # derandomized, 10 examples: the same verdict twice
        subprocess.run(["mutmut", "run", "--max-children", str(args.jobs), *args.names], cwd=ROOT, check=False,
                       env=env)
    out = subprocess.run(["mutmut", "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    counts = tally(out.splitlines())
    if not counts:
        sys.exit("mutmut reported no mutants: run without --report-only first")
    text = RESULTS.read_text() if RESULTS.exists() else ""
    marker = "<!-- table -->"
    head, _, tail = text.partition(marker)
    tail = tail.partition(marker)[2]
    block = f"{marker}\n{table(counts)}\n{marker}"
    RESULTS.write_text(f"{head}{block}{tail}" if text else f"{block}\n")
    SURVIVORS.write_text("# Surviving mutants of the verifier and the constructions\n\nWritten by `python -m "
                         "benchmarks.mutation`; kinds as in mutation.md.\n\n" + survivors(out.splitlines()) + "\n")


if __name__ == "__main__":
    main()
