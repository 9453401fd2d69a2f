#!/usr/bin/env python3
"""kit as a user installs it: `cmake --install` of this build into a temporary prefix, then a
project outside the tree (consumer/) configured with find_package(kit), built and run.

usage: install_test.py --build BUILD_DIR --cmake CMAKE --cxx CXX [--generator G] [--build-type T]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
EXPECTED_OUTPUT = ("leapdays(2000, 2100) = 25\n"
                   "sha256(abc) = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n")
# What an install holds besides the libraries (paths relative to the prefix).
EXPECTED_FILES = [
    "bin/kit", "include/kit/calendar.hpp", "include/kit/hash.hpp", "include/kit/core/error.hpp",
    "share/bash-completion/completions/kit", "share/zsh/site-functions/_kit",
    "share/fish/vendor_completions.d/kit.fish",
]


def run(cmd, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, cmd))} exited {proc.returncode}\n"
                 f"{proc.stdout}{proc.stderr}")
    return proc.stdout


def personalities():
    """The KIT_PERSONALITY rows of src/cli/commands.def: each is a symlink to kit."""
    table = (HERE.parents[1] / "src" / "cli" / "commands.def").read_text()
    return [line.split("(")[1].split(",")[0] for line in table.splitlines()
            if line.startswith("KIT_PERSONALITY(")]


def check_prefix(prefix):
    failures = []
    for path in EXPECTED_FILES:
        if not (prefix / path).is_file():
            failures.append(f"{path} is not installed")
    for alias in personalities():
        link = prefix / "bin" / alias
        if not link.is_symlink() or os.readlink(link) != "kit":
            failures.append(f"bin/{alias} is not a symlink to kit")
    configs = list(prefix.glob("lib*/**/cmake/kit/kitConfig.cmake"))
    if len(configs) != 1:
        failures.append(f"expected one kitConfig.cmake, found {configs}")
        return failures
    cmake_dir = configs[0].parent
    for name in ["kitConfigVersion.cmake", "kitTargets.cmake", "kitDependencies.cmake"]:
        if not (cmake_dir / name).is_file():
            failures.append(f"{name} is not installed beside kitConfig.cmake")
    for module in ["core", "binary", "calendar", "hash", "logs", "timing", "sched"]:
        if not list(prefix.glob(f"lib*/**/libkit_{module}.a")):
            failures.append(f"libkit_{module}.a is not installed")
    # kit's warning flags and its build tree stay out of what consumers link.
    targets = "".join(p.read_text() for p in cmake_dir.glob("kitTargets*.cmake"))
    for leak in ["kit_options", "-Wconversion", str(HERE.parents[1] / "include")]:
        if leak in targets:
            failures.append(f"the exported targets mention {leak}")
    if "add_library(kit::calendar STATIC IMPORTED)" not in targets:
        failures.append("kit::calendar is not exported")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--cmake", required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--generator", default="Ninja")
    parser.add_argument("--build-type", default="Release")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kit-install-") as tmp:
        prefix = pathlib.Path(tmp) / "prefix"
        run([opts.cmake, "--install", opts.build, "--prefix", prefix])
        failures = check_prefix(prefix)
        build = pathlib.Path(tmp) / "consumer"
        run([opts.cmake, "-S", HERE / "consumer", "-B", build, "-G", opts.generator,
             f"-DCMAKE_BUILD_TYPE={opts.build_type}", f"-DCMAKE_CXX_COMPILER={opts.cxx}",
             f"-DCMAKE_PREFIX_PATH={prefix}"])
        run([opts.cmake, "--build", build])
        output = run([build / "consumer"])
        if output != EXPECTED_OUTPUT:
            failures.append(f"the consumer printed\n{output}instead of\n{EXPECTED_OUTPUT}")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("installed, found, built and ran the consumer" if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
