#!/usr/bin/env python3
"""Differential test: kit::config::PlatformDirs (through tests/diff/config_dirs_driver) against
Debian's python3-platformdirs 2.6.0 -- its Unix, MacOS and Windows classes with HOME and the
environment injected through os.environ -- and against the seed's get_app_config_dir.

platformdirs is installed for /usr/bin/python3 only: run by another interpreter, the script
runs itself again under /usr/bin/python3.

Usage: config_dirs_vs_platformdirs.py --kit PATH --driver PATH [--cases N] [--seed S] GROUP

Each group generates its cases (apps, authors None/False/str, versions, roaming, multipath,
HOME, variables set, empty, blank or unset), runs the driver once on all of them (one JSON case
per line in, the eight folders per line out) and computes the reference in this one process.
Groups:
  linux          the Unix class: every XDG variable random, blank or unset.
  macos          the MacOS class, with no XDG variable set (blank ones are unset); the config
                 folders are left to `deviations`.
  windows        the Windows class as it runs on Windows: its module's os.path is ntpath, its
                 folders come from APPDATA, LOCALAPPDATA and ALLUSERSPROFILE (what it reads off
                 Windows: get_win_folder_from_env_vars). Where that raises (a variable unset)
                 kit says config.dirs; kit also refuses an empty variable (2.6 would use ".").
  stock-windows  the same class unpatched, as it runs on Linux (posixpath joins with '/'),
                 on clean values: equal once '/' is read as '\\'.
  deviations     the two declared ones: (a) macOS config (user and site) is platformdirs'
                 Application Support folder, not Preferences; (b) on macOS an XDG variable
                 that is set gives the Unix class's folder for the kind it names.
  seed           the seed's get_app_config_dir("MyPythonApp") (tutorials.txt, Cross-Platform
                 Config Manager) on Linux equals PlatformDirs{app, no_author}.user_config_dir()
                 for a few HOME and XDG_CONFIG_HOME values (in a temporary folder: it mkdirs).
Exit status: 0 when everything matches, 1 on any mismatch (the first 20 are printed).
"""
import os
import sys

REFERENCE_PYTHON = "/usr/bin/python3"


def _run_under_reference_python():
    try:
        import platformdirs
        if platformdirs.__version__ == "2.6.0":
            return
    except ImportError:
        pass
    if (os.path.exists(REFERENCE_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(REFERENCE_PYTHON)):
        os.execv(REFERENCE_PYTHON,
                 [REFERENCE_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("platformdirs 2.6.0 is not installed for /usr/bin/python3 "
             "(Debian package python3-platformdirs)")


_run_under_reference_python()

import argparse  # noqa: E402
import json  # noqa: E402
import ntpath  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

import platformdirs.windows as windows_module  # noqa: E402
from platformdirs.macos import MacOS  # noqa: E402
from platformdirs.unix import Unix  # noqa: E402
from platformdirs.windows import Windows  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner  # noqa: E402

KINDS = ["config", "data", "cache", "state", "log", "runtime"]
SITE_KINDS = ["site_config", "site_data"]
XDG_HOME = {"config": "XDG_CONFIG_HOME", "data": "XDG_DATA_HOME", "cache": "XDG_CACHE_HOME",
            "state": "XDG_STATE_HOME", "runtime": "XDG_RUNTIME_DIR"}
XDG_DIRS = {"site_config": "XDG_CONFIG_DIRS", "site_data": "XDG_DATA_DIRS"}
WINDOWS_VARS = ["APPDATA", "LOCALAPPDATA", "ALLUSERSPROFILE"]
BLANKS = ["", " ", "\t\n", "\u00a0", "\u3000", " \x1c "]

# The Windows module as on Windows: ntpath for its joins, the environment for its folders
# (not lru_cached: each case has its own environment).
NT_OS = types.SimpleNamespace(path=ntpath, environ=os.environ)
windows_module.get_win_folder = windows_module.get_win_folder_from_env_vars

# ----- generated values

APPS = [None, "", "App", "MyPythonApp", "my app", "\u00fcn\u00efcode", "a/b", "/abs", "..",
        ".", "x\\y", "App.v2", "C:drive", "\u65e5\u672c"]
AUTHORS = [None, False, "", "Acme", "Acme Inc", "/abs", "C:", "a\\b", "\\\\srv\\share", "x/y",
           "D:\\abs"]
VERSIONS = [None, "", "1.0", "2", "../x", "v 3", "/abs"]
HOMES = ["/home/alice", "/", "", "/home/bob/", "/root//", "/tmp/\u00e9t\u00e9",
         "relative/home", "/home/with space"]
XDG_VALUES = ["/x/y", "/x/y/", "rel/dir", "~", "~/foo", "~root/foo", "~nosuchuser-kit/foo",
              "/a b/c", "//double", " /lead", "/trail ", "/\u00e9"]
XDG_LISTS = ["/a:/b", "/a::/b", ":/a", "~/s:/t", "/only", "/a/:/b/", "~root", "/a:", "rel:/abs",
             "/a:/b:/c:/d"]
WINDOWS_VALUES = ["C:\\Users\\alice\\AppData\\Local", "C:/Users/alice/AppData/Roaming/",
                  "D:\\x\\..\\y", "\\\\server\\share\\dir", "\\\\?\\UNC\\srv\\sh\\d", "c:",
                  "C:\\", "relative\\path", "C:\\a\\.\\b\\\\c", "\\\\server", "/unix/style",
                  "..\\up", "  ", "\u00e9:\\dir", "C:\\..\\..\\x", "\\\\srv\\sh", "x:y\\z"]


def pick_variable(rng, values, unset_weight=3):
    """None (unset), a blank value or one of values."""
    roll = rng.random()
    if roll < unset_weight / 10:
        return None
    if roll < 0.5:
        return rng.choice(BLANKS)
    return rng.choice(values)


def base_case(rng, os_name):
    return {"os": os_name, "app": rng.choice(APPS), "author": rng.choice(AUTHORS),
            "version": rng.choice(VERSIONS), "roaming": rng.random() < 0.5,
            "multipath": rng.random() < 0.5, "home": rng.choice(HOMES), "env": {}}


def unix_case(rng, os_name, xdg=True):
    case = base_case(rng, os_name)
    if xdg:
        for name in XDG_HOME.values():
            case["env"][name] = pick_variable(rng, XDG_VALUES)
        for name in XDG_DIRS.values():
            case["env"][name] = pick_variable(rng, XDG_LISTS)
    else:  # macOS without XDG: unset or blank only
        for name in [*XDG_HOME.values(), *XDG_DIRS.values()]:
            case["env"][name] = rng.choice([None, *BLANKS])
    case["env"]["UNRELATED"] = "x"
    return drop_unset(case)


def windows_case(rng):
    case = base_case(rng, "windows")
    for name in WINDOWS_VARS:
        case["env"][name] = (None if rng.random() < 0.05 else
                             "" if rng.random() < 0.05 else rng.choice(WINDOWS_VALUES))
    return drop_unset(case)


def clean_name(rng):
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 ._-"
    return rng.choice("ABCDEFGHabcdefgh") + "".join(
        rng.choice(letters) for _ in range(rng.randint(0, 10))).rstrip(" .")


def stock_windows_case(rng):
    case = base_case(rng, "windows")
    case["app"] = rng.choice([None, clean_name(rng)])
    case["author"] = rng.choice([None, False, clean_name(rng)])
    case["version"] = rng.choice([None, clean_name(rng)])
    user = clean_name(rng)
    case["env"] = {"APPDATA": f"C:\\Users\\{user}\\AppData\\Roaming",
                   "LOCALAPPDATA": f"C:\\Users\\{user}\\AppData\\Local",
                   "ALLUSERSPROFILE": rng.choice(["C:\\ProgramData", "D:\\All Users"])}
    return case


def drop_unset(case):
    case["env"] = {k: v for k, v in case["env"].items() if v is not None}
    return case


# ----- the two sides

def run_driver(driver, cases):
    lines = "".join(json.dumps({**c, "app": c["app"] or "", "version": c["version"] or ""}) + "\n"
                    for c in cases)
    out = subprocess.run([driver], input=lines.encode(), capture_output=True, check=True).stdout
    results = [json.loads(line) for line in out.decode().splitlines()]
    if len(results) != len(cases):
        sys.exit(f"driver printed {len(results)} lines for {len(cases)} cases")
    return results


def set_environment(case):
    os.environ.clear()
    os.environ.update(case["env"])
    os.environ["HOME"] = case["home"]


def make_dirs(cls, case):
    return cls(appname=case["app"], appauthor=case["author"], version=case["version"],
               roaming=case["roaming"], multipath=case["multipath"])


def folders(dirs):
    """{kind: folder or {"error": ...}} from a platformdirs object."""
    out = {}
    for kind in KINDS + SITE_KINDS:
        attr = f"{kind}_dir" if kind.startswith("site_") else f"user_{kind}_dir"
        try:
            out[kind] = getattr(dirs, attr)
        except ValueError as e:  # a Windows variable unset
            out[kind] = {"error": "config.dirs", "python": str(e)}
    return out


def windows_reference(case, nt=True):
    windows_module.os = NT_OS if nt else os
    try:
        want = folders(make_dirs(Windows, case))
    finally:
        windows_module.os = os
    # kit refuses an empty variable where 2.6 would make it "." (the current folder).
    empty = {name for name in WINDOWS_VARS if case["env"].get(name) == ""}
    used = {"config": ["APPDATA" if case["roaming"] else "LOCALAPPDATA"],
            "cache": ["LOCALAPPDATA"], "runtime": ["LOCALAPPDATA"],
            "site_config": ["ALLUSERSPROFILE"], "site_data": ["ALLUSERSPROFILE"]}
    for kind in KINDS + SITE_KINDS:
        variables = used.get(kind, used["config"])
        if empty.intersection(variables) and not isinstance(want[kind], dict):
            want[kind] = {"error": "config.dirs", "python": f"empty variable: {want[kind]!r}"}
    return want


def same(got, want):
    if isinstance(want, dict):
        return isinstance(got, dict) and got.get("error") == want["error"]
    return got == want


def compare(runner, group, cases, results, reference, kinds=KINDS + SITE_KINDS,
            normalise=None):
    for case, got in zip(cases, results):
        set_environment(case)
        want = reference(case)
        for kind in kinds:
            if kind not in want:
                continue
            g, w = got[kind], want[kind]
            if normalise and isinstance(w, str):
                w = normalise(w)
            runner.expect(f"{group} {kind}", same(g, w),
                          f"case {json.dumps(case, ensure_ascii=False)}\n"
                          f"platformdirs: {w!r}\nkit:          {g!r}")


# ----- groups

def group_linux(runner, driver, rng, n):
    cases = [unix_case(rng, "linux") for _ in range(n)]
    compare(runner, "linux", cases, run_driver(driver, cases),
            lambda c: folders(make_dirs(Unix, c)))


def group_macos(runner, driver, rng, n):
    cases = [unix_case(rng, "macos", xdg=False) for _ in range(n)]
    kinds = [k for k in KINDS + SITE_KINDS if k not in ("config", "site_config")]  # deviation (a)
    compare(runner, "macos", cases, run_driver(driver, cases),
            lambda c: folders(make_dirs(MacOS, c)), kinds)


def group_windows(runner, driver, rng, n):
    cases = [windows_case(rng) for _ in range(n)]
    compare(runner, "windows", cases, run_driver(driver, cases), windows_reference)


def group_stock_windows(runner, driver, rng, n):
    cases = [stock_windows_case(rng) for _ in range(n)]
    compare(runner, "stock-windows", cases, run_driver(driver, cases),
            lambda c: windows_reference(c, nt=False), normalise=lambda p: p.replace("/", "\\"))


def deviation_reference(case):
    """What kit's macOS folders are: platformdirs' MacOS class, with (a) config = its
    Application Support folder and (b) a kind whose XDG variable is set from the Unix class."""
    mac = folders(make_dirs(MacOS, case))
    unix = folders(make_dirs(Unix, case))
    want = dict(mac)
    want["config"] = mac["data"]
    want["site_config"] = mac["site_data"]
    for kind, name in {**XDG_HOME, **XDG_DIRS}.items():
        if os.environ.get(name, "").strip():
            want[kind] = unix[kind]
    return want


def group_deviations(runner, driver, rng, n):
    # (a) alone: no XDG variable, config in Application Support (user and site) ...
    cases = [unix_case(rng, "macos", xdg=False) for _ in range(n // 4)]
    results = run_driver(driver, cases)
    moved = 0
    for case, got in zip(cases, results):
        set_environment(case)
        mac = make_dirs(MacOS, case)
        runner.expect("deviation (a) config", got["config"] == mac.user_data_dir,
                      f"{case}: {got['config']!r}")
        moved += got["config"] != mac.user_config_dir  # not 2.6's Preferences (unless an
        # absolute app or version replaced the base in both)
        runner.expect("deviation (a) site_config", got["site_config"] == mac.site_data_dir,
                      f"{case}: {got['site_config']!r}")
    runner.expect("deviation (a) leaves Preferences", moved > len(cases) // 2,
                  f"only {moved} of {len(cases)} config folders differ from 2.6's")
    # ... and (b): XDG variables set at random, each kind checked.
    cases = [unix_case(rng, "macos") for _ in range(n)]
    compare(runner, "deviations", cases, run_driver(driver, cases), deviation_reference)


SEED_SOURCE = '''
def get_app_config_dir(app_name: str) -> Path:
    """Return the platform-correct config directory for this app."""
    if sys.platform == "win32":
        # Windows: %APPDATA%\\AppName
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        # macOS: ~/Library/Application Support/AppName
        base = Path.home() / "Library" / "Application Support"
    else:
        # Linux/Unix: ~/.config/AppName (XDG spec)
        base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))

    config_dir = base / app_name
    config_dir.mkdir(parents=True, exist_ok=True)
    return config_dir
'''


def group_seed(runner, driver, rng, n):
    namespace = {"Path": Path, "os": os, "sys": sys}
    exec(SEED_SOURCE, namespace)  # the seed's function, as tutorials.txt prints it
    seed = namespace["get_app_config_dir"]
    tmp = tempfile.mkdtemp(prefix="kit-seed-dirs-")
    try:
        cases = []
        for i, (home, xdg) in enumerate([("home", None), ("home/", None), ("h o m e", None),
                                         ("home", "xdg"), ("home", "xdg/"),
                                         ("home", "deep/er/xdg")]):
            env = {} if xdg is None else {"XDG_CONFIG_HOME": os.path.join(tmp, f"{i}", xdg)}
            cases.append({"os": "linux", "app": "MyPythonApp", "author": False, "version": None,
                          "roaming": False, "multipath": False,
                          "home": os.path.join(tmp, f"{i}", home), "env": env})
        results = run_driver(driver, cases)
        for case, got in zip(cases, results):
            set_environment(case)
            want = str(seed("MyPythonApp"))
            runner.expect("seed get_app_config_dir", got["config"] == want,
                          f"{case}\nseed: {want!r}\nkit:  {got['config']!r}")
    finally:
        shutil.rmtree(tmp)


GROUPS = {"linux": group_linux, "macos": group_macos, "windows": group_windows,
          "stock-windows": group_stock_windows, "deviations": group_deviations,
          "seed": group_seed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--driver", required=True)
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("group", choices=[*GROUPS, "all"])
    args = parser.parse_args()
    runner = Runner(args.kit, max_reports=20)
    for name, group in GROUPS.items():
        if args.group in (name, "all"):
            checks = runner.checks
            group(runner, args.driver, random.Random(f"{args.seed}-{name}"), args.cases)
            print(f"{name}: {runner.checks - checks} checks")
    print(f"{runner.checks} checks, {runner.mismatches} mismatches "
          f"(platformdirs 2.6.0 under {sys.executable})")
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
