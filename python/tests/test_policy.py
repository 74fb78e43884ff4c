"""The Python package against the command line on the bundled policies' cases."""

from __future__ import annotations

import copy
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import clause
from conftest import POLICIES, case_claims, cases_files


@pytest.mark.parametrize("cases_file", cases_files(), ids=lambda p: p.name)
def test_every_case_gets_the_clis_verdict(cli: Path, cases_file: Path, tmp_path: Path) -> None:
    policy_path = POLICIES / json.loads(cases_file.read_text())["policy"]
    cases = case_claims(cases_file)
    assert cases, "a cases file with no case tests nothing"
    lines = tmp_path / "claims.jsonl"
    lines.write_text("".join(json.dumps(c) + "\n" for _, c, _ in cases))
    run = subprocess.run(
        [cli, "eval", policy_path, "--claims", lines],
        capture_output=True, text=True, timeout=120, check=True,
    )
    expected = [json.loads(l) for l in run.stdout.splitlines()]
    assert len(expected) == len(cases)

    policy = clause.Policy.load(str(policy_path))
    # The CLI's records end with the policy's version; the package's records
    # leave it out (`policy.version` gives it once).
    for record in expected:
        assert record.pop("policy_version") == policy.version
    many = policy.evaluate_many([c for _, c, _ in cases])
    assert many == expected
    texts = policy.evaluate_many(lines.read_text())
    assert texts == expected
    for (name, claim, expect), record in zip(cases, expected):
        if "errors" in record:
            with pytest.raises(clause.ClaimError) as err:
                policy.evaluate(claim)
            assert err.value.problems == record["errors"], name
            assert "error" in expect, f"{name}: the CLI rejects a claim the case expects a verdict for"
        else:
            assert policy.evaluate(claim) == record, name
            assert json.loads(policy.evaluate_json(json.dumps(claim))) == record, name
            assert policy.evaluate(json.dumps(claim).encode()) == record, name
            if "decision" in expect:
                assert record["decision"] == expect["decision"], name


def test_explain_and_render_match_the_cli(cli: Path, tmp_path: Path) -> None:
    path = POLICIES / "imicro.policy"
    policy = clause.Policy.load(path)
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    claim_file = tmp_path / "claim.json"
    claim_file.write_text(json.dumps(claim))
    for fmt in ["text", "markdown", "json"]:
        run = subprocess.run([cli, "explain", path, "--claim", claim_file, "--format", fmt],
                             capture_output=True, text=True, timeout=60, check=True)
        assert policy.explain(claim, format=fmt).strip() == run.stdout.strip()
    for fmt in ["markdown", "html"]:
        run = subprocess.run([cli, "render", path, "--format", fmt],
                             capture_output=True, text=True, timeout=60, check=True)
        assert policy.render(fmt).strip() == run.stdout.strip()
    with pytest.raises(ValueError, match="expected"):
        policy.render("pdf")


def test_policy_properties() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    assert policy.name == "imicro"
    assert policy.version.startswith("sha256:") and len(policy.version) == len("sha256:") + 16
    copy = clause.Policy.from_text(policy.text, name="copy.policy")
    assert copy.version == policy.version
    assert copy.file_name == "copy.policy"
    assert "imicro" in repr(policy)


def test_bad_claims_raise_with_the_json_path() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    claim["items"][0]["price"]["amount"] = "a lot"
    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate(claim)
    assert [p["path"] for p in err.value.problems] == ["items[0].price.amount"]
    assert "items[0].price.amount" in str(err.value)

    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate({"claim_id": "C-1"})
    assert "order" in [p["path"] for p in err.value.problems]

    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate("{not json")
    assert err.value.problems[0]["message"]

    # A Python value with no JSON form is named by its path, not a TypeError.
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    claim["order"]["channel"] = object()
    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate(claim)
    assert err.value.problems[0]["path"] == "order.channel"


def test_decimals_and_dates_are_exact() -> None:
    import datetime

    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    expected = policy.evaluate(claim)
    claim["items"][0]["price"]["amount"] = Decimal("199.00")
    claim["order"]["invoiced_at"] = datetime.date(2023, 9, 1)
    assert policy.evaluate(claim) == expected
    claim["items"][0]["price"]["amount"] = Decimal("NaN")
    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate(claim)
    assert err.value.problems[0]["path"] == "items[0].price.amount"


def test_mappings_and_numpy_values_are_claims() -> None:
    # A pandas row's values are numpy scalars; numpy 2's float64 repr is
    # "np.float64(199.0)", and int64 and bool_ are not int and bool: all
    # three were claim errors. A Mapping other than dict was refused too.
    import collections

    np = pytest.importorskip("numpy")
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    expected = policy.evaluate(claim)
    assert policy.evaluate(collections.UserDict(claim)) == expected
    with pytest.raises(TypeError, match="not one claim"):
        policy.evaluate_many(collections.UserDict(claim))
    item = claim["items"][0]
    item["quantity"] = np.int64(item["quantity"])
    item["price"]["amount"] = np.float64(float(item["price"]["amount"]))
    item["condition"]["opened"] = np.bool_(item["condition"]["opened"])
    assert policy.evaluate(claim) == expected
    item["quantity"] = np.array([1])
    with pytest.raises(clause.ClaimError, match="ndarray is not a JSON value"):
        policy.evaluate(claim)
    item["quantity"] = np.float32("nan")
    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate(claim)
    assert err.value.problems == [{"path": "items[0].quantity", "message": "nan is not a finite number"}]


def test_an_int_subclass_is_read_by_its_value_not_its_str() -> None:
    """An int subclass whose `__str__` said 7 was read as 7 (a refund seven
    times the price); it is read by its value, as a float subclass is."""
    import enum

    class Shown(int):
        def __str__(self) -> str:
            return "7"

        __repr__ = __str__

    class Count(enum.IntEnum):
        ONE = 1

    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    expected = policy.evaluate(claim)
    assert claim["items"][0]["quantity"] == 1
    for one in (Shown(1), Count.ONE):
        claim["items"][0]["quantity"] = one
        assert policy.evaluate(claim) == expected


def test_errors_pickle_whole() -> None:
    import pickle

    with pytest.raises(clause.ClaimError) as claim_err:
        clause.Policy.load(POLICIES / "imicro.policy").evaluate({"order": 1})
    claim_err.value.add_note("claim 17 of the nightly replay")
    again = pickle.loads(pickle.dumps(claim_err.value))
    assert type(again) is clause.ClaimError
    assert again.__notes__ == ["claim 17 of the nightly replay"]
    assert (str(again), again.problems) == (str(claim_err.value), claim_err.value.problems)
    with pytest.raises(clause.PolicyError) as policy_err:
        clause.Policy.from_text("policy p {")
    again = pickle.loads(pickle.dumps(policy_err.value))
    assert type(again) is clause.PolicyError
    assert (str(again), again.findings, again.summary) == (
        str(policy_err.value),
        policy_err.value.findings,
        policy_err.value.summary,
    )


def test_evaluate_many_keeps_order_and_names_bad_lines() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    good = json.dumps(case_claims(POLICIES / "imicro.cases.json")[0][1])
    records = policy.evaluate_many(f"{good}\nnot json\n\n{good}\n", threads=2)
    assert [r.get("line") for r in records] == [None, 2, 3, None]
    assert records[0] == records[3] == policy.evaluate(good)
    assert records[2]["errors"] == [{"path": "", "message": "the line is empty"}]
    assert policy.evaluate_many([]) == []
    # As `clause eval --claims`: no text is no line, a lone line end one empty line.
    for text in ("", b""):
        assert policy.evaluate_many(text) == []
    for text in ("\n", b"\n", "\r\n", " \n"):
        lone = policy.evaluate_many(text)
        assert [r["line"] for r in lone] == [1], repr(text)
        assert lone[0]["errors"] == [{"path": "", "message": "the line is empty"}]
    assert [r["line"] for r in policy.evaluate_many("\n\n")] == [1, 2]
    assert policy.evaluate_many(iter([good])) == [records[0]]
    # One claim passed alone (a dict iterates its keys): a TypeError.
    with pytest.raises(TypeError, match="not one claim"):
        policy.evaluate_many(json.loads(good))


def test_claims_nested_past_what_the_library_reads_are_errors_at_their_path() -> None:
    """127 levels of dicts and lists, the claim's own dict counted, are what the
    library's JSON reading takes; each claim deeper is an error at the path of
    the first dict or list too deep (before, 128 and 129 levels got an empty
    path and "the claim is not valid JSON: recursion limit exceeded")."""
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    base = case_claims(POLICIES / "imicro.cases.json")[0][1]

    def nested(levels: int, leaf: object) -> object:
        # The claim and `order` are two levels: `levels - 2` more under order.extra.
        deep: object = leaf
        for i in range(levels - 2):
            deep = {"a": deep} if i % 2 else [deep]
        return deep

    def problems(levels: int, leaf: object) -> list[dict[str, str]]:
        claim = copy.deepcopy(base)
        claim["order"]["extra"] = nested(levels, leaf)
        try:
            policy.evaluate(claim)
        except clause.ClaimError as err:
            return list(err.problems)
        return []

    for leaf in (1, {}, []):
        at_limit = problems(127 if isinstance(leaf, int) else 126, leaf)
        assert all("deeper" not in p["message"] and "recursion" not in p["message"] for p in at_limit), at_limit
        # The same claim as JSON text: the library takes it too.
        claim = copy.deepcopy(base)
        claim["order"]["extra"] = nested(127 if isinstance(leaf, int) else 126, leaf)
        try:
            policy.evaluate(json.dumps(claim))
        except clause.ClaimError as err:
            assert all("recursion" not in p["message"] for p in err.problems), err.problems
    for levels in (128, 129, 130, 200):
        found = problems(levels, 1)
        assert len(found) == 1, (levels, found)
        assert found[0]["message"].startswith("the claim nests dicts and lists deeper than 127 levels here"), found
        # The path of the 128th level: order.extra, then one step per level below it.
        steps = found[0]["path"].removeprefix("order.extra")
        assert steps.count("[0]") + steps.count(".a") == 125, (levels, found[0]["path"])
    # As JSON text, 128 levels are refused by the JSON reading itself, in the
    # same words (it said "recursion limit exceeded").
    claim = copy.deepcopy(base)
    claim["order"]["extra"] = nested(128, 1)
    with pytest.raises(clause.ClaimError, match="the claim nests lists and objects deeper than 127 levels"):
        policy.evaluate(json.dumps(claim))


def test_hostile_python_values_are_claim_errors_not_crashes() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    # Nested 20,000 deep: the conversion recursed without limit and the
    # process crashed (SIGSEGV).
    deep: object = None
    for _ in range(20_000):
        deep = {"a": deep}
    claim["order"]["extra"] = deep
    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate(claim)
    assert "deeper than 127" in err.value.problems[0]["message"]
    assert err.value.problems[0]["path"].startswith("order.extra.a.a")
    # A claim that contains itself (json.dumps says "Circular reference").
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    claim["self"] = claim
    with pytest.raises(clause.ClaimError):
        policy.evaluate(claim)

    # A hook that changes the dict being written: a PanicException before.
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    expected = policy.evaluate(claim)

    class Day:
        def isoformat(self) -> str:
            claim["order"]["added"] = 1
            return "2023-09-01"

    claim["order"]["invoiced_at"] = Day()
    policy.evaluate(claim)
    del claim["order"]["added"]
    claim["order"]["invoiced_at"] = "2023-09-01"
    assert policy.evaluate(claim) == expected

    # Asking for more threads than a machine can make: a ValueError at once.
    with pytest.raises(ValueError, match="at most 1024"):
        policy.evaluate_many([claim], threads=2**40)


def test_an_interrupt_in_a_hook_is_raised_not_reported_as_the_claims_fault() -> None:
    # Ctrl-C while a claim's value printed itself became "a Python Day is not
    # a JSON value", a ClaimError: the interrupt was lost.
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]

    class Interrupted:
        def isoformat(self) -> str:
            raise KeyboardInterrupt

    class Exits:
        def __getattr__(self, name: str) -> object:
            raise SystemExit(3)

    class Refuses:
        def isoformat(self) -> str:
            raise ValueError("no day yet")

    for value, raised in [(Interrupted(), KeyboardInterrupt), (Exits(), SystemExit)]:
        claim["order"]["invoiced_at"] = value
        with pytest.raises(raised):
            policy.evaluate(claim)
        with pytest.raises(raised):
            policy.evaluate_many([claim, claim])
    # An ordinary exception from a hook is the claim's error, at its path.
    claim["order"]["invoiced_at"] = Refuses()
    with pytest.raises(clause.ClaimError) as err:
        policy.evaluate(claim)
    assert err.value.problems == [{"path": "order.invoiced_at", "message": "ValueError: no day yet"}]
    [record] = policy.evaluate_many([claim])
    assert record["errors"] == err.value.problems


def test_numpy_datetimes_are_days_or_say_what_they_lack() -> None:
    np = pytest.importorskip("numpy")
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    claim = case_claims(POLICIES / "imicro.cases.json")[0][1]
    expected = policy.evaluate(claim)
    day = claim["order"]["invoiced_at"]
    claim["order"]["invoiced_at"] = np.datetime64(day, "D")
    assert policy.evaluate(claim) == expected
    for value, says in [
        (np.datetime64(day + "T10:00", "s"), "has no UTC offset"),
        (np.datetime64("NaT"), "NaT is not a date"),
        (np.datetime64(day, "W"), "is not one day"),
        (np.datetime64(day[:7], "M"), "is not one day"),
    ]:
        claim["order"]["invoiced_at"] = value
        with pytest.raises(clause.ClaimError, match=says) as err:
            policy.evaluate(claim)
        assert err.value.problems[0]["path"] == "order.invoiced_at"


def test_a_line_that_is_not_utf8_gets_its_record_and_the_others_their_verdicts() -> None:
    policy = clause.Policy.load(POLICIES / "imicro.policy")
    good = json.dumps(case_claims(POLICIES / "imicro.cases.json")[0][1]).encode()
    records = policy.evaluate_many(good + b"\n\xff\n" + good + b"\n")
    assert len(records) == 3
    assert records[0] == records[2] == policy.evaluate(good)
    assert records[1]["line"] == 2
    assert records[1]["errors"] == [{"path": "", "message": "the line is not UTF-8 text"}]


def test_policy_errors_carry_the_diagnostics(cli: Path, tmp_path: Path) -> None:
    broken = (POLICIES / "imicro.policy").read_text().replace("currency USD", "currency XYZ")
    path = tmp_path / "broken.policy"
    path.write_text(broken)
    with pytest.raises(clause.PolicyError) as err:
        clause.Policy.load(path)
    assert err.value.findings[0]["code"] == "clause::unknown-currency"
    assert err.value.findings[0]["labels"][0]["line"] >= 1
    assert "does not check" in err.value.summary
    run = subprocess.run([cli, "check", path], capture_output=True, text=True, timeout=60,
                         env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    assert run.returncode != 0
    assert "clause::unknown-currency" in str(err.value)
    assert "XYZ" in str(err.value)

    with pytest.raises(clause.PolicyError) as err:
        clause.Policy.from_text("policy p \"P\" {")
    assert err.value.findings[0]["code"] == "clause::syntax"

    with pytest.raises(clause.PolicyError) as err:
        clause.Policy.load(tmp_path / "missing.policy")
    assert err.value.findings == []
    assert "missing.policy" in str(err.value)

    if Path("/dev/zero").exists():
        # A file that never ends is refused at 64 MiB, not read until memory runs out.
        with pytest.raises(clause.PolicyError, match="larger than 64 MiB"):
            clause.Policy.load("/dev/zero")


def test_check_format_and_diff() -> None:
    text = (POLICIES / "imicro.policy").read_text()
    assert [f for f in clause.check(text, name="imicro.policy") if f["severity"] == "error"] == []
    findings = clause.check(text.replace("currency USD", "currency XYZ"))
    assert findings[0]["code"] == "clause::unknown-currency"
    assert clause.format(text) == clause.format(clause.format(text))
    with pytest.raises(clause.PolicyError):
        clause.format("policy p {")
    old = clause.Policy.from_text(text)
    new = clause.Policy.from_text(text.replace("30 days", "45 days"))
    assert any(c["what"] == "window" for c in clause.diff(old, new))
    assert clause.diff(old, old) == []
