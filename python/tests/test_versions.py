"""PolicySet: a folder whose files are dated versions of one policy, against the command line."""

from __future__ import annotations

import datetime
import errno
import json
import re
import subprocess
from pathlib import Path

import pytest

import clause
from conftest import POLICIES, ROOT

TZ = '  timezone "America/Los_Angeles"\n'


@pytest.fixture()
def versions(tmp_path: Path) -> Path:
    """imicro in two versions: 30 days from 2023-01-01, 45 days from 2023-12-01."""
    text = (POLICIES / "imicro.policy").read_text()
    assert TZ in text
    v1 = text.replace(TZ, TZ + "  effective from 2023-01-01\n")
    v2 = text.replace(TZ, TZ + "  effective from 2023-12-01\n").replace(
        "30 days from order.invoiced_at", "45 days from order.invoiced_at")
    assert v2 != v1
    (tmp_path / "imicro-2023.policy").write_text(v1)
    (tmp_path / "imicro-2024.policy").write_text(v2)
    return tmp_path


def placed(day: str) -> dict:
    claim = json.loads((ROOT / "tests/data/imicro-claim.json").read_text())
    claim["order"]["placed_at"] = day
    return claim


def test_the_version_in_force_on_a_day(versions: Path) -> None:
    policies = clause.PolicySet.load_dir(versions)
    assert policies.names == ["imicro"]
    assert policies.failures == []
    files = [Path(p.file_name).name for p in policies.versions("imicro")]
    assert files == ["imicro-2023.policy", "imicro-2024.policy"]
    assert Path(policies.get("imicro").file_name).name == "imicro-2024.policy"
    for day, file in [(datetime.date(2023, 11, 30), "imicro-2023.policy"),
                      ("2023-12-01", "imicro-2024.policy")]:
        assert Path(policies.in_force("imicro", day).file_name).name == file
    assert policies.in_force("imicro", "2022-12-31") is None
    assert policies.in_force("unknown", "2024-01-01") is None
    assert policies.versions("unknown") == [] and policies.get("unknown") is None
    for bad in ["31/12/2023", "2023-02-30", "2023-06-01 ", " 2023-06-01"]:
        with pytest.raises(ValueError):
            policies.in_force("imicro", bad)
    # A datetime's day depends on a time zone: a type error, as for a number.
    for bad in [datetime.datetime(2024, 1, 1), 20240101, None]:
        with pytest.raises(TypeError):
            policies.in_force("imicro", bad)

    class Day(datetime.date):
        pass

    assert Path(policies.in_force("imicro", Day(2023, 12, 1)).file_name).name == "imicro-2024.policy"
    # A name no file declares is a KeyError, not a claim error per claim.
    for call in [lambda: policies.select("imicro2", placed("2023-09-01")),
                 lambda: policies.evaluate("imicro2", placed("2023-09-01")),
                 lambda: policies.evaluate_many("imicro2", [placed("2023-09-01")])]:
        with pytest.raises(KeyError, match="imicro2"):
            call()


def test_each_claim_is_judged_as_the_cli_judges_it(cli: Path, versions: Path, tmp_path: Path) -> None:
    policies = clause.PolicySet.load_dir(versions)
    claims = [placed("2023-09-01"), placed("2023-12-01T07:59:00Z"), placed("2023-12-01T08:00:00Z")]
    for claim, day in zip(claims, ["2023-01-01", "2023-01-01", "2023-12-01"]):
        claim_file = tmp_path / "claim.json"
        claim_file.write_text(json.dumps(claim))
        run = subprocess.run([cli, "eval", versions, "--claim", claim_file],
                             capture_output=True, text=True, timeout=120, check=True)
        verdict = policies.evaluate("imicro", claim)
        assert verdict == json.loads(run.stdout)
        assert verdict["policy_effective_from"] == day
        chosen = policies.select("imicro", json.dumps(claim))
        assert verdict["policy_version"] == chosen.version

    # Before the first version: the field that decides is named.
    with pytest.raises(clause.ClaimError) as err:
        policies.evaluate("imicro", placed("2022-12-31"))
    assert err.value.problems[0]["path"] == "order.placed_at"

    # Many: one record per line, as `clause eval DIR --claims` writes them,
    # an early claim, an empty line and one that is not JSON included.
    lines = "".join(json.dumps(c) + "\n" for c in claims + [placed("2022-01-01")]) + "\nnot json\n"
    claims_file = tmp_path / "claims.jsonl"
    claims_file.write_text(lines)
    run = subprocess.run([cli, "eval", versions, "--claims", claims_file],
                         capture_output=True, text=True, timeout=120)
    expected = [json.loads(l) for l in run.stdout.splitlines()]
    assert len(expected) == 6
    assert policies.evaluate_many("imicro", lines) == expected
    assert policies.evaluate_many("imicro", lines.encode(), threads=1) == expected
    assert policies.evaluate_many("imicro", claims) == expected[:3]
    assert [r.get("policy_effective_from") for r in expected[:4]] == [
        "2023-01-01", "2023-01-01", "2023-12-01", None]
    assert expected[3]["errors"][0]["path"] == "order.placed_at"


def test_a_folder_of_the_bundled_policies(versions: Path) -> None:
    bundled = clause.PolicySet.load_dir(POLICIES)
    assert len(bundled.names) == 5 and bundled.failures == []
    # An undated policy is in force on any day.
    assert bundled.in_force("imicro", "1999-01-01").version == clause.Policy.load(POLICIES / "imicro.policy").version
    assert "policy_file" not in bundled.evaluate("imicro", placed("2023-09-01"))
    # A folder that cannot be read: the error names it, as Python's own do.
    missing = versions / "missing"
    with pytest.raises(FileNotFoundError) as err:
        clause.PolicySet.load_dir(missing)
    assert err.value.filename == str(missing)
    assert err.value.errno == errno.ENOENT
    assert str(err.value) == f"[Errno {errno.ENOENT}] No such file or directory: '{missing}'"
    with pytest.raises(NotADirectoryError, match=re.escape(str(versions / "imicro-2023.policy"))):
        clause.PolicySet.load_dir(versions / "imicro-2023.policy")
    # A policy file that cannot be read: a PolicyError naming it.
    with pytest.raises(clause.PolicyError, match=re.escape(str(missing / "p.policy"))):
        clause.Policy.load(missing / "p.policy")
    # A file that does not check is left out, and said why.
    (versions / "broken.policy").write_text("policy broken {")
    partial = clause.PolicySet.load_dir(versions)
    assert partial.names == ["imicro"]
    assert [Path(p).name for p, _ in partial.failures] == ["broken.policy"]


def test_arrow_over_versions_gives_the_clis_parquet(cli: Path, versions: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    policies = clause.PolicySet.load_dir(versions)
    texts = [json.dumps(placed(d)) for d in ["2023-09-01", "2023-12-05", "2022-01-01"]] + [None]
    batch = pa.RecordBatch.from_pydict({"claim": pa.array(texts, pa.string())})
    out = policies.evaluate_arrow("imicro", batch, json_column="claim")
    history = tmp_path / "claims.parquet"
    pq.write_table(pa.Table.from_batches([batch]), history)
    written = tmp_path / "verdicts.parquet"
    subprocess.run([cli, "eval", versions, "--claims", history, "--json-column", "claim",
                    "--out", written], capture_output=True, timeout=120, check=True)
    assert out.to_pylist() == pq.read_table(written).to_pylist()
    rows = out.to_pylist()
    by_version = [p.version for p in policies.versions("imicro")]
    assert [r["policy_version"] for r in rows] == [by_version[0], by_version[1], None, None]
    assert rows[0]["decision"] is not None and rows[2]["decision"] is None
    with pytest.raises(KeyError):
        policies.evaluate_arrow("nope", batch, json_column="claim")
