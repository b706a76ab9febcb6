"""The library's import graph keeps its shape, and its committed drawing is the current one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _render():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "docs" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render()


def test_no_circle_and_no_import_of_a_higher_part():
    text, problems = _render()
    assert problems == []
    assert "`exactnet.verifier.certificate` |" in text  # the walk found the modules


def test_the_committed_drawing_is_current():
    text, _ = _render()
    assert (ROOT / "docs" / "import_graph.md").read_text() == text, "run python docs/import_graph.py"
