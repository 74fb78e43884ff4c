"""Compares every bundled calendar with the `holidays` package, year by year.

For each calendar `clause calendar --list` reports, and each year of its span,
the dates `clause calendar CODE --year Y --format json` gives are compared with
the dates of `holidays.country_holidays(COUNTRY, subdiv=REGION, years=Y)` in the
package's default (public) category. Names are not compared (the wording
differs), only which dates are holidays. A difference fails the run unless
exceptions.txt lists it with its legal reason; an exception that no longer
matches a difference fails the run too, so the list stays true.

Usage: python compare.py PATH/TO/clause
"""

import concurrent.futures
import json
import pathlib
import subprocess
import sys
import warnings

import holidays

HERE = pathlib.Path(__file__).resolve().parent


def exceptions():
    """{(code, date, side): reason}; side '+' = only Clause has it, '-' = only the package."""
    out = {}
    for n, line in enumerate((HERE / "exceptions.txt").read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 4 or parts[2] not in "+-":
            sys.exit(f"exceptions.txt:{n}: want `CODE YYYY-MM-DD +|- reason`: {line}")
        out[(parts[0], parts[1], parts[2])] = parts[3]
    return out


def clause(binary, *args):
    r = subprocess.run([binary, "calendar", *args], capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"clause calendar {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


def main():
    binary = sys.argv[1]
    known = exceptions()
    used = set()
    failures = []
    calendars = clause(binary, "--list", "--format", "json")
    jobs = [
        (cal["code"], year)
        for cal in calendars
        for year in range(cal["first_year"], cal["last_year"] + 1)
    ]
    # One process a calendar-year: run them side by side.
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = pool.map(
            lambda job: clause(binary, job[0], "--year", str(job[1]), "--format", "json"), jobs
        )
        ours_by_job = dict(zip(jobs, answers))
    pairs = 0
    for code, year in jobs:
        country, _, region = code.partition("-")
        ours = {h["date"] for h in ours_by_job[(code, year)]}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = holidays.country_holidays(country, subdiv=region or None, years=year)
        theirs = {d.isoformat() for d in ref if d.year == year}
        pairs += 1
        for side, dates in (("+", ours - theirs), ("-", theirs - ours)):
            for d in sorted(dates):
                key = (code, d, side)
                if key in known:
                    used.add(key)
                    continue
                name = ref.get(d) if side == "-" else "only in Clause"
                failures.append(f"{code} {d} {side} ({name})")
    stale = sorted(set(known) - used)
    print(
        f"calendars: {len(calendars)} calendars, {pairs} calendar-years compared with "
        f"holidays {holidays.__version__}; {len(used)} listed exceptions"
    )
    for f in failures:
        print(f"difference not in exceptions.txt: {f}")
    for s in stale:
        print(f"exception that no longer matches a difference: {' '.join(s)}")
    if failures or stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
