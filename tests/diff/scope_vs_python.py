#!/usr/bin/env python3
"""Differential test: kit::scope (through tests/diff/scope_driver) against CPython running the
context-manager tutorial's own code ("How To Create Custom Context Managers in Python", seed
tutorials.txt lines 5062-6038; the programs are copied below verbatim).

The reference is what python3 REALLY prints running that code, not the text the tutorial shows
under "Output:" — which in places its code cannot print: exitstack_database's exits run LIFO (so
"Commit db3, db2, db1", and "Error: ..." after the rollbacks), conditional_contexts prints its
"Closing ..." lines, tracked_file reads twice ("accessed 2 times"), resource_manager's first run
prints one "Results: ..." line, not "DB1 result:"/"DB2 result:".

Usage: scope_vs_python.py [--kit PATH] --driver PATH GROUP

Groups (the reference runs in this one Python process; each group runs the driver once, the
cases on its stdin, one per line, each answered by its output and a line "=== end"):
  seed       the tutorial's programs, each as one case, byte for byte (sleeps patched out: time
             is a fake clock that sleep() advances; asyncio.sleep() only yields).
  exitstack  exitstack_database's multi_db_transaction on generated database lists (duplicates
             included: the tutorial keeps connections in a dict) and failure points; and
             conditional_contexts' process_files with every flag combination.
  suppress   generated (listed types, raised type) pairs over a small exception hierarchy:
             kit::scope::suppress against contextlib.suppress (subclasses are swallowed); the
             seed's ErrorIgnorer compares exact types, a divergence counted and named.
  partial    the partial-acquisition case: resource_manager's TransactionManager when the k-th
             connection fails to connect, kit's ExitStack::enter against the same manager built
             on contextlib.ExitStack (+ pop_all). The seed's own __enter__ also "disconnects" the
             connection that failed and releases first-in first-out: counted as a divergence.
  async      async_exitstack's AsyncExitStack on generated resource lists with a failing
             acquisition or body, kit's AsyncExitStack (a real io_context) against asyncio.
Exit status: 0 when everything matches, 1 on any mismatch (the first 20 are printed).
"""
import argparse
import asyncio
import contextlib
import io
import os
import random
import subprocess
import sys
import tempfile
import time

END = "=== end"

SEED = {
    # tutorials.txt lines 5148-5182
    'tracked_file': r'''
# tracked_file.py

class TrackedFile:
    """Context manager that tracks file access"""

    def __init__(self, filename):
        self.filename = filename
        self.file = None
        self.access_count = 0

    def __enter__(self):
        """Called when entering 'with' block"""
        print(f'Opening {self.filename}')
        self.file = open(self.filename, 'r')
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        """Called when exiting 'with' block"""
        print(f'Closing {self.filename} (accessed {self.access_count} times)')
        if self.file:
            self.file.close()
        return False  # Don't suppress exceptions

    def read_line(self):
        """Read a line and track access"""
        self.access_count += 1
        return self.file.readline()


# Usage
if __name__ == '__main__':
    with TrackedFile('/etc/hostname') as f:
        line = f.read_line()
        print(f'Read: {line.strip()}')
        line2 = f.read_line()
''',
    # tutorials.txt lines 5196-5244
    'exception_handling': r'''
# exception_handling.py

class SafeConnection:
    """Context manager that handles exceptions gracefully"""

    def __init__(self, db_name):
        self.db_name = db_name
        self.connected = False

    def __enter__(self):
        print(f'Connecting to {self.db_name}')
        self.connected = True
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        """
        exc_type: Exception class (None if no exception)
        exc_val: Exception instance
        exc_tb: Traceback object
        """
        if exc_type is not None:
            print(f'Exception occurred: {exc_type.__name__}: {exc_val}')
            print(f'Rolling back transaction')
            # Return False to re-raise the exception
            return False
        else:
            print(f'Committing transaction')
            return False

    def query(self, sql):
        if not self.connected:
            raise RuntimeError('Not connected!')
        return f'Query result for: {sql}'


# Normal completion
print('=== Normal completion ===')
with SafeConnection('mydb') as conn:
    result = conn.query('SELECT * FROM users')
    print(f'Got: {result}')

# With exception
print('\n=== With exception ===')
try:
    with SafeConnection('mydb') as conn:
        result = conn.query('SELECT * FROM users')
        raise ValueError('Data validation failed!')
except ValueError:
    print('Caught exception in outer scope')
''',
    # tutorials.txt lines 5265-5299
    'suppress_exception': r'''
# suppress_exception.py

class ErrorIgnorer:
    """Context manager that suppresses specific exceptions"""

    def __init__(self, *suppress_types):
        self.suppress_types = suppress_types

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_type is None:
            # No exception, return False
            return False

        if exc_type in self.suppress_types:
            print(f'Suppressed: {exc_type.__name__}')
            return True  # Suppress this exception

        print(f'Not suppressed: {exc_type.__name__}')
        return False  # Let other exceptions propagate


# Suppress ValueError but not RuntimeError
with ErrorIgnorer(ValueError):
    print('Inside context')
    raise ValueError('This will be suppressed')
print('Execution continues after ValueError')

try:
    with ErrorIgnorer(ValueError):
        raise RuntimeError('This will NOT be suppressed')
except RuntimeError as e:
    print(f'RuntimeError propagated: {e}')
''',
    # tutorials.txt lines 5319-5340
    'simple_decorator': r'''
# simple_decorator.py

from contextlib import contextmanager

@contextmanager
def timed_operation(name):
    """Context manager that times an operation"""
    import time
    start = time.time()
    print(f'Starting {name}')
    try:
        yield
    finally:
        elapsed = time.time() - start
        print(f'Finished {name} in {elapsed:.2f}s')


# Usage
with timed_operation('download'):
    import time
    time.sleep(0.5)
print('Done')
''',
    # tutorials.txt lines 5354-5377
    'yield_value': r'''
# yield_value.py

from contextlib import contextmanager

@contextmanager
def database_connection(db_name):
    """Context manager that manages database connection"""
    print(f'Connecting to {db_name}')
    # Simulate connection object
    class Connection:
        def query(self, sql):
            return f'Result of: {sql}'

    connection = Connection()
    try:
        yield connection
    finally:
        print(f'Disconnecting from {db_name}')


# Usage
with database_connection('mydb') as conn:
    result = conn.query('SELECT * FROM users')
    print(result)
''',
    # tutorials.txt lines 5389-5419
    'exception_decorator': r'''
# exception_decorator.py

from contextlib import contextmanager

@contextmanager
def transaction(db_name):
    """Context manager that manages transactions"""
    print(f'Starting transaction on {db_name}')
    try:
        yield
    except Exception as e:
        print(f'Transaction failed: {e}')
        print('Rolling back...')
        raise
    else:
        print('Transaction committed')


# Normal case
print('=== Normal transaction ===')
with transaction('mydb'):
    print('Executing query')

# Exception case
print('\n=== Failed transaction ===')
try:
    with transaction('mydb'):
        print('Executing query')
        raise ValueError('Data invalid!')
except ValueError:
    print('Caught in outer scope')
''',
    # tutorials.txt lines 5460-5478
    'exitstack_basics': r'''
# exitstack_basics.py

from contextlib import ExitStack

# Without ExitStack: ugly nesting
# with open('file1.txt') as f1:
#     with open('file2.txt') as f2:
#         with open('file3.txt') as f3:
#             process(f1, f2, f3)

# With ExitStack: clean
files = ['file1.txt', 'file2.txt', 'file3.txt']

with ExitStack() as stack:
    file_objects = [stack.enter_context(open(f)) for f in files]
    # Process files
    for f in file_objects:
        print(f'Opened: {f.name}')
    # All files closed when exiting the 'with' block
''',
    # tutorials.txt lines 5490-5535
    'conditional_contexts': r'''
# conditional_contexts.py

from contextlib import ExitStack

class Connection:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        print(f'Opening {self.name}')
        return self

    def __exit__(self, *args):
        print(f'Closing {self.name}')


def process_files(write_log=False, debug=False):
    """Open files conditionally"""
    with ExitStack() as stack:
        # Always open main file
        main_file = stack.enter_context(Connection('main.txt'))

        # Conditionally open log file
        if write_log:
            log_file = stack.enter_context(Connection('log.txt'))
        else:
            log_file = None

        # Conditionally open debug file
        if debug:
            debug_file = stack.enter_context(Connection('debug.txt'))
        else:
            debug_file = None

        print('Processing...')
        return log_file is not None and debug_file is not None


# Call with different conditions
print('=== With log and debug ===')
result = process_files(write_log=True, debug=True)
print(f'All files opened: {result}\n')

print('=== With only log ===')
result = process_files(write_log=True, debug=False)
print(f'All files opened: {result}')
''',
    # tutorials.txt lines 5556-5578
    'callback_registration': r'''
# callback_registration.py

from contextlib import ExitStack

def process_with_cleanup():
    with ExitStack() as stack:
        # Open a resource
        f = stack.enter_context(open('/etc/hostname'))

        # Register cleanup functions
        stack.callback(print, 'Cleanup step 1')
        stack.callback(print, 'Cleanup step 2')
        stack.callback(print, 'Cleanup step 3')

        print('Doing work...')
        content = f.read()
        print(f'Read: {content.strip()}')

    # ExitStack calls callbacks in LIFO (last-in-first-out) order
    # and closes the file


process_with_cleanup()
''',
    # tutorials.txt lines 5594-5641
    'exitstack_database': r'''
# exitstack_database.py

from contextlib import ExitStack

class FakeConnection:
    def __init__(self, name):
        self.name = name
        self.committed = False

    def __enter__(self):
        print(f'Opening {self.name}')
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_type:
            print(f'Rollback {self.name}')
        else:
            print(f'Commit {self.name}')
        self.committed = (exc_type is None)
        return False


def multi_db_transaction(db_names, fail_on=None):
    """Open multiple databases, rollback all if any fail"""
    with ExitStack() as stack:
        connections = {}
        for db_name in db_names:
            conn = stack.enter_context(FakeConnection(db_name))
            connections[db_name] = conn

        for db_name, conn in connections.items():
            if db_name == fail_on:
                raise ValueError(f'Intentional failure on {db_name}')
            print(f'Execute query on {db_name}')

        return connections


# Normal case: all succeed
print('=== All succeed ===')
multi_db_transaction(['db1', 'db2', 'db3'])

# Failure case: second database fails
print('\n=== Second database fails ===')
try:
    multi_db_transaction(['db1', 'db2', 'db3'], fail_on='db2')
except ValueError as e:
    print(f'Error: {e}')
''',
    # tutorials.txt lines 5677-5710
    'async_context': r'''
# async_context.py

import asyncio

class AsyncConnection:
    """Async context manager for database connection"""

    def __init__(self, db_name):
        self.db_name = db_name

    async def __aenter__(self):
        print(f'Async connecting to {self.db_name}')
        await asyncio.sleep(0.1)  # Simulate async I/O
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        print(f'Async disconnecting from {self.db_name}')
        await asyncio.sleep(0.1)  # Simulate async cleanup
        return False

    async def query(self, sql):
        print(f'Executing: {sql}')
        await asyncio.sleep(0.1)
        return 'Query result'


async def main():
    # Use 'async with' for async context managers
    async with AsyncConnection('mydb') as conn:
        result = await conn.query('SELECT * FROM users')
        print(f'Got: {result}')


asyncio.run(main())
''',
    # tutorials.txt lines 5723-5746
    'async_decorator': r'''
# async_decorator.py

import asyncio
from contextlib import asynccontextmanager

@asynccontextmanager
async def async_transaction(db_name):
    """Async context manager for transactions"""
    print(f'Starting async transaction on {db_name}')
    await asyncio.sleep(0.1)
    try:
        yield
    finally:
        print(f'Committing async transaction on {db_name}')
        await asyncio.sleep(0.1)


async def main():
    async with async_transaction('mydb'):
        print('Doing async work...')
        await asyncio.sleep(0.2)


asyncio.run(main())
''',
    # tutorials.txt lines 5758-5795
    'async_exitstack': r'''
# async_exitstack.py

import asyncio
from contextlib import AsyncExitStack

class AsyncResource:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        print(f'Acquiring {self.name}')
        await asyncio.sleep(0.05)
        return self

    async def __aexit__(self, *args):
        print(f'Releasing {self.name}')
        await asyncio.sleep(0.05)


async def main():
    resources = ['res1', 'res2', 'res3']

    # Manage multiple async contexts
    async with AsyncExitStack() as stack:
        acquired = [
            await stack.enter_async_context(AsyncResource(r))
            for r in resources
        ]

        print('Using resources...')
        await asyncio.sleep(0.1)
        print(f'Acquired {len(acquired)} resources')

    # All resources released automatically
    print('Done')


asyncio.run(main())
''',
    # tutorials.txt lines 5815-5957
    'resource_manager': r'''
# resource_manager.py

import time
import asyncio
from contextlib import contextmanager, asynccontextmanager, ExitStack, AsyncExitStack
from typing import Optional, List


class DatabaseConnection:
    """Simulated database connection"""

    def __init__(self, db_name: str):
        self.db_name = db_name
        self.is_connected = False

    def __enter__(self):
        print(f'[DB] Connecting to {self.db_name}')
        time.sleep(0.1)
        self.is_connected = True
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        print(f'[DB] Disconnecting from {self.db_name}')
        self.is_connected = False
        return False

    def execute(self, query: str):
        if not self.is_connected:
            raise RuntimeError('Not connected!')
        return f'Result of: {query}'


@contextmanager
def backup_context(backup_path: str):
    """Simple context for backup operations"""
    print(f'[BACKUP] Starting backup to {backup_path}')
    try:
        yield f'Backup handle for {backup_path}'
    finally:
        print(f'[BACKUP] Completed backup to {backup_path}')


class TransactionManager:
    """Complex context manager for multi-step transactions"""

    def __init__(self, databases: List[str]):
        self.databases = databases
        self.connections = {}
        self.failed = False

    def __enter__(self):
        print('[TX] Starting transaction')
        try:
            for db in self.databases:
                self.connections[db] = DatabaseConnection(db)
                self.connections[db].__enter__()
        except Exception as e:
            self.failed = True
            for db, conn in self.connections.items():
                try:
                    conn.__exit__(None, None, None)
                except:
                    pass
            raise
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_type:
            print(f'[TX] Rolling back (error: {exc_type.__name__})')
        else:
            print('[TX] Committing')

        for db, conn in self.connections.items():
            try:
                conn.__exit__(exc_type, exc_val, exc_tb)
            except Exception as e:
                print(f'[TX] Error closing {db}: {e}')

        return False

    def execute(self, db: str, query: str):
        if db not in self.connections:
            raise ValueError(f'Unknown database: {db}')
        return self.connections[db].execute(query)


async class AsyncDatabaseConnection:
    """Async database connection"""

    def __init__(self, db_name: str):
        self.db_name = db_name

    async def __aenter__(self):
        print(f'[ASYNC DB] Connecting to {self.db_name}')
        await asyncio.sleep(0.1)
        return self

    async def __aexit__(self, *args):
        print(f'[ASYNC DB] Disconnecting from {self.db_name}')
        await asyncio.sleep(0.05)

    async def query(self, sql: str):
        await asyncio.sleep(0.05)
        return f'Async result: {sql}'


# Example: Multi-database transaction with backup
print('=== Multi-Database Transaction ===')
try:
    with TransactionManager(['db1', 'db2']) as tx:
        with ExitStack() as stack:
            backup = stack.enter_context(backup_context('/backup/latest'))
            print(f'Backup: {backup}')

            result1 = tx.execute('db1', 'INSERT INTO users VALUES (...)')
            result2 = tx.execute('db2', 'INSERT INTO logs VALUES (...)')
            print(f'Results: {result1}, {result2}')
except Exception as e:
    print(f'Transaction failed: {e}')

print('\n=== Multi-Database with Failure ===')
try:
    with TransactionManager(['db1', 'db2']) as tx:
        result = tx.execute('db1', 'SELECT * FROM users')
        print(f'DB1 result: {result}')
        raise ValueError('Simulated error!')
except ValueError as e:
    print(f'Caught: {e}')


# Example: Async operations
async def async_example():
    print('\n=== Async Context Managers ===')
    async with AsyncExitStack() as stack:
        db1 = await stack.enter_async_context(AsyncDatabaseConnection('async_db1'))
        db2 = await stack.enter_async_context(AsyncDatabaseConnection('async_db2'))

        result1 = await db1.query('SELECT * FROM users')
        result2 = await db2.query('SELECT * FROM posts')
        print(f'Results: {result1}, {result2}')


asyncio.run(async_example())
''',
}


# ----- running the reference

class FakeTime:
    """time.time/time.sleep for the seed's programs: sleep advances the clock, nothing waits."""

    def __init__(self):
        self.now = 1000.0

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@contextlib.contextmanager
def patched_time():
    fake = FakeTime()
    real_time, real_sleep, real_async_sleep = time.time, time.sleep, asyncio.sleep

    async def async_sleep(delay, result=None):
        return await real_async_sleep(0, result)

    time.time, time.sleep, asyncio.sleep = fake.time, fake.sleep, async_sleep
    try:
        yield
    finally:
        time.time, time.sleep, asyncio.sleep = real_time, real_sleep, real_async_sleep


def run_python(code, namespace=None):
    """Runs code as __main__; what it printed."""
    out = io.StringIO()
    ns = {"__name__": "__main__"} if namespace is None else namespace
    with patched_time(), contextlib.redirect_stdout(out):
        exec(compile(code, "<seed>", "exec"), ns)
    return out.getvalue()


def load(name, code=None):
    """The seed program's definitions (its top-level prints discarded)."""
    ns = {"__name__": "__seed__"}
    run_python(SEED[name] if code is None else code, ns)
    return ns


def capture(fn, *args):
    out = io.StringIO()
    with patched_time(), contextlib.redirect_stdout(out):
        fn(*args)
    return out.getvalue()


# resource_manager.py cannot run as printed: `async class AsyncDatabaseConnection` is a syntax
# error. The one fix, `class`, is the only change made to any seed program.
RESOURCE_MANAGER = SEED["resource_manager"].replace("async class AsyncDatabaseConnection",
                                                    "class AsyncDatabaseConnection")


def check_unrunnable_resource_manager(runner):
    try:
        compile(SEED["resource_manager"], "<seed>", "exec")
        ok = False
    except SyntaxError:
        ok = True
    runner.expect("resource_manager.py as printed is a SyntaxError (async class)", ok)


# ----- the driver

class Runner:
    def __init__(self, driver):
        self.driver = driver
        self.checks = 0
        self.mismatches = 0
        self.notes = []

    def drive(self, cases):
        """Runs the driver on the case lines; its output per case."""
        text = "".join(c + "\n" for c in cases)
        p = subprocess.run([self.driver], input=text.encode(), capture_output=True, timeout=600)
        if p.returncode != 0:
            print(f"driver exited {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
            self.mismatches += 1
            return [None] * len(cases)
        out = p.stdout.decode()
        parts = out.split(END + "\n")
        if parts[-1] != "" or len(parts) != len(cases) + 1:
            print(f"driver answered {len(parts) - 1} cases, not {len(cases)}")
            self.mismatches += 1
            return [None] * len(cases)
        return parts[:-1]

    def expect(self, what, ok, detail=""):
        self.checks += 1
        if not ok:
            self.mismatches += 1
            if self.mismatches <= 20:
                print(f"MISMATCH {what}")
                for line in detail.splitlines():
                    print("  " + line)
        return ok

    def compare(self, case, want, got):
        if got is None:
            return self.expect(case, False, "no output from the driver")
        detail = ""
        if want != got:
            import difflib
            detail = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                  "python3", "kit"))
        return self.expect(case, want == got, detail)


# ----- groups

def group_seed(runner):
    check_unrunnable_resource_manager(runner)
    names = ["tracked_file", "exception_handling", "suppress_exception", "simple_decorator",
             "yield_value", "exception_decorator", "exitstack_basics", "conditional_contexts",
             "callback_registration", "exitstack_database", "async_context", "async_decorator",
             "async_exitstack", "resource_manager"]
    with tempfile.TemporaryDirectory() as tmp:
        # exitstack_basics opens file1.txt ... file3.txt from the working directory.
        for n in (1, 2, 3):
            with open(os.path.join(tmp, f"file{n}.txt"), "w") as f:
                f.write(f"line of file{n}\n")
        old = os.getcwd()
        os.chdir(tmp)
        try:
            wants = [run_python(RESOURCE_MANAGER if n == "resource_manager" else SEED[n])
                     for n in names]
            runner.cwd = tmp
            gots = drive_in(runner, tmp, [f"seed {n}" for n in names])
        finally:
            os.chdir(old)
    for n, want, got in zip(names, wants, gots):
        runner.compare(f"seed {n}", want, got)
    # The tutorial's printed text is not the reference: say where it differs from CPython.
    wants = dict(zip(names, wants))
    runner.expect("exitstack_database really commits LIFO",
                  "Commit db3\nCommit db2\nCommit db1\n" in wants["exitstack_database"])
    runner.expect("exitstack_database really prints Error: after the rollbacks",
                  wants["exitstack_database"].endswith(
                      "Rollback db3\nRollback db2\nRollback db1\n"
                      "Error: Intentional failure on db2\n"))
    runner.expect("tracked_file really counts 2 reads",
                  "(accessed 2 times)" in wants["tracked_file"])
    return len(names)


def drive_in(runner, cwd, cases):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.drive(cases)
    finally:
        os.chdir(old)


def group_exitstack(runner, rng):
    seed = load("exitstack_database")
    cond = load("conditional_contexts")
    cases, wants = [], []

    def multi(names, fail_on):
        try:
            seed["multi_db_transaction"](names, fail_on=fail_on)
        except ValueError as e:
            print(f"Error: {e}")

    for _ in range(400):
        pool = [f"db{i}" for i in range(1, 7)]
        names = [rng.choice(pool) for _ in range(rng.randint(0, 6))]
        fail_on = rng.choice([None, "db9"] + names) if names else rng.choice([None, "db1"])
        cases.append(f"exitstack_db {','.join(names) or '-'} {fail_on or '-'}")
        wants.append(capture(multi, names, fail_on))
    for log in (False, True):
        for debug in (False, True):
            cases.append(f"conditional {int(log)} {int(debug)}")
            wants.append(capture(lambda a, b: print(
                f"All files opened: {cond['process_files'](write_log=a, debug=b)}"), log, debug))
    for case, want, got in zip(cases, wants, runner.drive(cases)):
        runner.compare(case, want, got)
    return len(cases)


# A small hierarchy of Python's own, mirrored in scope_driver.cpp.
HIERARCHY = {
    "ValueError": ValueError, "UnicodeError": UnicodeError, "KeyError": KeyError,
    "LookupError": LookupError, "RuntimeError": RuntimeError, "IndexError": IndexError,
}


def group_suppress(runner, rng):
    seed = load("suppress_exception")
    ErrorIgnorer = seed["ErrorIgnorer"]
    names = list(HIERARCHY)
    cases, wants, seed_outputs = [], [], []

    def program(manager, listed, raised):
        try:
            with manager(*[HIERARCHY[n] for n in listed]):
                print("Inside context")
                if raised:
                    raise HIERARCHY[raised]("boom")
                print("Completed")
            print("Execution continues")
        except Exception as e:
            print(f"{type(e).__name__} propagated: {e}")

    class _Quiet:
        def __init__(self, inner):
            self.inner = inner

        def __enter__(self):
            return self.inner.__enter__()

        def __exit__(self, *exc):
            with contextlib.redirect_stdout(io.StringIO()):
                return self.inner.__exit__(*exc)

    def quiet_ignorer(*types):
        # The seed's ErrorIgnorer without its own prints: only its decision is compared.
        return _Quiet(ErrorIgnorer(*types))

    combos = [(a,) for a in names] + [(a, b) for a in names for b in names if a != b]
    for listed in combos:
        for raised in names + [None]:
            cases.append(f"suppress {','.join(listed)} {raised or '-'}")
            wants.append(capture(program, contextlib.suppress, listed, raised))
            seed_outputs.append(capture(program, quiet_ignorer, listed, raised))
    divergent = 0
    for case, want, got, seed_out in zip(cases, wants, runner.drive(cases), seed_outputs):
        runner.compare(case, want, got)
        if seed_out != want:
            # ErrorIgnorer tests `exc_type in suppress_types`: a subclass of a listed type
            # (UnicodeError of ValueError, KeyError of LookupError) propagates there.
            listed, raised = case.split()[1].split(","), case.split()[2]
            exact = raised in listed
            sub = any(issubclass(HIERARCHY[raised], HIERARCHY[n]) for n in listed)
            runner.expect(f"{case}: ErrorIgnorer differs only on subclasses",
                          sub and not exact, f"seed:\n{seed_out}kit/contextlib:\n{want}")
            divergent += 1
    runner.notes.append(f"suppress: {divergent} cases where the seed's ErrorIgnorer (exact "
                        "type) propagates a subclass that contextlib.suppress and kit swallow")
    return len(cases)


def group_partial(runner, rng):
    ns = load("resource_manager", RESOURCE_MANAGER)
    DatabaseConnection = ns["DatabaseConnection"]
    TransactionManager = ns["TransactionManager"]

    class FailingConnection(DatabaseConnection):
        def __enter__(self):
            print(f"[DB] Connecting to {self.db_name}")
            raise ConnectionError(f"cannot connect to {self.db_name}")

    def connection(name):
        return FailingConnection(name) if name.startswith("bad") else DatabaseConnection(name)

    class SeedManager(TransactionManager):
        # The seed's __enter__ verbatim, but its connections may fail to connect.
        def __enter__(self):
            print("[TX] Starting transaction")
            try:
                for db in self.databases:
                    self.connections[db] = connection(db)
                    self.connections[db].__enter__()
            except Exception:
                self.failed = True
                for db, conn in self.connections.items():
                    try:
                        conn.__exit__(None, None, None)
                    except Exception:
                        pass
                raise
            return self

    class StackManager(TransactionManager):
        # Acquisition through contextlib.ExitStack: a failure releases what was acquired
        # (LIFO) and nothing else; on success pop_all() keeps them for the seed's __exit__.
        def __enter__(self):
            print("[TX] Starting transaction")
            with contextlib.ExitStack() as stack:
                for db in self.databases:
                    conn = connection(db)
                    stack.enter_context(conn)
                    self.connections[db] = conn
                stack.pop_all()
            return self

    def program(manager, names, fail_body):
        try:
            with manager(names) as tx:
                for db in names:
                    print(f"Result: {tx.execute(db, 'SELECT 1')}")
                if fail_body:
                    raise ValueError("Simulated error!")
        except ValueError as e:
            print(f"Caught: {e}")
        except ConnectionError as e:
            print(f"Transaction failed: {e}")

    cases, wants, seeds = [], [], []
    for n in range(0, 7):
        for bad in [None] + list(range(n)):
            for fail_body in (False, True):
                names = [f"bad{i + 1}" if i == bad else f"db{i + 1}" for i in range(n)]
                cases.append(f"partial {','.join(names) or '-'} {int(fail_body)}")
                wants.append(capture(program, StackManager, names, fail_body))
                seeds.append(capture(program, SeedManager, names, fail_body))
    divergent = 0
    for case, want, got, seed_out in zip(cases, wants, runner.drive(cases), seeds):
        runner.compare(case, want, got)
        if seed_out != want:
            divergent += 1
            runner.expect(f"{case}: the seed differs only when a connection fails",
                          "bad" in case, f"seed:\n{seed_out}ExitStack:\n{want}")
    runner.notes.append(f"partial: {divergent} cases where the seed's TransactionManager also "
                        "'disconnects' the connection that failed, first-in first-out")
    return len(cases)


def group_async(runner, rng):
    ns = load("async_exitstack")
    AsyncResource = ns["AsyncResource"]

    class FailingResource(AsyncResource):
        async def __aenter__(self):
            print(f"Acquiring {self.name}")
            await asyncio.sleep(0.05)
            raise RuntimeError(f"cannot acquire {self.name}")

    async def main(resources, fail_body):
        async with contextlib.AsyncExitStack() as stack:
            acquired = [
                await stack.enter_async_context(
                    FailingResource(r) if r.startswith("bad") else AsyncResource(r))
                for r in resources
            ]
            print("Using resources...")
            await asyncio.sleep(0.1)
            if fail_body:
                raise RuntimeError("body failed")
            print(f"Acquired {len(acquired)} resources")
        print("Done")

    def program(resources, fail_body):
        try:
            asyncio.run(main(resources, fail_body))
        except RuntimeError as e:
            print(f"Failed: {e}")

    cases, wants = [], []
    for n in range(0, 6):
        for bad in [None] + list(range(n)):
            for fail_body in (False, True):
                names = [f"bad{i + 1}" if i == bad else f"res{i + 1}" for i in range(n)]
                cases.append(f"async {','.join(names) or '-'} {int(fail_body)}")
                wants.append(capture(program, names, fail_body))
    for case, want, got in zip(cases, wants, runner.drive(cases)):
        runner.compare(case, want, got)
    return len(cases)


GROUPS = {"seed": group_seed, "exitstack": group_exitstack, "suppress": group_suppress,
          "partial": group_partial, "async": group_async}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit")  # every diff test gets it; this one needs only the driver
    parser.add_argument("--driver", required=True)
    parser.add_argument("group", choices=[*GROUPS, "all"])
    args = parser.parse_args()
    runner = Runner(os.path.abspath(args.driver))
    rng = random.Random(18)
    for name in GROUPS if args.group == "all" else [args.group]:
        fn = GROUPS[name]
        cases = fn(runner) if name == "seed" else fn(runner, rng)
        print(f"{name}: {cases} cases")
    for note in runner.notes:
        print(note)
    print(f"{runner.checks} checks, {runner.mismatches} mismatches")
    return 1 if runner.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
