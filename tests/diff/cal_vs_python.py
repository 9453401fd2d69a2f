#!/usr/bin/env python3
"""Differential test: `kit cal` against CPython 3.11's `calendar` module.

Usage: cal_vs_python.py --kit PATH [--jobs 2] [--scale 1] GROUP
       (GROUP: months, years, random-text, html, tools or all)

Each group builds the expected output in this one python3 process with
`import calendar` (Python is never run as a subprocess), runs the kit binary
with TZ=UTC and LC_ALL=C, and compares stdout byte for byte. For valid cases
kit must also exit 0 with nothing on stderr; the few error cases (a missing
N-th weekday, add-workdays leaving years 1-9999) must exit non-zero with a
`kit cal <tool>: ` message on stderr and nothing on stdout.

Groups:
  months       every month of years 1-9999, first weekday Monday and Sunday:
               two runs of `kit cal -f mon|sun -n 119988 1 1` against
               "\\n".join(TextCalendar(fw).formatmonth(y, m, 2, 1) ...).
  years        every year 1-9999 with default options (`kit cal -n 9999 1`),
               plus plain `kit cal 2026` as `python3 -m calendar 2026` prints it
               (TextCalendar().formatyear(2026)).
  random-text  random formatyear (w, l, c, m, first weekday) and formatmonth
               (w, l, first weekday) options, some with -n, edge years
               1, 1752, 2000, 2100 and 9999 included.
  html         HTMLCalendar(fw).formatyearpage(Y, css=..., encoding='utf-8') for
               random years, css (-c NAME, -c '', --css=) and first weekdays, with -m
               (ignored for HTML); one -n 50 multi-year page;
               HTMLCalendar(fw).formatmonth tables, some concatenated with -n.
  tools        find, nth, workdays, add-workdays, weekday and leap against small
               Python references (calendar.weekday/monthrange/isleap/leapdays,
               datetime.date + timedelta for add-workdays), with and without a
               holidays file, plus the tutorial's facts as explicit cases.

Random cases come from a fixed seed, so every run checks the same cases;
--scale multiplies their number (a sanitizer build pays tens of milliseconds
to start each kit process, so the default stays at a few hundred runs a group).
On a
mismatch the script prints the kit command line and the start of a unified diff
of expected vs actual for the first few mismatches; for the big -n runs it
locates the first differing month or year and re-runs kit on that one alone.
Exit status: 0 when everything matches, 1 on any mismatch.
"""

import argparse
import calendar
import datetime
import difflib
import os
import random
import sys
import tempfile
import time

from harness import Runner

SEED = 20261125
MAX_REPORTS = 5
DIFF_LINES = 20
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
# Multiplies the number of random cases (--scale). Starting a sanitizer build
# costs tens of milliseconds a process, so the default keeps to a few hundred
# small kit runs a group and packs several months or years into many of them
# with -n.
SCALE = 1.0

DAY_SHORT = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_FULL = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
EDGE_YEARS = [1, 1752, 2000, 2100, 9999]


# --------------------------------------------------------------------------- running kit


class Case:
    """One kit invocation and what it must print.

    error=None: exit 0, empty stderr, stdout == expected.
    error=(code or None, prefix): exit code `code` (any non-zero when None),
    empty stdout, stderr starting with `prefix`.
    """

    __slots__ = ("args", "expected", "error")

    def __init__(self, args, expected=b"", error=None):
        self.args = [str(a) for a in args]
        self.expected = expected.encode() if isinstance(expected, str) else expected
        self.error = error


class CalRunner(Runner):
    """Runs Cases (Case.error says what a run must do) on the shared Runner."""

    def check_result(self, case, result):
        """Compares one finished run with its case; returns True when it matches."""
        rc, out, err = result
        problems = []
        if case.error is None:
            if rc != 0:
                problems.append(f"exit code {rc}, expected 0")
            if err:
                problems.append(f"stderr: {err[:300]!r}")
            if out != case.expected:
                problems.extend(short_diff(case.expected, out))
        else:
            code, prefix = case.error
            if (code is None and rc == 0) or (code is not None and rc != code):
                problems.append(f"exit code {rc}, expected {'non-zero' if code is None else code}")
            if not err.startswith(prefix):
                problems.append(f"stderr {err[:300]!r} does not start with {prefix!r}")
            if out:
                problems.append(f"stdout should be empty, got {out[:300]!r}")
        if problems:
            self.mismatch(self.command_line(case.args), *problems)
        return not problems

    def check_cases(self, cases):
        """Runs the cases (jobs at a time) and returns the number of mismatches."""
        futures = [self.submit(c.args) for c in cases]
        return sum(not self.check_result(c, f.result()) for c, f in zip(cases, futures))


def short_diff(expected, actual):
    """The first DIFF_LINES lines of a unified diff, cut to a window around the
    first differing line so that huge outputs stay cheap to diff."""
    exp = expected.decode("utf-8", "replace").splitlines(keepends=True)
    act = actual.decode("utf-8", "replace").splitlines(keepends=True)
    first = 0
    while first < len(exp) and first < len(act) and exp[first] == act[first]:
        first += 1
    start = max(0, first - 3)
    window_e, window_a = exp[start:first + 40], act[start:first + 40]
    lines = [f"expected {len(expected)} bytes, got {len(actual)}; "
             f"first difference at line {first + 1}"]
    diff = difflib.unified_diff(window_e, window_a, "expected (python)", "actual (kit)", n=2)
    for i, line in enumerate(diff):
        if i >= DIFF_LINES:
            lines.append("...")
            break
        lines.append(line.rstrip("\n") + ("" if line.endswith("\n") else "  (no newline)"))
    return lines


def check_joined(runner, args, future, pieces, label, single_args):
    """Checks a big `-n` run (already submitted as `future`) whose output must be
    "\\n".join(pieces).

    On a mismatch, finds the pieces that differ (by the expected offsets), and
    re-runs kit on the first of them alone to show a small diff. Returns the
    number of differing pieces (at least 1 on any mismatch)."""
    expected = [p.encode() for p in pieces]
    rc, out, err = future.result()
    joined = b"\n".join(expected)
    if rc == 0 and not err and out == joined:
        return 0
    problems = []
    if rc != 0:
        problems.append(f"exit code {rc}, expected 0")
    if err:
        problems.append(f"stderr: {err[:300]!r}")
    # A piece matches when it is found where expected counting from the start, or
    # counting from the end (so that one piece of a different length does not make
    # every later one differ).
    differing, offset, shift = [], 0, len(out) - len(joined)
    for i, piece in enumerate(expected):
        end = offset + len(piece)
        sep = b"\n" if i + 1 < len(expected) else b""
        if (out[offset:end] + out[end:end + len(sep)] != piece + sep
                and (shift == 0 or out[max(0, offset + shift):max(0, end + shift + len(sep))]
                     != piece + sep)):
            differing.append(i)
        offset = end + 1
    if shift:
        problems.append(f"expected {len(joined)} bytes, got {len(out)}")
    if differing:
        single = single_args(differing[0])
        problems.append(f"{len(differing)} of {len(expected)} {label}s differ; the first alone:")
        rc1, out1, err1 = runner.run(single)
        problems.append(f"  {runner.command_line(single)} -> exit {rc1}, stderr {err1[:200]!r}")
        problems.extend("  " + line for line in short_diff(expected[differing[0]], out1))
    runner.mismatch(runner.command_line(args), *problems)
    return max(1, len(differing))


# --------------------------------------------------------------------------- helpers


def iso(d):
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def weekday_arg(rng, wd):
    """A random spelling of weekday wd (0 = Monday) that kit accepts."""
    return rng.choice([DAY_SHORT[wd], DAY_FULL[wd], str(wd), DAY_SHORT[wd].upper(),
                       DAY_FULL[wd].capitalize()])


def scaled(n):
    return max(1, round(n * SCALE))


def month_index(y, m):
    return y * 12 + m - 1


def from_index(i):
    return i // 12, i % 12 + 1


# --------------------------------------------------------------------------- groups


def group_months(runner, rng):
    total = diffs = 0
    months = [(y, m) for y in range(1, 10000) for m in range(1, 13)]
    for name, fw in (("mon", 0), ("sun", 6)):
        args = ["cal", "-f", name, "-n", len(months), 1, 1]
        future = runner.submit(args)  # kit runs while Python formats the months
        tc = calendar.TextCalendar(fw)
        pieces = [tc.formatmonth(y, m, 2, 1) for y, m in months]
        diffs += check_joined(runner, args, future, pieces, "month",
                              lambda i, name=name: ["cal", "-f", name, *months[i]])
        total += len(months)
    print(f"months: {total} months compared, {diffs} differences")
    return diffs


def group_years(runner, rng):
    years = list(range(1, 10000))
    args = ["cal", "-n", len(years), 1]
    future = runner.submit(args)
    tc = calendar.TextCalendar()
    pieces = [tc.formatyear(y) for y in years]
    diffs = check_joined(runner, args, future, pieces, "year", lambda i: ["cal", years[i]])
    # Plain invocations, as `python3 -m calendar 2026` and `python3 -m calendar 2026 7`
    # print them: formatyear(2026, w=2, l=1, c=6, m=3) and formatmonth(2026, 7, w=2, l=1).
    plain = [Case(["cal", 2026], tc.formatyear(2026, w=2, l=1, c=6, m=3)),
             Case(["cal", 2026, 7], tc.formatmonth(2026, 7, w=2, l=1)),
             Case(["cal", "-f", "sun", "-n", 3, 2026], "\n".join(
                 calendar.TextCalendar(6).formatyear(y) for y in (2026, 2027, 2028)))]
    # No argument: this month (kit runs with TZ=UTC).
    today = datetime.datetime.now(datetime.timezone.utc).date()
    plain.append(Case(["cal"], tc.formatmonth(today.year, today.month, w=2, l=1)))
    diffs += runner.check_cases(plain)
    print(f"years: {len(years)} years compared (plus {len(plain)} plain runs), {diffs} differences")
    return diffs


def option(rng, short, long, value):
    form = rng.randrange(3)
    if form == 0:
        return [short, value]
    if form == 1:
        return [long, value]
    return [f"{long}={value}"]


def first_weekday_option(rng):
    """(-f arguments, firstweekday); a third of the cases use the default."""
    if rng.randrange(3) == 0:
        return [], 0
    fw = rng.randrange(7)
    return option(rng, "-f", "--first-weekday", weekday_arg(rng, fw)), fw


def random_year(rng):
    r = rng.random()
    if r < 0.15:
        return rng.choice(EDGE_YEARS)
    if r < 0.5:
        return rng.randint(1900, 2100)
    return rng.randint(1, 9999)


def group_random_text(runner, rng):
    cases, n_years, n_months = [], 0, 0
    # formatyear
    years = EDGE_YEARS * 2 + [random_year(rng) for _ in range(scaled(110))]
    for y in years:
        f_args, fw = first_weekday_option(rng)
        w, l = rng.randint(-3, 12), rng.randint(-1, 4)
        c, m = rng.randint(-2, 12), rng.randint(1, 14)
        args = ["cal", *f_args]
        kw = {}
        # Leave some options at their defaults (w=2 l=1 c=6 m=3).
        for key, short, long, value in (("w", "-w", "--width", w), ("l", "-l", "--lines", l),
                                        ("c", "-s", "--spacing", c), ("m", "-m", "--months", m)):
            if rng.random() < 0.8:
                args += option(rng, short, long, value)
                kw[key] = value
        tc = calendar.TextCalendar(fw)
        count = 1
        if rng.random() < 0.3:
            count = rng.randint(2, 4)
            y = min(y, 10000 - count)
            args += ["-n", count]
        n_years += count
        cases.append(Case(args + [y], "\n".join(tc.formatyear(y + i, **kw) for i in range(count))))
    # formatmonth
    months = [(y, rng.randint(1, 12)) for y in EDGE_YEARS] + [(1, 1), (9999, 12), (1752, 9)]
    months += [(random_year(rng), rng.randint(1, 12)) for _ in range(scaled(122))]
    for y, m in months:
        f_args, fw = first_weekday_option(rng)
        w, l = rng.randint(-3, 12), rng.randint(-1, 4)
        args = ["cal", *f_args]
        kw = {"w": 2, "l": 1}  # python -m calendar passes w=2, l=1 when not given
        if rng.random() < 0.85:
            args += option(rng, "-w", "--width", w)
            kw["w"] = w
        if rng.random() < 0.85:
            args += option(rng, "-l", "--lines", l)
            kw["l"] = l
        count = 1
        if rng.random() < 0.4:
            count = rng.randint(2, 24)
            count = min(count, 10000 * 12 - month_index(y, m))
            args += ["-n", count]
        tc = calendar.TextCalendar(fw)
        first = month_index(y, m)
        n_months += count
        text = "\n".join(tc.formatmonth(*from_index(first + i), **kw) for i in range(count))
        cases.append(Case(args + [y, m], text))
    diffs = runner.check_cases(cases)
    print(f"random-text: {len(cases)} calendars compared ({n_years} years in {len(years)} runs, "
          f"{n_months} months in {len(months)} runs), {diffs} differences")
    return diffs


def year_page(fw, y, css):
    return calendar.HTMLCalendar(fw).formatyearpage(y, css=css, encoding="utf-8").decode()


def group_html(runner, rng):
    cases = []
    css_choices = [None, None, "my.css", "", "style/site.css", "a b&c.css", "ünï.css"]
    years = EDGE_YEARS + [random_year(rng) for _ in range(scaled(95))]
    for y in years:
        args = ["cal", *option(rng, "-t", "--type", "html")]
        css = rng.choice(css_choices)
        if css == "":
            args += rng.choice([["-c", ""], ["--css", ""]])
        elif css is not None:
            args += option(rng, "-c", "--css", css)
        if rng.random() < 0.35:
            args += ["-f", "sun"]
            fw = 6
        else:
            f_args, fw = first_weekday_option(rng)
            args += f_args
        if rng.random() < 0.15:
            args += ["-m", rng.randint(1, 12)]  # ignored for HTML, as by python3 -m calendar
        cases.append(Case(args + [y], year_page(fw, y, "calendar.css" if css is None else css)))
    # An empty value given as --css= is the empty string, as for python3 -m calendar.
    years.append(2026)
    cases.append(Case(["cal", "-t", "html", "--css=", 2026], year_page(0, 2026, "")))
    # One page of 50 years.
    y1, fw, css = rng.randint(1, 9950), 6, "my.css"
    hc = calendar.HTMLCalendar(fw)
    page = year_page(fw, y1, css)
    single_title = f"<title>Calendar for {y1}</title>"
    single_body = hc.formatyear(y1)
    assert page.count(single_title) == 1 and page.count(single_body) == 1
    page = page.replace(single_title, f"<title>Calendar for {y1}-{y1 + 49}</title>").replace(
        single_body, "\n".join(hc.formatyear(y) for y in range(y1, y1 + 50)))
    cases.append(Case(["cal", "-t", "html", "-c", css, "-f", "sun", "-n", 50, y1], page))
    # Month tables.
    months = [(1, 1), (9999, 12)]
    months += [(random_year(rng), rng.randint(1, 12)) for _ in range(scaled(48))]
    for y, m in months:
        fw = rng.randrange(7)
        args = ["cal", "-t", "html", "-f", weekday_arg(rng, fw)]
        count = 1
        if rng.random() < 0.3:
            count = min(rng.randint(2, 15), 10000 * 12 - month_index(y, m))
            args += ["-n", count]
        hc = calendar.HTMLCalendar(fw)
        first = month_index(y, m)
        cases.append(Case(args + [y, m],
                          "".join(hc.formatmonth(*from_index(first + i)) for i in range(count))))
    diffs = runner.check_cases(cases)
    print(f"html: {len(cases)} pages compared ({len(years) + 1} year pages, "
          f"{len(months)} month tables), {diffs} differences")
    return diffs


# ----- tools


def weekdays_in_month(y, m, wd):
    return [datetime.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)
            if calendar.weekday(y, m, d) == wd]


def dates_text(dates):
    return "".join(iso(d) + "\n" for d in dates)


def nth_weekday(y, m, wd, n):
    days = weekdays_in_month(y, m, wd)
    if n > 0:
        return days[n - 1] if n <= len(days) else None
    return days[n] if -n <= len(days) else None


def workdays(y, months, holidays):
    return sum(1 for m in months for d in range(1, calendar.monthrange(y, m)[1] + 1)
               if calendar.weekday(y, m, d) < 5 and datetime.date(y, m, d) not in holidays)


def add_workdays(start, n, holidays):
    """The FAQ method: step a day at a time, counting Monday-Friday non-holidays.
    Raises OverflowError when the walk leaves years 1-9999."""
    step = datetime.timedelta(days=1 if n >= 0 else -1)
    d, remaining = start, abs(n)
    while remaining:
        d += step
        if d.weekday() < 5 and d not in holidays:
            remaining -= 1
    return d


def random_date(rng, lo=1, hi=9999):
    y = rng.randint(lo, hi)
    m = rng.randint(1, 12)
    return datetime.date(y, m, rng.randint(1, calendar.monthrange(y, m)[1]))


def write_holidays(rng, path):
    """A holidays file with comments, blank lines, a duplicate and weekend dates.
    Returns the set of dates it holds."""
    dates = set()
    lines = ["# test holidays", ""]
    for y in (2024, 2025, 2026, 2027):
        for _ in range(18):
            d = random_date(rng, y, y)
            dates.add(d)
            form = rng.randrange(4)
            if form == 0:
                lines.append(iso(d))
            elif form == 1:
                lines.append(f"{iso(d)}  # holiday {len(lines)}")
            elif form == 2:
                lines.append(f"   {iso(d)}\t")
            else:
                lines += ["", "# next one", iso(d)]
    fixed = [datetime.date(2026, 7, 3), datetime.date(2026, 12, 25), datetime.date(2026, 1, 1),
             datetime.date(2026, 7, 4), datetime.date(9999, 12, 30), datetime.date(1, 1, 2)]
    for d in fixed:
        dates.add(d)
        lines.append(iso(d))
    lines.append(iso(datetime.date(2026, 12, 25)) + " # duplicate")
    lines.append("#2026-05-01 commented out")
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    return dates


def group_tools(runner, rng):
    cases, counts = [], {}

    def add(tool, case):
        counts[tool] = counts.get(tool, 0) + 1
        cases.append(case)

    tmp = tempfile.TemporaryDirectory(prefix="kit-cal-diff-")
    hol_path = os.path.join(tmp.name, "holidays.txt")
    holidays = write_holidays(rng, hol_path)

    def tool_year(rng):
        return rng.choice([rng.randint(2024, 2027), random_year(rng)])

    # The tutorial's facts, checked against the Python reference as well.
    facts = {
        ("find", "mon", 2026, 4): "2026-04-06 2026-04-13 2026-04-20 2026-04-27",
        ("find", "fri", 2026, 7): "2026-07-03 2026-07-10 2026-07-17 2026-07-24 2026-07-31",
    }
    for (tool, wd, y, m), text in facts.items():
        expected = dates_text(weekdays_in_month(y, m, DAY_SHORT.index(wd)))
        assert expected == text.replace(" ", "\n") + "\n", expected
        add("find", Case(["cal", "find", wd, y, m], expected))
    assert workdays(2026, [7], set()) == 23
    add("workdays", Case(["cal", "workdays", 2026, 7], "23\n"))
    assert calendar.day_name[calendar.weekday(2026, 7, 4)] == "Saturday"
    add("weekday", Case(["cal", "weekday", "2026-07-04"], "Saturday\n"))
    assert calendar.leapdays(2000, 2100) == 25
    add("leap", Case(["cal", "leap", 2000, 2100], "25\n"))

    # find: months and whole years
    for i in range(scaled(60)):
        wd = rng.randrange(7)
        y = tool_year(rng) if i % 4 else rng.choice(EDGE_YEARS + [random_year(rng)])
        if i % 4 == 0:
            dates = [d for m in range(1, 13) for d in weekdays_in_month(y, m, wd)]
            add("find", Case(["cal", "find", weekday_arg(rng, wd), y], dates_text(dates)))
        else:
            m = rng.randint(1, 12)
            add("find", Case(["cal", "find", weekday_arg(rng, wd), y, m],
                             dates_text(weekdays_in_month(y, m, wd))))

    # nth: N in ±1..±5; a month has a 5th given weekday only sometimes
    nth_cases = [(5, 0, 2026, 2), (-5, 6, 2026, 2), (5, 4, 2026, 7), (-5, 4, 2026, 7),
                 (-1, 4, 2026, 10), (1, 0, 1, 1), (-1, 4, 9999, 12)]
    nth_cases += [(rng.choice([1, 2, 3, 4, 5, 5, 5, -1, -2, -3, -4, -5, -5, -5]), rng.randrange(7),
                   tool_year(rng), rng.randint(1, 12)) for _ in range(scaled(73))]
    for n, wd, y, m in nth_cases:
        args = ["cal", "nth", n, weekday_arg(rng, wd), y, m]
        d = nth_weekday(y, m, wd, n)
        if d is None:
            add("nth", Case(args, error=(1, b"kit cal nth: ")))
        else:
            add("nth", Case(args, iso(d) + "\n"))

    # workdays: month or year, with and without holidays
    for i in range(scaled(60)):
        with_file = i % 2 == 0
        y = rng.randint(2024, 2027) if with_file and i % 3 else tool_year(rng)
        months = list(range(1, 13)) if i % 5 == 0 else [rng.randint(1, 12)]
        args = ["cal", "workdays", y] + ([months[0]] if len(months) == 1 else [])
        if with_file:
            args += ["--holidays", hol_path]
        add("workdays", Case(args, f"{workdays(y, months, holidays if with_file else set())}\n"))

    # add-workdays: many starts on weekends or holidays; N positive, negative and 0;
    # the walk may end exactly on 0001-01-01 or 9999-12-31, or run past them (an error)
    date = datetime.date
    aw_cases = [(date(2026, 7, 4), 1, False), (date(2026, 7, 4), -1, False),
                (date(2026, 7, 5), 0, False), (date(2026, 7, 2), 1, True),
                (date(2026, 7, 6), -1, True), (date(2026, 7, 4), 0, True),
                (date(9999, 12, 30), 1, False), (date(9999, 12, 30), 2, False),
                (date(9999, 12, 31), 0, False), (date(9999, 12, 31), -1, False),
                (date(9999, 12, 29), 1, True), (date(9999, 12, 30), 0, True),
                (date(1, 1, 2), -1, False), (date(1, 1, 1), -1, False),
                (date(1, 1, 1), 0, False), (date(1, 1, 3), -1, True)]
    sorted_holidays = sorted(holidays)
    for i in range(scaled(75)):
        r = rng.random()
        if r < 0.3:
            d = rng.choice(sorted_holidays)
        else:
            d = random_date(rng, 2024, 2027) if r < 0.7 else random_date(rng)
        if rng.random() < 0.5:  # move to the following Saturday or Sunday
            shift = (5 - d.weekday()) % 7 + rng.randrange(2)
            if d.toordinal() + shift <= date.max.toordinal():
                d += datetime.timedelta(days=shift)
        n = rng.choice([0, rng.randint(1, 30), -rng.randint(1, 30), rng.randint(-600, 600)])
        aw_cases.append((d, n, i % 2 == 0 or d in holidays))
    for d, n, with_file in aw_cases:
        args = ["cal", "add-workdays", iso(d), n]
        if with_file:
            args += ["--holidays", hol_path]
        try:
            expected = iso(add_workdays(d, n, holidays if with_file else set())) + "\n"
            add("add-workdays", Case(args, expected))
        except OverflowError:
            add("add-workdays", Case(args, error=(None, b"kit cal add-workdays: ")))

    # weekday
    dates = [datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(1752, 9, 3),
             datetime.date(2000, 2, 29), datetime.date(2100, 3, 1)]
    dates += [random_date(rng) for _ in range(scaled(35))]
    for d in dates:
        add("weekday", Case(["cal", "weekday", iso(d)],
                            calendar.day_name[calendar.weekday(d.year, d.month, d.day)] + "\n"))

    # leap: single years and [Y1, Y2) ranges
    singles = [1, 4, 100, 400, 1900, 2000, 2024, 2026, 2100, 9996, 9999]
    singles += [random_year(rng) for _ in range(scaled(19))]
    for y in singles:
        add("leap", Case(["cal", "leap", y],
                         f"{y}: {'leap year' if calendar.isleap(y) else 'not a leap year'}\n"))
    ranges = [(1, 10000), (2100, 2000), (9999, 10000), (2024, 2024), (1, 1), (2024, 2025),
              (9999, 1), (400, 10000)]
    for _ in range(scaled(22)):
        r = rng.random()
        y1 = random_year(rng)
        y2 = 10000 if r < 0.15 else random_year(rng)
        ranges.append((y1, y2) if r < 0.7 else (max(y1, y2), min(y1, y2)))
    for y1, y2 in ranges:
        add("leap", Case(["cal", "leap", y1, y2], f"{calendar.leapdays(y1, y2)}\n"))

    try:
        diffs = runner.check_cases(cases)
    finally:
        tmp.cleanup()
    detail = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"tools: {len(cases)} cases compared ({detail}), {diffs} differences")
    return diffs


GROUPS = {
    "months": group_months,
    "years": group_years,
    "random-text": group_random_text,
    "html": group_html,
    "tools": group_tools,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", required=True, help="path to the kit binary")
    parser.add_argument("--jobs", type=int, default=2, help="kit processes at a time (default 2)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the number of random cases (default 1)")
    parser.add_argument("group", choices=[*GROUPS, "all"])
    options = parser.parse_args()
    global SCALE
    SCALE = options.scale
    if sys.version_info[:2] != (3, 11):
        print(f"warning: the reference is CPython 3.11, this is {sys.version.split()[0]}",
              file=sys.stderr)
    kit = os.path.abspath(options.kit)
    if not os.access(kit, os.X_OK):
        parser.error(f"not an executable: {options.kit}")
    runner = CalRunner(kit, jobs=max(1, options.jobs), env=ENV, max_reports=MAX_REPORTS)
    groups = list(GROUPS) if options.group == "all" else [options.group]
    start = time.monotonic()
    for name in groups:
        # Each group has its own seeded generator, so a group's cases do not
        # depend on which other groups ran before it.
        GROUPS[name](runner, random.Random(f"{SEED}:{name}"))
    runner.pool.shutdown()
    print(f"{'all' if len(groups) > 1 else groups[0]}: "
          f"{'FAILED' if runner.failed else 'ok'} in {time.monotonic() - start:.1f}s")
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
