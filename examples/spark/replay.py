"""Replays a Parquet claim history under two versions of a policy on Spark.

    python examples/spark/replay.py OLD.policy NEW.policy HISTORY.parquet OUT_DIR \
        [--json-column claim] [--master local[2]]

Each executor evaluates its partitions' Arrow batches under both versions with
the `clause` Python package (`mapInArrow`, `Policy.evaluate_arrow`: the rows go
from Spark's Arrow batches to the Rust library without Python objects per
claim). Spark then compares the two outcomes of each claim as `clause diff`
does (a verdict changes when its decision, deciding rules, refund or fee payers
change) and sums them. It writes

- OUT_DIR/changed/: the claims whose verdict changes, as Parquet
  (claim_id, from, to, rules, old and new refund, currency);
- OUT_DIR/summary.json: the replay's totals in the shape of the `replay`
  object of `clause diff --format json` (claims, changed, invalid_old,
  invalid_new, transitions, money, payer_flips), without example claim ids.
"""

from __future__ import annotations

import argparse
import json
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# What mapInArrow yields for each claim: both versions' gist (null when the
# claim is not valid under that version) and the fee payers that flip.
GIST = ["decision", "rules", "refund_amount", "refund_currency", "fees"]
OUT_SCHEMA = (
    "claim_id string, "
    + ", ".join(f"old_{c} string, new_{c} string" for c in GIST)
    + ", flips array<string>"
)

_POLICIES: dict[str, object] = {}


def _policy(text: str, name: str):
    """One checked policy per executor process and text (tasks reuse it)."""
    import clause

    key = name + "\0" + text
    if key not in _POLICIES:
        _POLICIES[key] = clause.Policy.from_text(text, name=name)
    return _POLICIES[key]


def _flips(old_fees: str, new_fees: str) -> list[str]:
    """Fees present under both versions whose payer differs: `fee|from|to`
    (for each old fee, the first new fee of that name, as `clause diff` does)."""
    new_pairs = [f.split("=", 1) for f in new_fees.split(";") if f]
    out = []
    for fee, payer in (f.split("=", 1) for f in old_fees.split(";") if f):
        match = next((p for f, p in new_pairs if f == fee), None)
        if match is not None and match != payer:
            out.append(f"{fee}|{payer}|{match}")
    return out


def plain(d: Decimal) -> str:
    """A decimal without trailing zeros, never in exponent form."""
    return format(d.normalize(), "f")


def evaluate_both(old_text: str, new_text: str, json_column: str | None):
    def run(batches):
        old = _policy(old_text, "old.policy")
        new = _policy(new_text, "new.policy")
        for batch in batches:
            o = old.evaluate_arrow(batch, json_column=json_column, threads=1)
            n = new.evaluate_arrow(batch, json_column=json_column, threads=1)
            columns = {"claim_id": pc.coalesce(o.column("claim_id"), n.column("claim_id"))}
            for c in GIST:
                columns[f"old_{c}"] = o.column(c)
                columns[f"new_{c}"] = n.column(c)
            # Payer flips: only where both are verdicts and the fees differ.
            both = pc.and_(pc.is_valid(o.column("fees")), pc.is_valid(n.column("fees")))
            differ = pc.fill_null(pc.and_(both, pc.not_equal(o.column("fees"), n.column("fees"))), False)
            flips: list[list[str]] = [[] for _ in range(batch.num_rows)]
            for i in pc.indices_nonzero(differ).to_pylist():
                flips[i] = _flips(o.column("fees")[i].as_py(), n.column("fees")[i].as_py())
            columns["flips"] = pa.array(flips, type=pa.list_(pa.string()))
            yield pa.RecordBatch.from_pydict(columns)

    return run


def replay(spark: SparkSession, old_text: str, new_text: str, history: str, out_dir: Path,
           json_column: str | None = None) -> dict:
    claims = spark.read.parquet(history)
    pairs = claims.mapInArrow(evaluate_both(old_text, new_text, json_column), OUT_SCHEMA)
    money = "decimal(38,10)"
    same = F.lit(True)
    for c in GIST:
        old, new = F.col(f"old_{c}"), F.col(f"new_{c}")
        if c == "refund_amount":
            old, new = old.cast(money), new.cast(money)
        same = same & old.eqNullSafe(new)
    word = lambda d: F.coalesce(F.col(d), F.lit("invalid claim"))  # noqa: E731
    rule = lambda v: F.when(F.col(f"{v}_decision").isNull(), F.lit("-")).otherwise(F.col(f"{v}_rules"))  # noqa: E731
    pairs = (pairs.withColumn("changed", ~same)
             .withColumn("from", word("old_decision")).withColumn("to", word("new_decision"))
             .withColumn("rule_pair", F.concat(rule("old"), F.lit(" -> "), rule("new")))
             .withColumn("old_refund", F.col("old_refund_amount").cast(money))
             .withColumn("new_refund", F.col("new_refund_amount").cast(money))
             .cache())

    totals = pairs.agg(
        F.count(F.lit(1)).alias("claims"),
        F.sum(F.col("changed").cast("long")).alias("changed"),
        F.sum(F.col("old_decision").isNull().cast("long")).alias("invalid_old"),
        F.sum(F.col("new_decision").isNull().cast("long")).alias("invalid_new"),
    ).first()

    changed = pairs.where("changed")
    transitions: dict[tuple[str, str], dict] = {}
    for r in changed.groupBy("from", "to", "rule_pair").count().collect():
        t = transitions.setdefault((r["from"], r["to"]), {"from": r["from"], "to": r["to"], "count": 0, "rules": {}})
        t["count"] += r["count"]
        t["rules"][r["rule_pair"]] = r["count"]
    transitions = [dict(t, rules=dict(sorted(t["rules"].items()))) for t in transitions.values()]
    transitions.sort(key=lambda t: (-t["count"], t["from"], t["to"]))

    old_totals = {r[0]: r[1] for r in pairs.where("old_refund_currency is not null")
                  .groupBy("old_refund_currency").agg(F.sum("old_refund")).collect()}
    new_totals = {r[0]: r[1] for r in pairs.where("new_refund_currency is not null")
                  .groupBy("new_refund_currency").agg(F.sum("new_refund")).collect()}
    both_valid = changed.where("old_decision is not null and new_decision is not null")
    moved = (both_valid.withColumn("currency", F.coalesce("old_refund_currency", "new_refund_currency"))
             .where("currency is not null")
             .withColumn("o", F.coalesce("old_refund", F.lit(0).cast(money)))
             .withColumn("n", F.coalesce("new_refund", F.lit(0).cast(money)))
             .groupBy("currency")
             .agg(F.sum((F.col("n") > F.col("o")).cast("long")).alias("more"),
                  F.sum((F.col("n") < F.col("o")).cast("long")).alias("less")))
    moved = {r["currency"]: (r["more"], r["less"]) for r in moved.collect()}
    money_rows = []
    for cur in sorted(set(old_totals) | set(new_totals) | set(moved)):
        o = old_totals.get(cur) or Decimal(0)
        n = new_totals.get(cur) or Decimal(0)
        more, less = moved.get(cur, (0, 0))
        money_rows.append({"currency": cur, "old_total": plain(o), "new_total": plain(n),
                           "change": plain(n - o),
                           "claims_refunded_more": more, "claims_refunded_less": less})

    flips = []
    for r in (both_valid.select(F.explode("flips").alias("flip")).groupBy("flip").count().collect()):
        fee, frm, to = r["flip"].split("|")
        flips.append({"fee": fee, "from": frm, "to": to, "count": r["count"]})
    flips.sort(key=lambda f: (-f["count"], f["fee"], f["from"], f["to"]))

    (changed.select("claim_id", "from", "to", F.col("rule_pair").alias("rules"), "old_refund",
                    "new_refund", F.coalesce("old_refund_currency", "new_refund_currency").alias("currency"))
     .write.mode("overwrite").parquet(str(out_dir / "changed")))
    summary = {"claims": totals["claims"], "changed": totals["changed"] or 0,
               "invalid_old": totals["invalid_old"] or 0, "invalid_new": totals["invalid_new"] or 0,
               "transitions": transitions, "money": money_rows, "payer_flips": flips}
    pairs.unpersist()
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("history")
    ap.add_argument("out_dir")
    ap.add_argument("--json-column")
    ap.add_argument("--master", default="local[*]")
    args = ap.parse_args()
    spark = (SparkSession.builder.master(args.master).appName("clause-replay")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "8192")
             .config("spark.ui.enabled", "false")
             # Few shuffle partitions: the aggregates are a handful of rows.
             .config("spark.sql.shuffle.partitions", "8")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    summary = replay(spark, Path(args.old).read_text(), Path(args.new).read_text(), args.history, out,
                     args.json_column)
    elapsed = time.monotonic() - started
    print(json.dumps({"claims": summary["claims"], "changed": summary["changed"],
                      "seconds": round(elapsed, 1)}))
    spark.stop()


if __name__ == "__main__":
    main()
