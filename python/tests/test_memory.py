"""No memory growth over many evaluations.

CI runs 20,000 evaluations of each kind (CLAUSE_MEMORY_EVALUATIONS sets the
count); `python/bench/memory.py` runs a million and docs/python.md shows its
output.
"""

from __future__ import annotations

import json
import os
import time

import clause
from conftest import POLICIES, case_claims

COUNT = int(os.environ.get("CLAUSE_MEMORY_EVALUATIONS", "20000"))
# Bounded in time as well as count.
DEADLINE_S = 600


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_no_memory_growth() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    cases = case_claims(POLICIES / "imicro.cases.json")
    claims = [c for _, c, expect in cases if "error" not in expect]
    texts = [json.dumps(c) for c in claims]
    bad = dict(claims[0], items=[])

    def one_round(i: int) -> None:
        policy.evaluate(claims[i % len(claims)])
        policy.evaluate_json(texts[i % len(texts)])
        try:
            policy.evaluate(bad)
        except clause.ClaimError:
            pass

    for i in range(2000):  # warm-up: allocator pools and caches settle
        one_round(i)
    before = rss_bytes()
    started = time.monotonic()
    done = 0
    while done < COUNT and time.monotonic() - started < DEADLINE_S:
        one_round(done)
        done += 1
    after = rss_bytes()
    assert done > 0
    growth = after - before
    # A leak of even 100 bytes per round would show as 2 MB here.
    assert growth < 4 * 1024 * 1024, f"RSS grew {growth} bytes over {done} rounds"
