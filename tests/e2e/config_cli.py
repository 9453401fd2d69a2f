#!/usr/bin/env python3
"""kit config end to end: the tutorials' programs against kit, crashes and concurrent writers,
bad input, layers and origins.

Usage: config_cli.py --kit PATH

- The cross-platform tutorial's ConfigManager usage run in Python and as kit commands with the
  same HOME: the same folder, values and file content.
- The copy tutorial's staging/production configs as overlays: the tutorial's printed values,
  the base file's bytes unchanged.
- 500 `kit config set` runs SIGKILLed at random points: the file always parses and holds the
  old or the new value; the next writer sweeps the temporary file a killed one left.
- 8 processes x 100 sets of distinct keys: nothing lost.
- Bad input (corrupt JSON, a non-object top level, a.b through a scalar, an unwritable folder, a
  held lock): `kit config: ...` naming the file, exit 2, the file's bytes unchanged.
- Layers: --env / KIT_ENV overlays, KIT_ variables only for keys a layer defines, -c,
  list --show-origin in git's form, get --json / --default, set --type, unset, clear.
"""
import argparse
import hashlib
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import time

import harness
from harness import check, check_equal, expect_code, kit

SEED_USAGE = r'''
import json, os, sys
from pathlib import Path

def get_app_config_dir(app_name):
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    config_dir = base / app_name
    config_dir.mkdir(parents=True, exist_ok=True)
    return config_dir

class ConfigManager:
    def __init__(self, app_name):
        self.config_dir = get_app_config_dir(app_name)
        self.config_file = self.config_dir / "config.json"
        self._data = self._load()
    def _load(self):
        if self.config_file.exists():
            try:
                return json.loads(self.config_file.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, OSError):
                return {}
        return {}
    def get(self, key, default=None):
        return self._data.get(key, default)
    def set(self, key, value):
        self._data[key] = value
        self._save()
    def _save(self):
        self.config_file.write_text(json.dumps(self._data, indent=2), encoding="utf-8")

config = ConfigManager("MyPythonApp")
config.set("theme", "dark")
config.set("font_size", 14)
config.set("recent_files", ["/home/user/doc.txt"])
print(json.dumps([str(config.config_dir), config.get("theme"), config.get("font_size"),
                  config.get("recent_files"), config.get("language", "en")]))
'''


def sha(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def env_with(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "XDG_"))}
    env.update(extra)
    return env


def test_seed_config_manager(tmp):
    py_home, kit_home = tmp / "py-home", tmp / "kit-home"
    py = subprocess.run([sys.executable, "-c", SEED_USAGE], capture_output=True, text=True,
                        env=env_with(HOME=str(py_home)), check=True)
    folder, theme, size, recent, language = json.loads(py.stdout)
    env = env_with(HOME=str(kit_home))
    for key, value in (("theme", "dark"), ("font_size", "14"),
                       ("recent_files", '["/home/user/doc.txt"]')):
        expect_code(f"set {key}", kit("config", "set", key, value, "--app", "MyPythonApp",
                                      env=env), 0)
    r = kit("config", "path", "--app", "MyPythonApp", env=env)
    check_equal("path as the seed's folder", r.out.strip(),
                folder.replace(str(py_home), str(kit_home)))
    check_equal("theme", kit("config", "get", "theme", "--app", "MyPythonApp", env=env).out,
                theme + "\n")
    check_equal("font_size", kit("config", "get", "font_size", "--app", "MyPythonApp",
                                 env=env).out, f"{size}\n")
    got_recent = kit("config", "get", "recent_files", "--app", "MyPythonApp", env=env).out
    check_equal("recent_files", json.loads(got_recent), recent)
    r = kit("config", "get", "language", "--default", "en", "--app", "MyPythonApp", env=env)
    check_equal("missing key with a default", r.out, language + "\n")
    r = kit("config", "get", "language", "--app", "MyPythonApp", env=env)
    if expect_code("missing key, no default: exit 1 as git", r, 1):
        check_equal("missing key prints nothing", r.out + r.err, "")
    seed_file = py_home / ".config/MyPythonApp/config.json"
    kit_file = kit_home / ".config/MyPythonApp/config.json"
    check_equal("the same document", json.loads(kit_file.read_text()),
                json.loads(seed_file.read_text()))
    check_equal("kit writes 2-space JSON with a final newline", kit_file.read_text(),
                seed_file.read_text() + "\n")
    check_equal("a new store is 0600", kit_file.stat().st_mode & 0o777, 0o600)


def test_environment_overlays(tmp):
    base = {"database": {"host": "localhost", "port": 5432, "name": "myapp_dev", "pool_size": 5},
            "cache": {"backend": "redis", "timeout": 300}, "debug": True,
            "allowed_hosts": ["localhost", "127.0.0.1"]}
    app = tmp / "app.json"
    app.write_text(json.dumps(base, indent=2))
    (tmp / "app.staging.json").write_text(json.dumps(
        {"database": {"host": "staging-db.internal", "name": "myapp_staging"}, "debug": False}))
    (tmp / "app.production.json").write_text(json.dumps(
        {"database": {"host": "prod-db.internal", "name": "myapp_prod", "pool_size": 20},
         "debug": False, "allowed_hosts": ["myapp.com", "www.myapp.com"]}))
    before = sha(app)
    env = env_with()
    get = lambda key, *more, **kw: kit("config", "get", key, "-f", app, *more,
                                       env=kw.get("env", env)).out.rstrip("\n")
    check_equal("Base allowed_hosts", get("allowed_hosts"), '["localhost","127.0.0.1"]')
    check_equal("Staging DB host", get("database.host", "--env", "staging"),
                "staging-db.internal")
    check_equal("Production hosts", get("allowed_hosts", "--env", "production"),
                '["myapp.com","www.myapp.com"]')
    check_equal("Production pool", get("database.pool_size", "--env", "production"), "20")
    check_equal("KIT_ENV picks the overlay",
                get("database.name", env=env_with(KIT_ENV="staging")), "myapp_staging")
    check_equal("--env wins over KIT_ENV",
                get("database.name", "--env", "production", env=env_with(KIT_ENV="staging")),
                "myapp_prod")
    check_equal("the staging overlay keeps the base's port",
                get("database.port", "--env", "staging"), "5432")
    check_equal("base bytes unchanged", sha(app), before)

    venv = env_with(KIT_ENV="production", KIT_DATABASE__POOL_SIZE="40", KIT_CACHE__BACKEND="memcached",
                    KIT_BOT_TOKEN="123:secret", KIT_JOBS_DB="/tmp/jobs.db")
    r = kit("config", "list", "-f", app, "--show-origin", "-c", "debug=true", env=venv)
    abs_app, abs_prod = str(app.resolve()), str((tmp / "app.production.json").resolve())
    want = (f"file:{abs_prod}\tdatabase.host=prod-db.internal\n"
            f"file:{abs_app}\tdatabase.port=5432\n"
            f"file:{abs_prod}\tdatabase.name=myapp_prod\n"
            f"env:KIT_DATABASE__POOL_SIZE\tdatabase.pool_size=40\n"
            f"env:KIT_CACHE__BACKEND\tcache.backend=memcached\n"
            f"file:{abs_app}\tcache.timeout=300\n"
            f"command line:\tdebug=true\n"
            f'file:{abs_prod}\tallowed_hosts=["myapp.com","www.myapp.com"]\n')
    if expect_code("list --show-origin", r, 0):
        check_equal("list --show-origin in git's form", r.out, want)
        check("a token in the environment is not configuration", "secret" not in r.out, r)
    r = kit("config", "list", "-f", app, "--json", env=venv)
    if expect_code("list --json", r, 0):
        doc = json.loads(r.out)
        check_equal("list --json nests", doc["database"]["pool_size"], 40)
        check("list --json has no jobs_db", "jobs_db" not in doc, r)
    check_equal("get --json of a string", get("database.host", "--json"), '"localhost"')
    check_equal("get --json of a number", get("database.port", "--json"), "5432")


def test_set_types_unset_clear(tmp):
    f = tmp / "types.json"
    env = env_with()
    cases = [("--type", "string", "14", '"14"'), ("--type", "int", "14", "14"),
             ("--type", "float", "2.5", "2.5"), ("--type", "bool", "yes", "true"),
             ("--type", "json", '{"a":[1]}', '{"a":[1]}')]
    for _, type_, value, want in cases:
        r = kit("config", "set", "v", value, "--type", type_, "-f", f, env=env)
        expect_code(f"set --type {type_}", r, 0)
        check_equal(f"set --type {type_}", kit("config", "get", "v", "--json", "-f", f,
                                               env=env).out, want + "\n")
    for type_, value in (("int", "1.5"), ("bool", "maybe"), ("json", "{"), ("float", "nan"),
                         ("date", "x")):
        before = sha(f)
        r = kit("config", "set", "v", value, "--type", type_, "-f", f, env=env)
        if expect_code(f"set --type {type_} {value}: refused", r, 2):
            check(f"set --type {type_}: message", r.err.startswith("kit config: "), r)
        check_equal(f"set --type {type_} {value}: file unchanged", sha(f), before)
    expect_code("set a dotted key", kit("config", "set", "a.b\\.c", "1", "-f", f, env=env), 0)
    check_equal("escaped dot is a name", json.loads(f.read_text())["a"], {"b.c": 1})
    expect_code("unset", kit("config", "unset", "a.b\\.c", "-f", f, env=env), 0)
    r = kit("config", "unset", "a.b\\.c", "-f", f, env=env)
    expect_code("unset of a missing key: exit 1", r, 1)
    r = kit("config", "clear", "-f", f, env=env)  # not a terminal: no question
    expect_code("clear", r, 0)
    check("clear removes the file", not f.exists())
    expect_code("clear of nothing", kit("config", "clear", "-f", f, env=env), 0)


def clear_on_terminal(path, answer):
    """`kit config clear -f PATH` with a terminal on stdin, answering `answer`: (exit, prompt)."""
    import pty
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([harness._kit, "config", "clear", "-f", str(path)], stdin=terminal,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_with())
    os.close(terminal)
    os.write(controller, answer.encode() + b"\n")
    out, err = proc.communicate(timeout=30)
    os.close(controller)
    return proc.returncode, err.decode()


def test_clear_asks_on_a_terminal(tmp):
    f = tmp / "asked.json"
    f.write_text('{"a": 1}\n')
    code, prompt = clear_on_terminal(f, "n")
    check_equal("clear on a terminal asks", prompt, f"Remove {f}? [y/N] ")
    check_equal("clear declined: exit 1", code, 1)
    check("clear declined: the file stays", f.exists())
    code, _ = clear_on_terminal(f, "y")
    check_equal("clear confirmed: exit 0", code, 0)
    check("clear confirmed: the file is gone", not f.exists())


def test_bad_input(tmp):
    env = env_with()
    cases = {
        "corrupt.json": ('{\n  "theme": "dark",\n  oops\n}\n', "corrupt.json:3:3: not valid JSON"),
        "array.json": ("[1, 2]\n", "the top level is an array, not an object"),
        "scalar-parent.json": ('{"a": 3}\n', "cannot set 'a.b': 'a' is a number, not an object"),
        "deep.json": ("[" * 100000 + "]" * 100000, "nested more than 512 levels deep"),
        "bom-crlf-bad.json": ('\ufeff{\r\n  "a": 1,\r\n}\r\n', "bom-crlf-bad.json:3:1"),
    }
    for name, (text, message) in cases.items():
        path = tmp / name
        path.write_text(text, encoding="utf-8", newline="")
        before = sha(path)
        forms = [("set", "a.b", "1")]
        if name != "scalar-parent.json":  # the others fail to load: every command refuses
            forms += [("get", "a"), ("list",), ("unset", "a")]
        for args in forms:
            r = kit("config", *args, "-f", path, env=env)
            if expect_code(f"{name}: {args[0]}", r, 2):
                check(f"{name}: {args[0]}: names the file and the problem",
                      r.err.startswith("kit config: ") and message in r.err
                      and name in r.err, r)
        check_equal(f"{name}: bytes unchanged", sha(path), before)

    # A held lock: the writer gives up after --wait and changes nothing.
    held = tmp / "held.json"
    held.write_text('{"a": 1}\n')
    lock_fd = os.open(str(held) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    import fcntl
    fcntl.flock(lock_fd, fcntl.LOCK_EX)
    r = kit("config", "set", "a", "2", "-f", held, "--wait", "200ms", env=env)
    if expect_code("held lock: exit 2", r, 2):
        check("held lock: message", "still locked by another writer after 200 ms" in r.err, r)
    check_equal("held lock: unchanged", held.read_text(), '{"a": 1}\n')
    os.close(lock_fd)
    expect_code("lock released: set works", kit("config", "set", "a", "2", "-f", held, env=env), 0)

    # An unwritable folder (as nobody: root writes anywhere).
    locked_dir = tmp / "readonly"
    locked_dir.mkdir(mode=0o755)
    (locked_dir / "c.json").write_text('{"a": 1}\n')
    os.chmod(locked_dir / "c.json", 0o644)
    r = subprocess.run([harness._kit, "config", "set", "a", "2", "-f", str(locked_dir / "c.json")],
                       capture_output=True, text=True, env=env,
                       preexec_fn=(lambda: (os.setgid(65534), os.setuid(65534)))
                       if os.geteuid() == 0 else None)
    check_equal("unwritable folder: exit 2", r.returncode, 2)
    check("unwritable folder: names the file", "c.json" in r.stderr and
          r.stderr.startswith("kit config: "), r.stderr)
    check_equal("unwritable folder: unchanged", (locked_dir / "c.json").read_text(), '{"a": 1}\n')


def temps(folder, name):
    return [p for p in folder.iterdir() if p.name.startswith(f".{name}.tmp-")]


def test_sigkill(tmp, rounds):
    """Writers killed at random points never leave a broken file."""
    f = tmp / "killed.json"
    rng = random.Random(17)
    env = env_with()
    # Some bulk, so that the write and its fsync take a measurable part of a run.
    f.write_text(json.dumps({"bulk": {f"k{i}": "x" * 64 for i in range(2000)}}, indent=2))
    start = time.monotonic()
    expect_code("killed: timing run", kit("config", "set", "counter", "0", "-f", f, env=env), 0)
    full = time.monotonic() - start
    current, killed, left_temps = 0, 0, 0
    for i in range(1, rounds + 1):
        proc = subprocess.Popen([harness._kit, "config", "set", "counter", str(i), "-f", str(f)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A random point of the run: wait for the end up to then, else kill.
        # Half the points anywhere in a run, half in its last part, where it writes (start-up,
        # under the sanitizers, is most of a run).
        point = rng.uniform(0, full) if i % 2 else rng.uniform(0.6 * full, 1.1 * full)
        if not harness.exited(proc.pid, point):
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        try:
            doc = json.loads(f.read_text())
        except (OSError, ValueError) as e:
            check(f"killed run {i}: the file parses ({e})", False)
            return
        if not check(f"killed run {i}: counter {doc.get('counter')} is {current} or {i}",
                     doc.get("counter") in (current, i)):
            return
        check(f"killed run {i}: bulk intact", len(doc["bulk"]) == 2000)
        current = doc["counter"]
        left = temps(tmp, "killed.json")
        left_temps += len(left)
        check(f"killed run {i}: at most the last killed writer's temporary file", len(left) <= 1)
    expect_code("killed: a last writer", kit("config", "set", "done", "true", "-f", f, env=env), 0)
    check_equal("the last writer swept the temporary files", temps(tmp, "killed.json"), [])
    print(f"sigkill: {rounds} runs, {killed} killed, {left_temps} temporary files left "
          f"behind (each swept by the next writer)")


def test_concurrent_writers(tmp):
    f = tmp / "shared.json"
    script = ('for i in $(seq 1 100); do "$0" config set "w$1.k$i" "$i" -f "$2" || exit 1; done')
    procs = [subprocess.Popen(["sh", "-c", script, harness._kit, str(w), str(f)],
                              env=env_with()) for w in range(8)]
    codes = [p.wait(timeout=600) for p in procs]
    check_equal("8 writers: every set succeeded", codes, [0] * 8)
    doc = json.loads(f.read_text())
    lost = [(w, i) for w in range(8) for i in range(1, 101)
            if doc.get(f"w{w}", {}).get(f"k{i}") != i]
    check_equal("8 writers x 100 sets: nothing lost", lost, [])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kit-config-") as scratch:
        tmp = pathlib.Path(scratch)
        os.chmod(tmp, 0o755)  # the unwritable-folder case runs as nobody inside
        harness.use(kit=os.path.abspath(args.kit), cwd=scratch, env=env_with())
        for test in (test_seed_config_manager, test_environment_overlays,
                     test_set_types_unset_clear, test_clear_asks_on_a_terminal, test_bad_input, test_concurrent_writers):
            sub = tmp / test.__name__
            sub.mkdir(mode=0o755)
            began = time.monotonic()
            test(sub)
            print(f"{test.__name__}: {time.monotonic() - began:.1f}s")
        sub = tmp / "sigkill"
        sub.mkdir()
        test_sigkill(sub, args.rounds)
    return harness.report("config", start)


if __name__ == "__main__":
    sys.exit(main())
