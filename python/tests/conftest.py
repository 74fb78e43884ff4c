"""Shared fixtures: the repository's paths and the `clause` binary built by cargo."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from case_files import case_claims  # noqa: F401 (the tests import it from here)

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"


def clause_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "clause"


@pytest.fixture(scope="session")
def cli() -> Path:
    binary = clause_binary()
    if not binary.exists():
        subprocess.run(["cargo", "build", "--quiet", "--bin", "clause"], cwd=ROOT, check=True, timeout=1800)
    return binary


def cases_files() -> list[Path]:
    return sorted(POLICIES.glob("*.cases.json"))
