"""The verifier package is the whole trusted base: it reaches only the core modules."""

from __future__ import annotations

import ast
from pathlib import Path

import exactnet
import exactnet.verifier

PACKAGE = Path(exactnet.verifier.__file__).parent
ROOT = PACKAGE.parent.parent
CORE = {"exactnet.data.dataset", "exactnet.data.integer_rows", "exactnet.network", "exactnet.files",
        "exactnet.rational", "exactnet.errors", "exactnet.progress"}


def _imports(module: str) -> set[str]:
    """The exactnet modules ``module`` imports (``from exactnet.x import y`` may name a module y)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exactnet"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (ROOT / (sub.replace(".", "/") + ".py")).exists()
                found.add(sub if is_module else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("exactnet")}
    return found


def _reach(start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += _imports(name)
    return seen


def test_the_verifier_package_reaches_only_itself_and_the_core_modules():
    modules = {f"exactnet.verifier.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    reached = _reach(modules | {"exactnet.verifier"})
    outside = {m for m in reached if not m.startswith("exactnet.verifier")}
    assert outside <= CORE, outside - CORE
    assert not any(m.startswith("exactnet.construct") for m in reached)
    assert "exactnet.data.dataset" in outside  # the rule is checked over real imports


def test_the_package_docstring_names_every_module():
    for p in PACKAGE.glob("*.py"):
        if p.stem != "__init__":
            assert f"``{p.stem}``" in exactnet.verifier.__doc__, p.stem


def test_importing_the_verifier_package_keeps_the_public_functions():
    import exactnet.verifier.sweep  # noqa: F401  (modules of the same idea as the functions)

    assert callable(exactnet.verify) and callable(exactnet.output_range)
    assert exactnet.verify.__module__ == "exactnet" and exactnet.output_range.__name__ == "output_range"
