#!/usr/bin/env python3
"""`kit cal ... --json`: parse each document and compare its fields with CPython's calendar.

usage: cal_json.py --kit PATH     (exit 0 when every check holds, 1 otherwise)
"""
import argparse
import calendar
import json
import os
import pathlib
import subprocess
import sys

FIXTURES = pathlib.Path(__file__).parent / "cal"
failures = []


def kit_json(kit, *args):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    proc = subprocess.run([kit, "cal", *map(str, args)], capture_output=True, env=env,
                          cwd=FIXTURES, check=False)
    if proc.returncode != 0 or proc.stderr:
        failures.append(f"kit cal {args}: exit {proc.returncode}, stderr {proc.stderr!r}")
        return None
    return json.loads(proc.stdout)


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    kit = str(pathlib.Path(parser.parse_args().kit).resolve())

    for fw, name in ((0, "mon"), (6, "sun"), (3, "thursday")):
        c = calendar.Calendar(fw)
        doc = kit_json(kit, "--json", "-f", name, 2024, 2)
        if doc:
            check("month weeks", doc["weeks"], c.monthdayscalendar(2024, 2))
            check("month name", doc["month_name"], "February")
            check("first weekday", doc["first_weekday"], calendar.day_name[fw])
            check("weekdays", doc["weekdays"], [calendar.day_abbr[d] for d in c.iterweekdays()])
        doc = kit_json(kit, "--json", "-f", name, 1752)
        if doc:
            check("year", doc["year"], 1752)
            check("year months", [m["weeks"] for m in doc["months"]],
                  [c.monthdayscalendar(1752, m) for m in range(1, 13)])
    docs = kit_json(kit, "--json", "-n", 3, 2026, 11)
    if docs:
        check("count months", [(d["year"], d["month"]) for d in docs],
              [(2026, 11), (2026, 12), (2027, 1)])

    doc = kit_json(kit, "find", "--json", "fri", 2026, 7)
    if doc:
        check("find", doc["dates"], [f"2026-07-{d:02}" for d in (3, 10, 17, 24, 31)])
    doc = kit_json(kit, "workdays", "--json", 2026, 7)
    if doc:
        check("workdays", doc, {"year": 2026, "month": 7, "workdays": 23})
    doc = kit_json(kit, "weekday", "--json", "2026-07-04")
    if doc:
        check("weekday", doc, {"date": "2026-07-04", "weekday": "Saturday",
                               "number": calendar.weekday(2026, 7, 4)})
    doc = kit_json(kit, "leap", "--json", 2000, 2100)
    if doc:
        check("leap range", doc["leap_years"], calendar.leapdays(2000, 2100))
    doc = kit_json(kit, "leap", "--json", 2100)
    if doc:
        check("leap year", doc["leap"], calendar.isleap(2100))

    doc = kit_json(kit, "report", "2026", "4", "--events", "april.json", "--json")
    if doc:
        events = json.loads((FIXTURES / "april.json").read_text())
        check("report total", doc["total_events"], sum(len(v) for v in events.values()))
        check("report working days", doc["working_days"], 22)
        check("report busy weeks", [w["week"] for w in doc["weeks"] if w["busy"]], [2, 3, 5])
        days = {d["day"]: d["events"] for w in doc["weeks"] for d in w["days"]}
        check("report days", days, {int(k): v for k, v in events.items()})

    for f in failures:
        print("FAIL", f)
    print(f"cal --json: {'ok' if not failures else f'{len(failures)} failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
