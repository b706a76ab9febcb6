"""Shared benchmark plumbing: run one row in a fresh process (honest peak memory), write tables."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: child processes import benchmarks from it
RESULTS = Path(__file__).parent / "results"


def run_row(module: str, args: Sequence[str]) -> dict:
    """Run ``python -m module --row args...`` in a child process and return its JSON line.

    The child reports its own peak resident memory (``ru_maxrss``), which includes GMP and
    FLINT allocations that tracemalloc would miss."""
    proc = subprocess.run([sys.executable, "-m", module, "--row", *args], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    """Peak resident memory of this process in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def markdown(title: str, header: Sequence[str], rows: Sequence[Sequence[object]], notes: str = "") -> str:
    """A markdown table with a title, the machine it ran on, and notes."""
    lines = [f"# {title}", "", f"Machine: {platform.machine()}, Python {platform.python_version()}.", "",
             table(header, rows).rstrip("\n")]
    if notes:
        lines += ["", notes]
    return "\n".join(lines) + "\n"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A bare markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]) + "\n"


def save(name: str, text: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(text)
    return path
