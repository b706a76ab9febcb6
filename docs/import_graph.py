"""Draw the library's import graph and check its shape: ``python docs/import_graph.py``.

Reads every module of ``exactnet/`` (imports found with ``ast``, nothing is imported), writes
``docs/import_graph.md`` (a Mermaid drawing of the parts and the arrows between them, and each
module's imports) and exits 1 when a module imports one of a higher part of ``LAYERS`` or when
the modules' imports form a circle.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The parts, lowest first: a module may import its own part and those below it.
LAYERS = ["errors", "progress", "rational", "files", "network", "data", "capacity", "verifier", "construct", "export",
          "instances", "engines", "analysis", "verified", "exactnet"]


def modules() -> dict[str, Path]:
    found = {}
    for p in sorted((ROOT / "exactnet").rglob("*.py")):
        parts = p.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = p
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The exactnet modules ``path`` imports (``from exactnet.x import y`` counts module y when it is one)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "exactnet":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "exactnet"}
    return out


def part(module: str) -> str:
    return module.split(".")[1] if "." in module else "exactnet"


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def render() -> tuple[str, list[str]]:
    """The drawing's text and the problems found (imports of a higher part, circles)."""
    known = modules()
    graph = {m: {i for i in imports(p, known) if i in known and i != m} for m, p in known.items()}
    graph = {m: {i for i in deps if not (m != "exactnet" and i == "exactnet")} for m, deps in graph.items()}
    upward = [(m, i) for m, deps in graph.items() for i in deps if LAYERS.index(part(i)) > LAYERS.index(part(m))]
    loops = circles(graph)
    arrows: dict[tuple[str, str], int] = defaultdict(int)
    for m, deps in graph.items():
        for i in deps:
            if part(m) != part(i):
                arrows[part(m), part(i)] += 1
    lines = ["# The import graph of `exactnet/`", "",
             "Made by `python docs/import_graph.py` from the source (nothing imported). Parts, lowest first: "
             + ", ".join(f"`{p}`" for p in LAYERS) + ". A module imports only its own part and parts below it; "
             "an arrow A --> B (n) means n imports of a module of B by modules of A.", "",
             f"{len(known)} modules, {sum(map(len, graph.values()))} import arrows, "
             f"{len(arrows)} between parts; circles: {len(loops)}; imports of a higher part: {len(upward)}.", "",
             "```mermaid", "graph TD"]
    lines += [f"    {a} -->|{n}| {b}" for (a, b), n in sorted(arrows.items())]
    lines += ["```", "", "| module | imports |", "|---|---|"]
    lines += [f"| `{m}` | {', '.join(f'`{i}`' for i in sorted(deps)) or '-'} |" for m, deps in sorted(graph.items())]
    problems = [f"{m} imports {i}, a higher part" for m, i in upward] + ["circle: " + " -> ".join(c) for c in loops]
    return "\n".join(lines) + "\n", problems


def main() -> int:
    text, problems = render()
    (ROOT / "docs" / "import_graph.md").write_text(text)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
