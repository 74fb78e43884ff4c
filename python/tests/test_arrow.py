"""Arrow record batches in, Arrow record batches out, and Parquet through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import clause
from conftest import POLICIES, case_claims


def claims() -> list[dict]:
    return [c for _, c, _ in case_claims(POLICIES / "imicro.cases.json")]


def test_nested_columns_and_json_column_give_the_verdicts() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    rows = claims()
    expected = policy.evaluate_many(rows)
    nested = pa.RecordBatch.from_struct_array(pa.array(rows))
    out = policy.evaluate_arrow(nested)
    assert isinstance(out, pa.RecordBatch)
    assert out.num_rows == len(rows)
    table = out.to_pylist()
    for row, record in zip(table, expected):
        if "errors" in record:
            assert json.loads(row["errors"]) == record["errors"]
            assert row["decision"] is None
        else:
            assert json.loads(row["verdict"]) == record
            assert row["decision"] == record["decision"]
            assert row["claim_id"] == record["claim_id"]
            refund = record["refund"]
            assert row["refund_amount"] == (refund and refund["amount"])
        assert row["policy_version"] == policy.version
    as_json = pa.RecordBatch.from_pydict({"claim": [json.dumps(r) for r in rows] + [None]})
    out2 = policy.evaluate_arrow(as_json, json_column="claim").to_pylist()
    assert [r["verdict"] for r in out2[:-1]] == [r["verdict"] for r in table]
    assert out2[-1]["errors"] and out2[-1]["line"] == len(rows) + 1
    with pytest.raises(ValueError, match="no column `nope`"):
        policy.evaluate_arrow(as_json, json_column="nope")


def test_sliced_batches_give_the_rows_verdicts() -> None:
    # A slice of a batch whose columns nest a struct in a struct (the claim's
    # order and items do) raised PanicException inside the Arrow import.
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    rows = claims()
    assert len(rows) >= 4
    table = pa.Table.from_pylist(rows).combine_chunks()
    whole = policy.evaluate_arrow(table.to_batches()[0]).to_pylist()

    def verdicts(out: list[dict]) -> list[str | None]:
        return [r["verdict"] or r["errors"] for r in out]

    batch = table.to_batches()[0]
    for offset, length in [(1, 2), (len(rows) - 1, 1), (2, 0), (0, len(rows))]:
        out = policy.evaluate_arrow(batch.slice(offset, length)).to_pylist()
        assert verdicts(out) == verdicts(whole[offset : offset + length]), (offset, length)
        assert [r["line"] for r in out] == list(range(1, length + 1))
    chunks = table.to_batches(max_chunksize=3)
    assert len(chunks) > 1
    joined = [r for chunk in chunks for r in policy.evaluate_arrow(chunk).to_pylist()]
    assert verdicts(joined) == verdicts(whole)
    with pytest.raises(ValueError, match="struct of columns"):
        policy.evaluate_arrow(pa.array([1, 2]))
    with pytest.raises(TypeError, match="__arrow_c_array__"):
        policy.evaluate_arrow({"order": {}})


def test_children_with_offsets_of_their_own_keep_their_rows() -> None:
    # A struct column built from arrays that are slices themselves: the
    # order's `total` starts 3 rows into its buffers. Cutting the batch must
    # cut `total` from its own offset, not from the start of its buffers
    # (which held rows that are not a decimal).
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    table = pa.Table.from_pylist(claims()).combine_chunks()
    whole = [r["verdict"] or r["errors"] for r in policy.evaluate_arrow(table.to_batches()[0]).to_pylist()]
    order = table.column("order").chunk(0)
    names = [f.name for f in order.type]
    fields = [order.field(i) for i in range(len(names))]
    at = names.index("total")
    junk = pa.array([{"amount": "abc", "currency": "EUR"}] * 3, type=fields[at].type)
    fields[at] = pa.concat_arrays([junk, fields[at]]).slice(3)
    columns = [
        pa.StructArray.from_arrays(fields, names=names) if n == "order" else table.column(n).chunk(0)
        for n in table.column_names
    ]
    batch = pa.RecordBatch.from_arrays(columns, names=table.column_names)
    for offset, length in [(0, len(whole)), (1, 5), (2, 3), (len(whole) - 2, 2)]:
        out = policy.evaluate_arrow(batch.slice(offset, length)).to_pylist()
        assert [r["verdict"] or r["errors"] for r in out] == whole[offset : offset + length], (offset, length)


def test_fixed_size_lists_unions_and_used_capsules() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    rows = [r for r in claims() if len(r.get("items", [])) == 1]
    assert len(rows) >= 4
    table = pa.Table.from_pylist(rows).combine_chunks()
    items = table.column("items").chunk(0)
    fixed = pa.FixedSizeListArray.from_arrays(items.flatten(), 1)
    as_list = table.to_batches()[0]
    as_fixed = pa.RecordBatch.from_arrays(
        [fixed if n == "items" else table.column(n).chunk(0) for n in table.column_names],
        names=table.column_names,
    )
    for offset, length in [(0, len(rows)), (1, 2), (len(rows) - 1, 1)]:
        want = policy.evaluate_arrow(as_list.slice(offset, length)).to_pylist()
        got = policy.evaluate_arrow(as_fixed.slice(offset, length)).to_pylist()
        assert [r["verdict"] for r in got] == [r["verdict"] for r in want], (offset, length)
    union = pa.UnionArray.from_sparse(pa.array([0, 1], type=pa.int8()), [pa.array(["a", "b"]), pa.array([1, 2])])
    with pytest.raises(ValueError, match="cannot be of Arrow type"):
        policy.evaluate_arrow(pa.RecordBatch.from_arrays([union], names=["claim_id"]))

    class Twice:
        """Gives the same capsules each time: the second time the array is gone."""

        def __init__(self, batch: pa.RecordBatch) -> None:
            self.capsules = batch.__arrow_c_array__()

        def __arrow_c_array__(self, requested_schema: object = None) -> object:
            return self.capsules

    twice = Twice(as_list)
    assert policy.evaluate_arrow(twice).num_rows == len(rows)
    with pytest.raises(ValueError, match="already taken"):
        policy.evaluate_arrow(twice)


def test_cli_reads_and_writes_parquet(cli: Path, tmp_path: Path) -> None:
    rows = claims()
    history = tmp_path / "history.parquet"
    pq.write_table(pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(rows))]),
                   history, row_group_size=7)
    jsonl = tmp_path / "claims.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    policy = POLICIES / "imicro.policy"
    from_jsonl = subprocess.run([cli, "eval", policy, "--claims", jsonl],
                                capture_output=True, text=True, timeout=120, check=True).stdout
    from_parquet = subprocess.run([cli, "eval", policy, "--claims", history],
                                  capture_output=True, text=True, timeout=120, check=True).stdout
    assert from_parquet == from_jsonl
    out = tmp_path / "verdicts.parquet"
    subprocess.run([cli, "eval", policy, "--claims", history, "--out", out],
                   capture_output=True, timeout=120, check=True)
    written = pq.read_table(out).to_pylist()
    # Every row names the version that judged it, as the JSON records end with.
    assert [r["policy_version"] for r in written] == [
        json.loads(line)["policy_version"] for line in from_jsonl.splitlines()]
    assert [json.loads(r["verdict"]) if r["verdict"] else {"errors": json.loads(r["errors"])}
            for r in written] == [
        {"errors": rec["errors"]} if "errors" in rec
        else {k: v for k, v in rec.items() if k != "policy_version"}
        for rec in map(json.loads, from_jsonl.splitlines())]
    new = tmp_path / "new.policy"
    new.write_text(policy.read_text().replace("30 days", "45 days"))
    diffs = [subprocess.run([cli, "diff", policy, new, "--claims", c, "--format", "json"],
                            capture_output=True, text=True, timeout=120, check=True).stdout
             for c in (jsonl, history)]
    assert json.loads(diffs[0])["replay"] == json.loads(diffs[1])["replay"]
    assert json.loads(diffs[0])["replay"]["claims"] == len(rows)

    as_json = tmp_path / "json.parquet"
    pq.write_table(pa.table({"claim": [json.dumps(r) for r in rows]}), as_json)
    by_column = subprocess.run([cli, "eval", policy, "--claims", as_json, "--json-column", "claim"],
                               capture_output=True, text=True, timeout=120, check=True).stdout
    assert by_column == from_jsonl
    wrong = subprocess.run([cli, "eval", policy, "--claims", as_json, "--json-column", "nope"],
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 1 and "no column `nope`" in wrong.stderr
