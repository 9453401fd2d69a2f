"""kit logs with inputs a golden case cannot give: a FIFO, read from one open (a second open
waits for a second writer, and closing the first loses what the writer sent)."""
import argparse
import os
import subprocess
import sys
import tempfile
import threading

import harness
from harness import check, expect_code

LINES = ("2024-01-15 10:23:01 INFO auth login ok 12.5\n"
         "2024-01-15 10:23:02 ERROR db timeout 2500.0\n"
         "2024-01-15 10:23:03 INFO auth logout 3.0\n")


def fifo_read_once(kit, scratch, attempt):
    path = os.path.join(scratch, f"events{attempt}.fifo")
    os.mkfifo(path)
    proc = subprocess.Popen([kit, "logs", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)

    def write():  # the open blocks until kit opens the FIFO to read
        try:
            with open(path, "w") as f:
                f.write(LINES)
        except BrokenPipeError:  # kit closed its end before reading: the check below fails
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        check("kit logs FIFO: ends once its one writer closes (it hung)", False, err)
        return
    proc.stdout, proc.stderr = out, err  # as subprocess.run leaves them, for harness.Run
    run = harness.Run(["logs", path], proc, 0)
    if expect_code("kit logs FIFO", run, 0):
        check("kit logs FIFO: all three events", out.startswith("Parsed 3 events\n"), run)
        check("kit logs FIFO: the slow one", "Slow events: 1" in out, run)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        harness.use(kit=os.path.abspath(args.kit), cwd=scratch)
        # The old double open lost the race to the writer in some runs, not all: several runs.
        for attempt in range(8):
            fifo_read_once(os.path.abspath(args.kit), scratch, attempt)
    return harness.report("logs")


if __name__ == "__main__":
    sys.exit(main())
