#!/usr/bin/env bash
# Growth of each command with the size of its input: generates policies and
# claims of growing size (benches/scaling_gen.py), times check, lint, eval,
# render, diff and fmt on each with the release binary, and prints, per
# command, the time and peak memory at each size and the fitted growth
# exponent k (time ~ size^k, least squares on log-log). A command linear in its
# input shows k near 1; the analysis behind the lints is bounded overall
# (logic::TOTAL_BUDGET), so its k falls towards 0 once the budget is reached.
#
#   benches/scaling.sh [SIZES...]      (default: 250 500 1000 2000)
#
# Needs python3 and GNU time (/usr/bin/time). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(250 500 1000 2000)
bin="${CLAUSE_BIN:-target/release/clause}"
[ -x "$bin" ] || cargo build --release --quiet --bin clause
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name | command (DIR is the inputs of one size)
commands=(
  "check|check --no-lints DIR/policy.policy"
  "lint|check DIR/policy.policy"
  "eval-batch|eval DIR/policy.policy --claims DIR/claims.jsonl --out DIR/verdicts.jsonl"
  "eval-items|eval DIR/policy.policy --claim DIR/claim.json"
  "render|render DIR/policy.policy"
  "diff|diff DIR/policy.policy DIR/policy2.policy --claims DIR/claims.jsonl"
  "fmt|fmt --check DIR/policy.policy"
)

results="$work/results.tsv"
for n in "${sizes[@]}"; do
  d="$work/n$n"
  python3 benches/scaling_gen.py "$d" "$n"
  for entry in "${commands[@]}"; do
    name="${entry%%|*}"
    args="${entry#*|}"
    args="${args//DIR/$d}"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" $args >/dev/null 2>&1 || true
    read -r secs kb < <(tail -n 1 "$work/time")
    printf '%s\t%s\t%s\t%s\n' "$name" "$n" "$secs" "$kb" >> "$results"
  done
done

python3 - "$results" <<'PY'
import math, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = {}
for name, n, secs, kb in rows:
    by.setdefault(name, []).append((int(n), float(secs), int(kb)))
sizes = sorted({int(r[1]) for r in rows})
print("command      " + "".join(f"{'n=' + str(n):>18}" for n in sizes) + "   k (time)  k (memory)")
def fit(points):
    pts = [(math.log(x), math.log(max(y, 1e-3))) for x, y in points]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else float("nan")
for name, pts in by.items():
    cells = "".join(f"{f'{s:.2f}s {kb // 1024}MB':>18}" for _, s, kb in pts)
    k = fit([(n, s) for n, s, _ in pts])
    km = fit([(n, kb) for n, _, kb in pts])
    print(f"{name:<13}{cells}   {k:8.2f}  {km:10.2f}")
PY
