#!/bin/sh
# Clause against its peer engines (GoRules ZEN, regorus Rego/RVM, Cedar) on the
# iMicro bench policy (../shared/bench/POLICY.md; Clause's encoding is
# benches/imicro-bench.policy), whole process, on one generated claims file.
#
# Usage: benches/compare.sh [--all] [CLAIMS [RUNS]]
#   CLAIMS  number of claims (default 200000, or $CLAIMS)
#   RUNS    timed runs per engine; the median wall time is reported (default 3, or $RUNS)
#   --all   also time the slow peers, regorus's interpreter (rego) and Cedar (cedar)
# Environment: TMPDIR (work files go to ${TMPDIR:-/tmp}/clause-bench, the peers'
# source copy to ${TMPDIR:-/tmp}/peers-src), PEERS_TARGET (the peers' cargo target
# directory, default /tmp/peers-target; a cold build takes about 10 minutes).
#
# Steps: generate the claims (gen_claims.py, seed 2) unless the file is already
# there; build the peers and clause (release); check correctness first: clause's
# verdicts (default threads and --threads 1) and ZEN's against the Python reference
# and against each other (compare.py must print OK, else exit 1, nothing is timed);
# then time every engine RUNS times with /usr/bin/time, output to /dev/null as the
# peers' measure.sh does, and print: median wall seconds, peak RSS (the largest of
# the runs), and the ratio peer wall / clause wall for both clause thread settings
# (above 1: clause is faster).
#
# The peers are measured on one thread (their harness is sequential); clause is
# measured with its default (all cores) and with --threads 1.
#
# The shared bench folder is read-only: the peers are built from a copy in
# ${TMPDIR:-/tmp}/peers-src (cp -p keeps the mtimes, so an unchanged copy does not
# rebuild), never inside ../shared.
#
# Exit status: 0 all good; 1 verdicts disagree; 2 usage error or a failed build/run.
set -eu

usage() { sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

ALL=0
npos=0
while [ $# -gt 0 ]; do
  case $1 in
    --all) ALL=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *)
      npos=$((npos + 1))
      case $npos in
        1) CLAIMS=$1 ;;
        2) RUNS=$1 ;;
        *) echo "compare.sh: too many arguments" >&2; exit 2 ;;
      esac
      ;;
  esac
  shift
done
CLAIMS=${CLAIMS:-200000}
RUNS=${RUNS:-3}
for v in "$CLAIMS" "$RUNS"; do
  case $v in
    '' | *[!0-9]* | 0) echo "compare.sh: CLAIMS and RUNS must be positive integers (got '$v')" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
REPO=$(pwd)
SHARED=$(cd ../shared/bench 2>/dev/null && pwd) || {
  echo "compare.sh: no ../shared/bench next to the repository ($REPO)" >&2
  exit 2
}
[ -x /usr/bin/time ] || { echo "compare.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }

TMPBASE=${TMPDIR:-/tmp}
WORK=$TMPBASE/clause-bench
PEERS_SRC=$TMPBASE/peers-src
PEERS_TARGET=${PEERS_TARGET:-/tmp/peers-target}
mkdir -p "$WORK"

say() { printf '%s\n' "$*" >&2; }
die() { say "compare.sh: $*"; exit 2; }

# --- 1. the claims -----------------------------------------------------------
CLAIMS_FILE=$WORK/claims-$CLAIMS-seed2.jsonl
if [ -s "$CLAIMS_FILE" ]; then
  say "== claims: $CLAIMS_FILE (already there)"
else
  say "== claims: generating $CLAIMS claims (seed 2) into $CLAIMS_FILE"
  python3 "$SHARED/gen_claims.py" --count "$CLAIMS" --seed 2 > "$CLAIMS_FILE.part" || die "gen_claims.py failed"
  mv "$CLAIMS_FILE.part" "$CLAIMS_FILE"
fi

# --- 2. builds ---------------------------------------------------------------
say "== building the peers (copy in $PEERS_SRC, target $PEERS_TARGET; cold: ~10 min)"
rm -rf "$PEERS_SRC"
mkdir -p "$PEERS_SRC"
cp -Rp "$SHARED/peers" "$SHARED/policies" "$PEERS_SRC/"
chmod -R u+w "$PEERS_SRC"
rm -rf "$PEERS_SRC/peers/target"
(cd "$PEERS_SRC/peers" && CARGO_TARGET_DIR=$PEERS_TARGET cargo build --release --locked --quiet) ||
  die "building the peers failed"
PEERS=$PEERS_TARGET/release/peers
POLICIES=$SHARED/policies

say "== building clause (release)"
cargo build --release --quiet || die "building clause failed"
CLAUSE=$REPO/target/release/clause
POLICY=benches/imicro-bench.policy

# --- 3. correctness first ----------------------------------------------------
say "== verdicts: clause (default threads, --threads 1) and zen against the reference"
"$CLAUSE" eval "$POLICY" --claims "$CLAIMS_FILE" --out "$WORK/clause.jsonl" 2>"$WORK/clause.stderr" ||
  { cat "$WORK/clause.stderr" >&2; die "clause eval failed"; }
"$CLAUSE" eval "$POLICY" --claims "$CLAIMS_FILE" --out "$WORK/clause-t1.jsonl" --threads 1 2>"$WORK/clause-t1.stderr" ||
  { cat "$WORK/clause-t1.stderr" >&2; die "clause eval --threads 1 failed"; }
"$PEERS" --engine zen --policies "$POLICIES" --claims "$CLAIMS_FILE" --out "$WORK/zen.jsonl" 2>"$WORK/zen.stderr" ||
  { cat "$WORK/zen.stderr" >&2; die "peers --engine zen failed"; }
verdict_status=0
python3 "$SHARED/compare.py" "$CLAIMS_FILE" clause="$WORK/clause.jsonl" clause-t1="$WORK/clause-t1.jsonl" \
  zen="$WORK/zen.jsonl" > "$WORK/compare.txt" 2>&1 || verdict_status=$?
sed 's/^/   /' "$WORK/compare.txt" >&2
if [ "$verdict_status" -ne 0 ] || [ "$(tail -n 1 "$WORK/compare.txt")" != OK ]; then
  say "compare.sh: VERDICTS DISAGREE (details above, outputs in $WORK); nothing timed"
  exit 1
fi

# --- 4. timing ---------------------------------------------------------------
# time_runs KEY CMD...: RUNS runs; appends "wall_s rss_kb user_s sys_s" lines to $WORK/KEY.times
time_runs() {
  key=$1
  shift
  : > "$WORK/$key.times"
  i=1
  while [ "$i" -le "$RUNS" ]; do
    /usr/bin/time -o "$WORK/time.out" -f "%e %M %U %S" "$@" > /dev/null 2> "$WORK/$key.stderr" ||
      { cat "$WORK/$key.stderr" "$WORK/time.out" >&2; die "$key failed: $*"; }
    tail -n 1 "$WORK/time.out" >> "$WORK/$key.times"
    say "   $key run $i/$RUNS: $(tail -n 1 "$WORK/time.out" | awk '{printf "wall %s s, cpu %.2f s, peak RSS %.1f MB", $1, $3 + $4, $2 / 1024}')"
    i=$((i + 1))
  done
}
# median_of KEY FIELD-EXPR: the median over the runs of an awk expression
median_of() { awk "{print $2}" "$WORK/$1.times" | sort -n | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
median_wall() { median_of "$1" '$1'; }
median_cpu() { median_of "$1" '$3 + $4'; }
peak_rss_mb() { awk 'BEGIN {m = 0} $2 > m {m = $2} END {printf "%.1f\n", m / 1024}' "$WORK/$1.times"; }

NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
say "== timing, $RUNS run(s) each, output to /dev/null ($NCPU CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
time_runs clause "$CLAUSE" eval "$POLICY" --claims "$CLAIMS_FILE" --out /dev/null
time_runs clause-t1 "$CLAUSE" eval "$POLICY" --claims "$CLAIMS_FILE" --out /dev/null --threads 1
ENGINES="parse-only zen rego-rvm"
[ "$ALL" -eq 1 ] && ENGINES="$ENGINES rego cedar"
for e in $ENGINES; do
  time_runs "$e" "$PEERS" --engine "$e" --policies "$POLICIES" --claims "$CLAIMS_FILE" --out /dev/null
done

# --- 5. the table -------------------------------------------------------------
CW=$(median_wall clause)
C1=$(median_wall clause-t1)
echo
echo "Clause vs peers: $CLAIMS claims ($(wc -c < "$CLAIMS_FILE" | awk '{printf "%.0f", $1 / 1e6}') MB), iMicro bench policy, whole process,"
echo "median of $RUNS run(s), output to /dev/null, $NCPU CPUs; ratio = engine wall / clause wall (> 1: clause faster)"
echo "verdicts: compare.py OK (clause, clause --threads 1 and zen agree with the reference)"
echo
printf '%-22s %13s %11s %12s %18s %18s\n' engine "median wall s" "cpu s" "peak RSS MB" "vs clause ($NCPU thr)" "vs clause (1 thr)"
for key in clause clause-t1 $ENGINES; do
  case $key in
    clause) label="clause ($NCPU threads)" ;;
    clause-t1) label="clause (1 thread)" ;;
    *) label=$key ;;
  esac
  w=$(median_wall "$key")
  awk -v l="$label" -v w="$w" -v c="$(median_cpu "$key")" -v r="$(peak_rss_mb "$key")" -v cw="$CW" -v c1="$C1" \
    'BEGIN {printf "%-22s %13.2f %11.2f %12.1f %18s %18s\n", l, w, c, r,
            (cw > 0 ? sprintf("%.2fx", w / cw) : "n/a"), (c1 > 0 ? sprintf("%.2fx", w / c1) : "n/a")}'
done
echo
echo "cpu s = user + sys (median); a single-threaded run with wall well above cpu was disturbed by other load."
echo "raw times (wall_s rss_kb user_s sys_s per run) and outputs: $WORK"
