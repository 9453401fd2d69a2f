#!/usr/bin/env python3
"""`kit cal ... --json`: parse each document and compare its fields with CPython's calendar.

usage: cal_json.py --kit PATH     (exit 0 when every check holds, 1 otherwise)
"""
import argparse
import calendar
import json
import os
import pathlib
import sys

import harness
from harness import check, check_equal, kit

FIXTURES = pathlib.Path(__file__).parent / "cal"


def kit_json(*args):
    """The document `kit cal ARGS` prints, or None (a failure recorded)."""
    r = kit("cal", *args)
    if r is None or not check("exit 0, nothing on stderr", r.code == 0 and not r.err, r):
        return None
    return json.loads(r.out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    harness.use(kit=str(pathlib.Path(parser.parse_args().kit).resolve()), cwd=FIXTURES,
                env=dict(os.environ, TZ="UTC", LC_ALL="C"))

    for fw, name in ((0, "mon"), (6, "sun"), (3, "thursday")):
        c = calendar.Calendar(fw)
        doc = kit_json("--json", "-f", name, 2024, 2)
        if doc:
            check_equal("month weeks", doc["weeks"], c.monthdayscalendar(2024, 2))
            check_equal("month name", doc["month_name"], "February")
            check_equal("first weekday", doc["first_weekday"], calendar.day_name[fw])
            check_equal("weekdays", doc["weekdays"], [calendar.day_abbr[d] for d in c.iterweekdays()])
        doc = kit_json("--json", "-f", name, 1752)
        if doc:
            check_equal("year", doc["year"], 1752)
            check_equal("year months", [m["weeks"] for m in doc["months"]],
                        [c.monthdayscalendar(1752, m) for m in range(1, 13)])
    docs = kit_json("--json", "-n", 3, 2026, 11)
    if docs:
        check_equal("count months", [(d["year"], d["month"]) for d in docs],
                    [(2026, 11), (2026, 12), (2027, 1)])

    doc = kit_json("find", "--json", "fri", 2026, 7)
    if doc:
        check_equal("find", doc["dates"], [f"2026-07-{d:02}" for d in (3, 10, 17, 24, 31)])
    doc = kit_json("workdays", "--json", 2026, 7)
    if doc:
        check_equal("workdays", doc, {"year": 2026, "month": 7, "workdays": 23})
    doc = kit_json("weekday", "--json", "2026-07-04")
    if doc:
        check_equal("weekday", doc, {"date": "2026-07-04", "weekday": "Saturday",
                                     "number": calendar.weekday(2026, 7, 4)})
    doc = kit_json("leap", "--json", 2000, 2100)
    if doc:
        check_equal("leap range", doc["leap_years"], calendar.leapdays(2000, 2100))
    doc = kit_json("leap", "--json", 2100)
    if doc:
        check_equal("leap year", doc["leap"], calendar.isleap(2100))

    doc = kit_json("report", "2026", "4", "--events", "april.json", "--json")
    if doc:
        events = json.loads((FIXTURES / "april.json").read_text())
        check_equal("report total", doc["total_events"], sum(len(v) for v in events.values()))
        check_equal("report working days", doc["working_days"], 22)
        check_equal("report busy weeks", [w["week"] for w in doc["weeks"] if w["busy"]], [2, 3, 5])
        days = {d["day"]: d["events"] for w in doc["weeks"] for d in w["days"]}
        check_equal("report days", days, {int(k): v for k, v in events.items()})

    return harness.report("cal --json")


if __name__ == "__main__":
    sys.exit(main())
