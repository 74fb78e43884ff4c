"""Checks examples/spark/replay.py against `clause diff` on a generated history.

    python examples/spark/check.py [--count 20000] [--master local[2]]

Generates a claim history (../shared/bench/gen_claims.py), writes it as Parquet
with nested columns, replays it under benches/imicro-bench.policy and a new
version (a 45-day window instead of 30, free labels up to 20 lb instead of 30)
with `clause diff --format json --claims history.parquet` and with the Spark
job in local mode, and fails unless the totals agree: claims, changed
verdicts, invalid claims, transitions with their rules, refund money per
currency, fee payers that flip. Prints the timings. Bounded: the Spark job is
given `--timeout` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
# The team's shared folder sits beside the repository (or beside its parent).
GEN = next((p / "shared" / "bench" / "gen_claims.py" for p in ROOT.parents
            if (p / "shared" / "bench" / "gen_claims.py").exists()), ROOT.parent / "shared" / "bench" / "gen_claims.py")
OLD = ROOT / "benches" / "imicro-bench.policy"


def text_types(t: pa.DataType) -> pa.DataType:
    """The type with every all-null (null-typed) field made a string field."""
    if pa.types.is_null(t):
        return pa.string()
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, text_types(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(text_types(t.value_type))
    return t


def write_history(count: int, path: Path) -> None:
    lines = subprocess.run([sys.executable, GEN, "--count", str(count), "--seed", "7"],
                           capture_output=True, text=True, check=True, timeout=600).stdout
    rows = pa.array([json.loads(l) for l in lines.splitlines()])
    rows = rows.cast(text_types(rows.type))
    pq.write_table(pa.Table.from_batches([pa.RecordBatch.from_struct_array(rows)]), path,
                   row_group_size=50_000)


def comparable(replay: dict) -> dict:
    """The totals both sides give (examples are left out), money as numbers."""
    return {
        "claims": replay["claims"], "changed": replay["changed"],
        "invalid_old": replay["invalid_old"], "invalid_new": replay["invalid_new"],
        "transitions": sorted((t["from"], t["to"], t["count"], tuple(sorted(t["rules"].items())))
                              for t in replay["transitions"]),
        "money": sorted((m["currency"], Decimal(m["old_total"]), Decimal(m["new_total"]),
                         Decimal(m["change"]), m["claims_refunded_more"], m["claims_refunded_less"])
                        for m in replay["money"]),
        "payer_flips": sorted((f["fee"], f["from"], f["to"], f["count"]) for f in replay["payer_flips"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--clause", default=str(ROOT / "target" / "debug" / "clause"))
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        history = tmp / "history.parquet"
        write_history(args.count, history)
        new = tmp / "new.policy"
        new.write_text(OLD.read_text()
                       .replace("window standard_window = 30 days", "window standard_window = 45 days")
                       .replace("item.weight <= 30 lb", "item.weight <= 20 lb"))
        started = time.monotonic()
        cli = subprocess.run([args.clause, "diff", OLD, new, "--claims", history, "--format", "json",
                              "--examples", "0"], capture_output=True, text=True, timeout=600)
        cli_s = time.monotonic() - started
        if cli.returncode != 0:
            print(cli.stderr, file=sys.stderr)
            return 1
        expected = json.loads(cli.stdout)["replay"]
        started = time.monotonic()
        spark = subprocess.run([sys.executable, Path(__file__).with_name("replay.py"), OLD, new, history,
                                tmp / "out", "--master", args.master],
                               capture_output=True, text=True, timeout=args.timeout,
                               env=dict(os.environ, PYSPARK_PYTHON=sys.executable))
        spark_s = time.monotonic() - started
        if spark.returncode != 0:
            print(spark.stderr[-5000:], file=sys.stderr)
            return 1
        got = json.loads((tmp / "out" / "summary.json").read_text())
        inner_s = json.loads(spark.stdout.strip().splitlines()[-1])["seconds"]
        changed_rows = pq.read_table(tmp / "out" / "changed").num_rows
        print(f"claims {expected['claims']}, changed {expected['changed']} ({changed_rows} rows written), "
              f"money {[(m['currency'], m['old_total'], m['new_total']) for m in expected['money']]}, "
              f"payer flips {sum(f['count'] for f in expected['payer_flips'])}")
        print(f"clause diff ({args.clause}): {cli_s:.1f} s; Spark {args.master}: {spark_s:.1f} s "
              f"({inner_s} s in the job, the rest is starting the JVM)")
        if comparable(expected) != comparable(got):
            print("MISMATCH\nclause diff: " + json.dumps(expected, indent=1, default=str)
                  + "\nspark: " + json.dumps(got, indent=1), file=sys.stderr)
            return 1
        if expected["changed"] == 0 or not expected["payer_flips"]:
            print("the two versions change nothing on this history: the check would test nothing",
                  file=sys.stderr)
            return 1
        print("same totals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
