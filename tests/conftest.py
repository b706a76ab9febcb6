"""Shared fixtures: small data files in a temporary folder; hypothesis profiles.

Profiles: "ci" (chosen when the environment variable CI is set) is derandomized, so a CI run
is reproducible; "dev" (the default elsewhere) draws new examples each run; "deep" runs 20
times the examples of the property tests that take the profile's count, for a long local hunt:
``HYPOTHESIS_PROFILE=deep python -m pytest``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from exactnet.data.synthetic import integer_data

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.register_profile("mutation", derandomize=True, deadline=None, max_examples=10)  # each mutant
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The tests exercise this working tree: a stale installed copy of the library or the CLI
    would let an edit go untested, so the run stops with the command that fixes it."""
    import exactnet_cli

    import exactnet

    for module, folder in ((exactnet, "exactnet"), (exactnet_cli, "cli")):
        where = Path(module.__file__).resolve().parent
        # mutmut's copy (mutants/) mutates exactnet only; the CLI stays the tree's own.
        if where != ROOT / folder and not (ROOT.name == "mutants" and where == ROOT.parent / folder):
            pytest.exit(f"{module.__name__} is imported from {where}, not from this tree's {folder}/: "
                        f'run pip install -e ".[test]" here', returncode=4)


@pytest.fixture
def seed_data():
    """The seed's example shape: 9 points in [0, 100)^5 with integer outputs."""
    return integer_data(9, 5, 0)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("x1,x2,y\n1,2,3\n0.5,-7/3,1\n4,4,-2.25\n10,0,7\n")
    return path
