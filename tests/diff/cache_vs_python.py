#!/usr/bin/env python3
"""Differential test: the weakref tutorial's ImageLoader (image_cache.py) on kit::cache::WeakCache
(through tests/diff/cache_driver) against the seed's own Python code run by CPython, compared
byte for byte.

Usage: cache_vs_python.py --kit PATH --driver PATH GROUP   (GROUP: seed, random or all)

Groups:
  seed    the tutorial's run: `cache_driver seed` (the run written in C++) prints what CPython
          prints for the seed's code. CPython's output is the reference; the tutorial's printed
          Output block is checked against it too, and reported (not failed) if it disagrees.
          (It agrees: CPython frees an object when its last reference goes, so `del` alone
          evicts, as the tutorial's FAQ says.)
  random  generated programs on the seed's ImageLoader classes — loads into variables
          (reassigning a variable frees what it held only after the load), `del`s, prints of
          an image and of len(loader._cache) — run by CPython, and the same ops run by
          `cache_driver script`; one driver run and one Python process for every program.
Exit status: 0 when everything matches, 1 on any mismatch (the first 10 are printed).
"""
import argparse
import contextlib
import io
import random
import subprocess
import sys

# The seed's image_cache.py, verbatim (tutorials.txt, "How To Use Python weakref ...").
SEED = '''\
# image_cache.py
import weakref
import gc

class Image:
    def __init__(self, path, data):
        self.path = path
        self.data = data
        self.size = len(data)

    def __repr__(self):
        return f"Image({self.path!r}, {self.size} bytes)"

class ImageLoader:
    def __init__(self):
        self._cache = weakref.WeakValueDictionary()
        self._load_count = 0

    def load(self, path):
        img = self._cache.get(path)
        if img is not None:
            print(f"  [cache hit]  {path}")
            return img
        self._load_count += 1
        fake_data = b"x" * (1024 * (self._load_count * 10))
        img = Image(path, fake_data)
        self._cache[path] = img
        print(f"  [cache miss] {path} -- loaded {img.size} bytes")
        return img

loader = ImageLoader()

print("-- First load --")
hero_ref = loader.load("hero.png")
bg_ref = loader.load("background.png")

print("-- Second load (cached) --")
hero_ref2 = loader.load("hero.png")

print("-- Drop hero refs --")
del hero_ref, hero_ref2
gc.collect()

print("-- Reload after GC --")
hero_ref3 = loader.load("hero.png")   # cache miss -- object was collected
'''

# What the tutorial says it prints.
SEED_OUTPUT = '''\
-- First load --
  [cache miss] hero.png -- loaded 10240 bytes
  [cache miss] background.png -- loaded 20480 bytes
-- Second load (cached) --
  [cache hit]  hero.png
-- Drop hero refs --
-- Reload after GC --
  [cache miss] hero.png -- loaded 30720 bytes
'''

# The classes alone: everything before the run.
CLASSES = SEED[:SEED.index("loader = ImageLoader()")]


def run_python(source):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<image_cache>", "exec"), {"__name__": "__image_cache__"})
    return out.getvalue().encode()


def check_seed(driver):
    want = run_python(SEED)
    if want != SEED_OUTPUT.encode():
        print("note: CPython's output differs from the tutorial's printed Output; CPython wins")
        print("  CPython:  " + repr(want))
        print("  tutorial: " + repr(SEED_OUTPUT))
    got = subprocess.run([driver, "seed"], capture_output=True, check=True).stdout
    if got != want:
        print("MISMATCH seed")
        print("  CPython: " + repr(want))
        print("  kit:     " + repr(got))
        return 1
    print(f"seed: {len(want.splitlines())} lines identical")
    return 0


def generate(rng, n):
    """A program as (python source, driver ops)."""
    paths = [f"img{i}.png" for i in range(rng.randint(1, 6))] + ["hero.png"]
    names = [f"v{i}" for i in range(rng.randint(1, 5))]
    py = [CLASSES, "loader = ImageLoader()"]
    ops = ["reset"]
    bound = set()
    for step in range(n):
        r = rng.random()
        if r < 0.5:
            var, path = rng.choice(names), rng.choice(paths)
            py.append(f"{var} = loader.load({path!r})")
            ops.append(f"load {var} {path}")
            bound.add(var)
        elif r < 0.75 and bound:
            var = rng.choice(sorted(bound))
            py += [f"del {var}", "gc.collect()"]
            ops.append(f"del {var}")
            bound.discard(var)
        elif r < 0.85 and bound:
            var = rng.choice(sorted(bound))
            py.append(f"print({var})")
            ops.append(f"show {var}")
        elif r < 0.95:
            py.append("print(len(loader._cache))")
            ops.append("len")
        else:
            text = f"-- step {step} --"
            py.append(f"print({text!r})")
            ops.append(f"print {text}")
    return "\n".join(py) + "\n", ops


def check_random(driver, count=400):
    rng = random.Random(18)
    programs = [generate(rng, rng.randint(1, 60)) for _ in range(count)]
    ops = []
    for i, (_, program_ops) in enumerate(programs):
        ops += program_ops + [f"print == program {i} =="]
    got = subprocess.run([driver, "script"], input="\n".join(ops).encode() + b"\n",
                         capture_output=True, check=True).stdout
    want = b"".join(run_python(source) + f"== program {i} ==\n".encode()
                    for i, (source, _) in enumerate(programs))
    got_parts = got.split(b"== program ")
    want_parts = want.split(b"== program ")
    mismatches = 0
    for i, (w, g) in enumerate(zip(want_parts, got_parts)):
        if w != g:
            mismatches += 1
            if mismatches <= 10:
                print(f"MISMATCH program {i}:")
                print("  source:\n    " + programs[i][0][len(CLASSES):].replace("\n", "\n    "))
                print("  CPython: " + repr(w))
                print("  kit:     " + repr(g))
    if len(got_parts) != len(want_parts):
        mismatches += 1
        print(f"MISMATCH: {len(got_parts)} parts from kit, {len(want_parts)} from CPython")
    lines = want.count(b"\n")
    print(f"random: {count} programs, {lines} lines, {mismatches} mismatches")
    return 1 if mismatches else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit")  # every diff test gets it; this one needs only the driver
    parser.add_argument("--driver", required=True)
    parser.add_argument("group", choices=["seed", "random", "all"])
    args = parser.parse_args()
    rc = 0
    if args.group in ("seed", "all"):
        rc |= check_seed(args.driver)
    if args.group in ("random", "all"):
        rc |= check_random(args.driver)
    return rc


if __name__ == "__main__":
    sys.exit(main())
