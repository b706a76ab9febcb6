"""Score a verifier's results on a benchmark folder against the exact answers.

Results are in the VNN-COMP result format, one file per instance in RESULTS_DIR, named after
the instance's property file (``<name>.txt``, ``<name>.counterexample``, ``<name>.result`` or
``<name>``): the first line is sat, unsat, timeout, unknown or error ("violated" and "holds"
are read as sat and unsat); after sat, the counterexample as ``(X_i value)`` and ``(Y_j value)``
pairs (``X[i]`` is read too). A sat answer is checked on its X alone: every X_i inside the box
and the property violated when the exact network is evaluated at exactly those numbers (the
reported Y are not trusted). ``tolerance`` > 0 accepts an X that misses the box or the unsafe
region by at most that much (float verifiers print points on the boundary); such answers are
counted as correct and listed with the exact shortfall.

Points follow VNN-COMP: +10 per correct answer, -150 per wrong one, 0 otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from exactnet.errors import ArgumentError
from exactnet.instances.folder import Expected, read_benchmark
from exactnet.network import Network
from exactnet.rational import NotExact, to_rational

CORRECT, WRONG, UNKNOWN = "correct", "wrong", "unknown"
POINTS = {CORRECT: 10, WRONG: -150, UNKNOWN: 0}
VERDICTS = {"sat": "sat", "violated": "sat", "unsat": "unsat", "holds": "unsat",
            "timeout": "timeout", "unknown": "unknown", "error": "error"}
TOLERANCE = "1e-6"  # default slack for float counterexamples (0: exact)
SUFFIXES = (".txt", ".counterexample", ".result", "")
_PAIR = re.compile(r"\(\s*([XY])(?:_(\d+)|\[(\d+)\])\s+([^\s()]+)\s*\)")


@dataclass(frozen=True)
class Scored:
    name: str
    expected: str
    reported: str  # sat, unsat, timeout, unknown, error, or "missing"
    outcome: str  # correct, wrong, unknown
    detail: str
    within_tolerance: bool = False  # correct, with a counterexample that misses by at most the tolerance


@dataclass(frozen=True)
class Score:
    rows: tuple[Scored, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def points(self) -> int:
        return sum(POINTS[r.outcome] for r in self.rows)

    @property
    def wrong(self) -> list[Scored]:
        return [r for r in self.rows if r.outcome == WRONG]


def score(benchmark: str | Path, results: str | Path, tolerance: Any = TOLERANCE) -> Score:
    """Score every instance of ``benchmark`` by its result file in ``results`` (missing: unknown).
    Raises ``ArgumentError`` for a folder that is not a benchmark, a missing results folder, a
    negative tolerance, or a malformed result file (naming the file and the line)."""
    net, expected = read_benchmark(benchmark)
    folder = Path(results)
    if not folder.is_dir():
        raise ArgumentError(f"{folder}: no such results folder")
    try:
        tol = to_rational(tolerance)
    except NotExact as e:
        raise ArgumentError(f"`tolerance`: {e}") from None
    if tol < 0:
        raise ArgumentError(f"`tolerance` must be >= 0, not {tolerance}")
    return Score(tuple(_one(net, e, folder, tol) for e in expected))


def _result_file(folder: Path, name: str) -> Path | None:
    """The instance's result file: a regular file directly inside ``folder`` (not a link, never
    outside it), or None."""
    for suffix in SUFFIXES:
        path = folder / (name + suffix)
        if path.is_file() and not path.is_symlink() and path.parent.resolve() == folder.resolve():
            return path
    return None


def _one(net: Network, e: Expected, folder: Path, tol: Any) -> Scored:
    path = _result_file(folder, e.name)
    if path is None:
        return Scored(e.name, e.verdict, "missing", UNKNOWN, "no result file")
    try:
        verdict, x = parse_result(path, net.input_dim)
    except ArgumentError as bad:  # one malformed file is that instance's error, never the end of the run
        return Scored(e.name, e.verdict, "error", UNKNOWN, f"malformed result file: {bad}")
    if verdict not in ("sat", "unsat"):
        return Scored(e.name, e.verdict, verdict, UNKNOWN, "")
    if verdict == "unsat":
        outcome = CORRECT if e.verdict == "unsat" else WRONG
        return Scored(e.name, e.verdict, verdict, outcome, "" if outcome == CORRECT else "the instance is sat")
    outside = e.property.outside(x)
    short = -e.property.margin(net(x))  # > 0: the exact outputs miss the unsafe region by this much
    if outside == 0 and short <= 0:
        if e.verdict == "unsat":  # a true counterexample to an unsat answer: exactnet's answer is wrong
            return Scored(e.name, e.verdict, verdict, WRONG, "the counterexample holds exactly: expected answer wrong")
        return Scored(e.name, e.verdict, verdict, CORRECT, "counterexample exact")
    miss = max(outside, short)
    misses = [f"X outside the box by {_short(outside)}"] if outside > 0 else []
    misses += [f"exact outputs miss the unsafe region by {_short(short)}"] if short > 0 else []
    what = " and ".join(misses)
    if e.verdict == "sat" and miss <= tol:
        return Scored(e.name, e.verdict, verdict, CORRECT, f"counterexample within tolerance: {what}", True)
    if e.verdict == "unsat":
        return Scored(e.name, e.verdict, verdict, WRONG, f"the instance is unsat; {what}")
    return Scored(e.name, e.verdict, verdict, WRONG, f"invalid counterexample: {what}")


def parse_result(path: Path, inputs: int) -> tuple[str, tuple[Any, ...]]:
    """The verdict of a result file and, for sat, the exact point X (empty otherwise). Raises
    ``ArgumentError``."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise ArgumentError(f"{path}: cannot read ({e})") from None
    lines = text.strip().splitlines()
    first = lines[0].strip().lower() if lines else ""
    if first not in VERDICTS:
        raise ArgumentError(f"{path}: line 1 is {first[:40]!r}, expected sat, unsat, timeout, unknown or error")
    verdict = VERDICTS[first]
    if verdict != "sat":
        return verdict, ()
    body = "\n".join(lines[1:])
    xs: dict[int, Any] = {}
    for m in _PAIR.finditer(body):
        name, index, value = m.group(1), int(m.group(2) or m.group(3)), m.group(4)
        try:
            q = to_rational(value)
        except NotExact:
            raise ArgumentError(f"{path}: {name}_{index} = {value[:40]!r} is not a finite number") from None
        if name == "X":
            xs[index] = q
    missing = [i for i in range(inputs) if i not in xs]
    if missing or any(i >= inputs for i in xs):
        what = f"no value for X_{missing[0]}" if missing else f"X_{max(xs)} beyond the {inputs} inputs"
        raise ArgumentError(f"{path}: sat without a complete counterexample ({what})")
    return verdict, tuple(xs[i] for i in range(inputs))


def _short(q: Any) -> str:
    """A positive rational in 3 significant digits, at any magnitude (1e305 ** 2 overflows float)."""
    n, d = int(q.numerator), int(q.denominator)
    e = n.bit_length() - d.bit_length()
    if -1000 < e < 1000:
        return f"{n / d:.3g}"
    return f"about 2^{e}"


def write_result(path: str | Path, verdict: str, x: Sequence[Any] = (), y: Sequence[Any] = ()) -> None:
    """A result file in the VNN-COMP format (for verifiers driven from Python, e.g. Marabou);
    floats are written as their exact decimal expansion, so the point read back is the same."""
    lines = [verdict]
    if verdict == "sat":
        pairs = [f"(X_{i} {_exact(v)})" for i, v in enumerate(x)] + [f"(Y_{j} {_exact(v)})" for j, v in enumerate(y)]
        lines.append("(" + "\n ".join(pairs) + ")")
    Path(path).write_text("\n".join(lines) + "\n")


def _exact(v: Any) -> str:
    return str(Decimal(v)) if isinstance(v, float) else str(v)
