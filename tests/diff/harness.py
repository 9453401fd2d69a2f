"""The Runner every differential script in tests/diff/ uses: it runs kit (and its peers), a few
processes at a time, counts what it ran and checked, and counts and reports mismatches.

A script keeps what is its own: the reference (Python's stdlib, coreutils, ...), its cases and
how a result is judged; a script whose judging needs state subclasses Runner for it.

    from harness import Runner

    runner = Runner(kit, jobs=2, max_reports=5)
    rc, out, err = runner.run(["cal", "2026"])
    runner.expect("kit cal 2026", rc == 0 and out == want, f"exit {rc}, stderr {err!r}")
    future = runner.submit(["cal", "-n", "12", "1", "2026"])  # runs on the pool
    ...
    return 1 if runner.failed else 0
"""
import collections
import os
import shlex
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

ENV = dict(os.environ, TZ="UTC", LC_ALL="C", NO_COLOR="1")

# What a process did; also read as a CompletedProcess (.returncode, .stdout, .stderr).
# returncode is None when the process was killed after its timeout.
Result = collections.namedtuple("Result", "returncode stdout stderr")

_DEFAULT = object()  # "the Runner's timeout"


class Runner:
    """kit: the binary's absolute path. jobs: processes at a time on the pool (submit, map).
    tmp: the default working directory of runs, and where write() puts files. env: the
    environment of every run. timeout: seconds a run may take (None: no limit).
    max_reports: mismatches printed (the others are counted); per_where: at most this many
    of them for one `where` (one cause can fail thousands of records of one run)."""

    def __init__(self, kit, *, jobs=1, tmp=None, env=ENV, timeout=None, max_reports=20,
                 per_where=None):
        self.kit, self.jobs, self.tmp, self.env, self.timeout = kit, jobs, tmp, env, timeout
        self.pool = ThreadPoolExecutor(max_workers=jobs)
        self.max_reports, self.per_where = max_reports, per_where
        self.runs = 0  # kit processes started
        self.checks = 0  # comparisons made through expect() (or counted by the script)
        self.mismatches = 0
        self.reports = 0  # mismatches printed; a script may reset it for each group
        self._reported = collections.Counter()

    # ----- running

    def execute(self, argv, *, stdin=None, cwd=None, timeout=_DEFAULT, env=None,
                executable=None):
        """Runs any program to its end: Result. stdin: bytes, or None for /dev/null. After
        its timeout the process is killed: returncode None, stderr ends with a note."""
        timeout = self.timeout if timeout is _DEFAULT else timeout
        try:
            p = subprocess.run(argv, executable=executable, input=stdin,
                               stdin=subprocess.DEVNULL if stdin is None else None,
                               capture_output=True, env=env or self.env,
                               cwd=self.tmp if cwd is None else cwd, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return Result(None, e.stdout or b"",
                          (e.stderr or b"") + f"(killed after {timeout}s)".encode())
        return Result(p.returncode, p.stdout, p.stderr)

    def run(self, args, timeout=_DEFAULT, cwd=None, prog=None, stdin=None, env=None):
        """Runs `kit ARGS` (or `PROG ARGS`) to its end: Result."""
        if prog is None:
            self.runs += 1
        return self.execute([prog or self.kit, *map(str, args)], stdin=stdin, cwd=cwd,
                            timeout=timeout, env=env)

    def submit(self, args, **kwargs):
        """run() on the pool: a Future of its Result."""
        return self.pool.submit(self.run, args, **kwargs)

    def map(self, fn, items):
        """[fn(item) for item in items], `jobs` at a time."""
        return list(self.pool.map(fn, items))

    def start(self, args, stdin=None, env=None):
        """Starts `kit ARGS` in the background, so that the reference runs meanwhile; its
        output goes to temporary files. finish() waits for it."""
        self.runs += 1
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        proc = subprocess.Popen([self.kit, *map(str, args)], cwd=self.tmp, env=env or self.env,
                                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                stdout=out, stderr=err)
        if stdin is not None:
            try:
                proc.stdin.write(stdin)
            except BrokenPipeError:  # it ended without reading it all: finish() tells
                pass
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        return proc, out, err, self.command_line(args)

    def finish(self, handle, timeout=120):
        """(returncode, stdout, stderr, command line) of a start()ed run; killed after
        `timeout` seconds."""
        proc, out, err, cmd = handle
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), cmd

    def shutdown(self):
        self.pool.shutdown()

    @staticmethod
    def command_line(args):
        return shlex.join(["kit", *map(str, args)])

    # ----- files in tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        """Writes bytes to tmp/NAME; returns NAME (runs start in tmp)."""
        with open(self.path(name), "wb") as f:
            f.write(data)
        return name

    # ----- judging

    def mismatch(self, where, *lines):
        """Counts a mismatch; prints it (MISMATCH WHERE, then its lines indented) when among
        the first max_reports, and per_where for this `where`."""
        self.mismatches += 1
        if self.per_where is not None and self._reported[where] >= self.per_where:
            return
        self.reports += 1
        if self.reports > self.max_reports:
            if self.reports == self.max_reports + 1:
                print("  (further mismatches not shown)")
            return
        self._reported[where] += 1
        print(f"MISMATCH {where}")
        for line in lines:
            print("  " + str(line).rstrip("\n"))

    def fail(self, where, expected, actual):
        """A mismatch shown as what was expected and what came."""
        self.mismatch(where, f"expected: {expected}", f"actual:   {actual}")

    def expect(self, what, ok, detail=""):
        """Counts a check; a mismatch unless ok. Returns ok."""
        self.checks += 1
        if not ok:
            self.mismatch(what, *([detail] if detail else []))
        return bool(ok)

    @property
    def failed(self):
        return self.mismatches > 0
