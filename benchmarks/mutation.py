"""Mutation testing of the trusted core with mutmut.

``python -m benchmarks.mutation`` runs ``mutmut run`` (modules, copied files and the fast test files
each mutant is tried against are in pyproject.toml, ``[tool.mutmut]``) and writes
benchmarks/results/mutation.md: per module the mutants, killed, survived and those no selected test
reaches. Names narrow a run: ``python -m benchmarks.mutation "exactnet.verifier.span*"``. ``--report-only``
rewrites the table from the results of an earlier or interrupted run (mutmut keeps them in
mutants/ and resumes where it stopped). ``--retry`` tries the stored survivors, unreached and untried
mutants again after tests were added. ``mutmut show NAME`` prints a mutant. Property tests run
with the "mutation" hypothesis profile: derandomized, 10 examples each.
"""

from __future__ import annotations

import argparse
import fnmatch
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
    """``exactnet.verifier.certificate.x_verify__mutmut_3`` and
    ``exactnet.verifier.certificate.xǁCertificateǁto_json__mutmut_1`` both belong to
    ``exactnet.verifier.certificate``."""
    head = name.split("__mutmut_")[0]
    parts = head.split(".")
    return ".".join(parts[:-1])


def tally(lines: list[str]) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for name, status in verdicts(lines):
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
STRATEGY = "evaluation strategy (both branches exact)"
DASK = "tests/verifier/test_dask.py (outside the selection: a cluster per mutant)"
SAME = "equivalent: the same result by another route"
KINDS = [  # (kind, pattern on "mutant name: changed line"): survivors of these kinds change no result
    ("invariant text or guard", r"require\(|raise AssertionError|raise InvariantError"),
    (SAME + " (how many failures to keep, with no outputs to compare)", r"x_evaluate_all.*X, None, (None|1), progress"),
    (STRATEGY, r"_tree_pays|bit_length\(\) [<>]|SAFE|size = min|engine|flint\(|amax"),
    (STRATEGY, r"x_preactivations.*evaluate_all\(Network\(head\), X, \)|Plan.*: last = "),
    ("killed since by " + DASK, r"client=None"),
    (STRATEGY + " (worker processes: the same certificate for any jobs)",
     r"len\(blocks\) > 2|\(len\(blocks\) > 1\) and False|x_run__mutmut_73|client=client, \)\[0\]"),
    (SAME + " (the bias is the last column: index -1 and len(row) - 1 are one entry)", r"_Tree\(\[\[\(i if"),
    (SAME + " (relu(0) = 0 either way)", r"v if v >= 0 else"),
    (SAME + " (assigned on every path before use)", r"columns: list\[list\[Any\]\] = None"),
    (SAME + " (times 1; 0 / 2 = 0; a sum from int 0 instead of Q(0))",
     r"num == 1\) and False|return \[_ZERO\] \* n, 2|sum\(\(a \* b for a, b in zip\(w, x\)\), \)"),
    ("progress granularity (how often progress is reported)", r"every: int = 4097"),
    (SAME + " (sgn and v_j are -1 or +1)", r"sgn >= 0|sgn > 1|sgn <= 0|sgn < 1|\(p - lo\) / vj"),
    (SAME + " (R_0 = 1 shifts every G_i by P_i, so u comes out one larger and the knot values are the same)",
     r"R, P = Q\(1\), Q\(1\)"),
    (SAME + " (the bound 0/2 is the bound 0/1)", r"= \[\(0, 2\)\]"),
    (SAME + " (the zero crossing at j = 0 of a falling segment is implied by the next knot's sign bound)",
     r"hi if \(sgn > 0\) and False"),
    (SAME + " (A, S updated after their last reader)", r"j <= len\(listed\) - 1|j < len\(listed\) \+ 1"),
    (SAME + " (an output without main points: the leftover solve absorbs its bias)", r"d0: list\[Any\] = \[Q\(1\)\]"),
    (SAME + " (any end knot above the last used one gives slope 1; t are integers)", r"floor\(t\[-1\]\) [-+] [12]\)"),
    (SAME + " (Layer applies ReLU only for \"relu\"; the meta is set afterwards)",
     r"layer3\.bias, (None|\"XXlinearXX\"|\"LINEAR\")\)|\"linear\"\)\), \)$"),
    (SAME + " (a longer search range: next() stops at the first fit)",
     r"range\(1, \(points \+ 2\) \* m \+ 1\)|range\(1, \(points \+ 1\) \* m \+ 2\)"),
    ("pair estimate (decides only which rows skip the full check; test_integer_rows checks the skip "
     "never changes the chosen row)", r"_predicted_pairs"),
    (SAME + " (numpy makes object arrays of mpfr values and of integers beyond int64, and turns int64 into "
     "Python integers next to an object array: the same exact numbers)",
     r"x_(mpfr|fixed)_forward.*(dtype=None\)|\], \)|Xq, \))"),
    (SAME + " (relu(0) = 0 either way)", r"np\.where\(z >= (zero|0),"),
    ("file layout (the JSON's whitespace; the loaded network is identical)",
     r"ǁsave.*json\.dumps\(self\.to_json\(\), "),
    (SAME + " (codec names ignore case)", r"UTF-8-SIG"),
    (SAME + " (the mask set is undone on the next line; only the old one is read)", r"os\.umask\(1\)"),
    (SAME + " (the temporary file exists when removed: mkstemp made it, only the last statement renames it)",
     r"unlink\(missing_ok=(None|False)\)"),
    (SAME + " (.npz files carry their own Y; the outputs count is not read)",
     r"\"\.npz\": lambda p: _read_numpy\(p, None"),
    (SAME + " (allow_pickle is False by default)", r"np\.load\(p, (allow_pickle=None)?\)"),
    ("message length (a quoted cause cut at 121 characters instead of 120)", r"\[:121\]"),
    (SAME + " (the row number returned with no rows is never read)", r"x_csv_rows.*return rows, 2$"),
    (SAME + " (the cell is lower-cased first: there is no X to strip)", r"lstrip\(\"XX\+-XX\"\)"),
    (SAME + " (no numpy dtype kind is X)", r"in \"XXiuXX\""),
    (SAME + " (an array with no rows reaches the same 'no data rows' either way)",
     r"arr\.shape\[1\] and arr\.shape\[1\] > outputs"),
    (SAME + " (numpy reads any negative size as the one to infer)", r"reshape\(len\(W\), -2\)"),
    (SAME + " (floating-point warnings only; the values are the same)", r"errstate\(all=None\)"),
    (SAME + " (astype(None) is float64)", r"astype\(None\)"),
    (SAME + " (round to nearest is gmpy2's default)", r"gmpy2\.context\(precision=precision, \)"),
]


KILLED_SINCE: dict[str, str] = {}  # survivors a test outside the selection kills (checked by applying each by hand);
# mutmut numbers mutants per function, so the entries go when the function changes (the verifier package
# refactor renumbered the two dask survivors: re-check them on the next full run)


def kind(name: str, line: str) -> str:
    """The kind of a surviving mutant from its name and changed line, or "to classify"."""
    if name in KILLED_SINCE:
        return f"killed since by {KILLED_SINCE[name]}"
    return next((k for k, pattern in KINDS if re.search(pattern, f"{name}: {line}")), "to classify")


def survivors(lines: list[str]) -> str:
    """Every surviving or unreached mutant with its changed line and kind."""
    rows = ["| mutant | changed line | kind |", "|---|---|---|"]
    for name, status in verdicts(lines):
        if status not in ("survived", "no tests"):
            continue
        diff = subprocess.run(["mutmut", "show", name], cwd=ROOT, capture_output=True, text=True).stdout
        changed = next((d[1:].strip() for d in diff.splitlines() if d.startswith("+ ")), "(a line removed)")
        shown = changed.replace("|", "\\|")[:110]
        label = kind(name, changed) if status == "survived" else "no selected test reaches it"
        rows.append(f"| `{name}` | `{shown}` | {label} |")
    return "\n".join(rows)


def verdicts(lines: list[str]) -> list[tuple[str, str]]:
    """(mutant name, status) from ``mutmut results`` lines."""
    pairs = (line.rsplit(": ", 1) for line in lines if "__mutmut_" in line and ": " in line)
    return [(name.strip(), status.strip()) for name, status in pairs]


def stored_results() -> list[str]:
    """mutmut's stored verdicts, one "name: status" line per mutant."""
    return subprocess.run(["mutmut", "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-only", action="store_true", help="tabulate the stored results, run nothing")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tried at once")
    parser.add_argument("names", nargs="*", help='mutants to try (wildcards: "exactnet.verifier*"); default all')
    parser.add_argument("--retry", action="store_true",
                        help="try again every stored survivor, unreached and untried mutant (after adding tests)")
    args = parser.parse_args()
    if not args.report_only:
        names = args.names
        if args.retry:  # the stored survivors and unreached mutants, narrowed by the names given
            # mutmut maps each test to the functions it reaches once, when it first sees the test's
            # name: an edited test keeps its old map. Forgetting the map traces every test again.
            (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
            retried = ("survived", "no tests", "not checked")
            names = [name for name, status in verdicts(stored_results()) if status in retried
                     and (not args.names or any(fnmatch.fnmatchcase(name, n) for n in args.names))]
        env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}  # derandomized, 10 examples: the same verdict twice
        if names or not args.retry:  # a retry with nothing left to try runs nothing (not everything)
            subprocess.run(["mutmut", "run", "--max-children", str(args.jobs), *names], cwd=ROOT, check=False,
                           env=env)
    lines = stored_results()
    counts = tally(lines)
    if not counts:
        sys.exit("mutmut reported no mutants: run without --report-only first")
    text = RESULTS.read_text() if RESULTS.exists() else ""
    marker = "<!-- table -->"
    head, _, tail = text.partition(marker)
    tail = tail.partition(marker)[2]
    block = f"{marker}\n{table(counts)}\n{marker}"
    RESULTS.write_text(f"{head}{block}{tail}" if text else f"{block}\n")
    SURVIVORS.write_text("# Surviving and unreached mutants of the trusted core\n\nWritten by `python -m "
                         "benchmarks.mutation`; kinds as in mutation.md.\n\n" + survivors(lines) + "\n")


if __name__ == "__main__":
    main()
