"""Shared fixtures: the repository's paths and the `clause` binary built by cargo."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

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


def set_path(root: dict, path: str, value) -> None:
    """The cases files' `set`: dotted keys with `[n]` positions (as `clause test` reads them)."""
    steps: list[str | int] = []
    for part in path.split("."):
        key, *indexes = re.split(r"\[", part)
        steps.append(key)
        steps.extend(int(i.rstrip("]")) for i in indexes)
    cur = root
    for step, nxt in zip(steps, steps[1:]):
        if isinstance(step, int):
            cur = cur[step]
        else:
            if not isinstance(cur.get(step), (dict, list)):
                cur[step] = {}
            cur = cur[step]
    last = steps[-1]
    cur[last] = value


def case_claims(cases_file: Path) -> list[tuple[str, dict, dict]]:
    """(name, claim, expect) for every case of a cases file."""
    doc = json.loads(cases_file.read_text())
    out = []
    for case in doc["cases"]:
        claim = copy.deepcopy(doc["base"])
        for path, value in case.get("set", {}).items():
            set_path(claim, path, value)
        out.append((case["name"], claim, case.get("expect", {})))
    return out


def cases_files() -> list[Path]:
    return sorted(POLICIES.glob("*.cases.json"))
