"""Resident memory over many evaluations through the Python package.

    python python/bench/memory.py [EVALUATIONS]   (default 1,000,000)

Evaluates the imicro cases' claims round-robin (a verdict as a dict, a verdict
as JSON text, a claim that raises ClaimError: three evaluations a round) and
prints the resident set size after a warm-up and at each tenth of the run.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import clause  # noqa: E402
from conftest import POLICIES, case_claims  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claims = [c for _, c, e in case_claims(POLICIES / "imicro.cases.json") if "error" not in e]
    texts = [json.dumps(c) for c in claims]
    bad = dict(claims[0], items=[])
    done = 0

    def one_round() -> None:
        nonlocal done
        policy.evaluate(claims[done % len(claims)])
        policy.evaluate_json(texts[done % len(texts)])
        try:
            policy.evaluate(bad)
        except clause.ClaimError:
            pass
        done += 3

    while done < 6000:
        one_round()
    print(f"after warm-up ({done} evaluations): {rss_mib():.1f} MiB", flush=True)
    start, started = done, time.monotonic()
    step = total // 10
    while done - start < total:
        one_round()
        if (done - start) % step < 3:
            print(f"{done - start:>9} evaluations: {rss_mib():.1f} MiB "
                  f"({time.monotonic() - started:.0f} s)", flush=True)
    print(f"done: {done - start} evaluations, {rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
