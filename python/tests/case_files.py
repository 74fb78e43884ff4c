"""The claims of a cases file (base + each case's `set`), as `clause test` reads
them: for the tests (through conftest) and for scripts such as benches/pgo.sh,
which import this file without pytest."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path


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
