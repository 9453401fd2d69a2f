"""Waiting for the processes a test starts without sleeping: a process's end on a pidfd, a
line it writes on a FIFO. Shared by tests/e2e/jobs_cli.py and tests/e2e/timing_cli.py."""
import os
import select
import time


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
