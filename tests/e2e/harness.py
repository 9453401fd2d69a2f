"""What the e2e scripts share (cal_json.py, timing_cli.py, jobs_cli.py, docs_examples.py): kit()
runs the built binary as a user does, check() records a failed expectation, report() prints
them and gives the exit status; exited() and Fifo wait for the processes a test starts without
sleeping (a process's end on a pidfd, a line it writes on a FIFO).

    import harness
    from harness import check, expect_code, kit

    harness.use(kit=path, cwd=scratch, env=dict(os.environ, LC_ALL="C.UTF-8"))
    r = kit("retry", "--", "true")
    if r and expect_code("retry true", r, 0):
        check("retry true: nothing on stderr", r.err == "", r)
    return harness.report("retry")
"""
import os
import select
import shlex
import subprocess
import time

failures = []  # what report() prints, one entry a failed check
checks = 0  # check() calls, failed or not
_kit, _cwd, _env = "", None, None

# One attempt of a flaky command: `sh FLAKY COUNTER SUCCEED_AT CODE` appends a line to COUNTER,
# succeeds from the SUCCEED_AT-th run on, and exits CODE before that.
FLAKY_SH = """echo run >> "$1"
n=$(wc -l < "$1")
[ "$n" -ge "$2" ] && exit 0
exit "$3"
"""


def use(kit, cwd=None, env=None):
    """The binary kit() runs (an absolute path), its working directory and environment."""
    global _kit, _cwd, _env
    _kit, _cwd, _env = kit, cwd, env


class Run:
    """A finished kit run: args, code (exit status), seconds, out, err, lines (of err)."""

    def __init__(self, args, proc, seconds):
        self.args, self.code, self.seconds = args, proc.returncode, seconds
        self.out, self.err = proc.stdout, proc.stderr
        self.lines = self.err.splitlines()

    def __str__(self):
        return (f"kit {shlex.join(self.args)}: exit {self.code}, stdout {self.out[:2000]!r}, "
                f"stderr {self.err!r}")


def kit(*args, env=None, timeout=30, cwd=None, input=None, text=True):
    """Runs kit ARGS to its end: a Run (out and err are str unless text=False), or None after
    `timeout` seconds (a failure recorded)."""
    args = [str(a) for a in args]
    decode = {"encoding": "utf-8", "errors": "replace"} if text else {}
    start = time.monotonic()
    try:
        proc = subprocess.run([_kit, *args], capture_output=True, env=env or _env,
                              cwd=cwd or _cwd, input=input, timeout=timeout, check=False,
                              **decode)
    except subprocess.TimeoutExpired:
        failures.append(f"kit {shlex.join(args)}: still running after {timeout}s")
        return None
    return Run(args, proc, time.monotonic() - start)


def check(what, ok, run=None):
    """Records a failure unless ok (the run, when given, is shown with it); returns ok."""
    global checks
    checks += 1
    if not ok:
        failures.append(f"{what}" + (f"\n    {run}" if run is not None else ""))
    return ok


def check_equal(what, got, want):
    return check(f"{what}: got {got!r}, want {want!r}", got == want)


def expect_code(what, r, code):
    """r ended with exit status `code` (a failure recorded otherwise)."""
    return r is not None and check(f"{what}: exit {r.code}, want {code}", r.code == code, r)


def report(label, start=None):
    """Prints every failure and a summary line (with the time since `start`, a monotonic
    clock reading); returns the script's exit status."""
    for f in failures:
        print("FAIL", f)
    took = f", {time.monotonic() - start:.1f}s" if start is not None else ""
    print(f"{label}: {'ok' if not failures else f'{len(failures)} failures'} "
          f"({checks} checks{took})")
    return 1 if failures else 0


def exited(pid, seconds):
    """True once pid has ended (a zombie counts) within `seconds`, waited for on a pidfd."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


class Fifo:
    """A FIFO at `path`, open to read before its writer starts (so the writer's open does not
    wait), without a writer until one opens it: select wakes on what the writer writes."""

    def __init__(self, path):
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        self.path = path
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)

    def line(self, seconds):
        """The first line written within `seconds` (without its newline), or None."""
        deadline = time.monotonic() + seconds
        data = b""
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:  # the writer closed without a newline
                break
            data += chunk
        return data.split(b"\n")[0].decode() if data else None

    def close(self):
        os.close(self.fd)
