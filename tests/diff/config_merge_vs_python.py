#!/usr/bin/env python3
"""Differential test: kit::config's RFC 7396 merge against a Python reference, and against the
copy tutorial's create_env_config where that function is defined.

Usage: config_merge_vs_python.py --kit PATH --driver PATH GROUP   (GROUP: rfc7396, seed, cli, all)

Groups:
  rfc7396  4,000 generated [target, patch, patch...] lists (nested objects, arrays, nulls,
           unicode keys, numbers) through tests/diff/config_driver in one run; the merged
           document equals RFC 7396's MergePatch pseudocode in Python, keys in the same order.
  seed     2,000 generated base/override pairs inside the seed's domain (overrides of depth
           <= 2, no nulls, a dict override only over a dict or a missing key): equal to the
           tutorial's create_env_config (copy.deepcopy + update), and the base is untouched.
  cli      300 runs of `kit config merge BASE OVERLAY...` on generated files: output equals the
           reference printed as json.dumps(indent=2) (LF, final newline) and the files' bytes
           are unchanged.
Exit status: 0 when everything matches, 1 on any mismatch (the first 20 are printed).
"""
import argparse
import copy
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

KEYS = ["a", "b", "c", "database", "host", "port", "pool_size", "debug", "ü", "key.with.dots", ""]


def merge_patch(target, patch):
    """RFC 7396 section 2, as written."""
    if isinstance(patch, dict):
        if not isinstance(target, dict):
            target = {}
        for name, value in patch.items():
            if value is None:
                target.pop(name, None)
            else:
                target[name] = merge_patch(target.get(name), value)
        return target
    return patch


def create_env_config(base, overrides):
    """The copy tutorial's function, verbatim."""
    config = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and key in config:
            config[key].update(value)
        else:
            config[key] = value
    return config


def scalar(rng, nulls):
    choices = [lambda: rng.randint(-1000, 1000), lambda: rng.choice([True, False]),
               lambda: rng.choice(["x", "dark", "ü€", "", "a\"b"]),
               lambda: rng.choice([0.5, -2.25, 1e10])]
    if nulls:
        choices.append(lambda: None)
    return rng.choice(choices)()


def value(rng, depth, nulls):
    roll = rng.random()
    if depth > 0 and roll < 0.45:
        return {rng.choice(KEYS): value(rng, depth - 1, nulls) for _ in range(rng.randint(0, 4))}
    if roll < 0.55:
        return [scalar(rng, False) for _ in range(rng.randint(0, 3))]
    return scalar(rng, nulls)


def document(rng, depth, nulls):
    return {rng.choice(KEYS): value(rng, depth - 1, nulls) for _ in range(rng.randint(0, 5))}


def dumps(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def report(mismatches, what, got, want):
    if mismatches <= 20:
        print(f"{what}\n  kit:    {got}\n  python: {want}")


def run_driver(driver, cases):
    lines = "".join(dumps(c) + "\n" for c in cases)
    out = subprocess.run([driver], input=lines, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def check_rfc7396(driver, rng):
    cases = []
    for _ in range(4000):
        layers = [value(rng, 4, False) if rng.random() < 0.1 else document(rng, 4, False)]
        layers += [value(rng, 4, True) if rng.random() < 0.1 else document(rng, 4, True)
                   for _ in range(rng.randint(1, 3))]
        cases.append(layers)
    got = run_driver(driver, cases)
    mismatches = 0
    for layers, line in zip(cases, got):
        want = copy.deepcopy(layers[0])
        for patch in layers[1:]:
            want = merge_patch(want, copy.deepcopy(patch))
        if json.loads(line) != want or dumps(json.loads(line)) != dumps(want):
            mismatches += 1
            report(mismatches, f"merge {dumps(layers)}", line, dumps(want))
    print(f"rfc7396: {len(cases)} merges, {mismatches} mismatches")
    return mismatches + (len(got) != len(cases))


def seed_case(rng):
    base = document(rng, 3, False)
    overrides = {}
    for _ in range(rng.randint(0, 4)):
        key = rng.choice(KEYS)
        if isinstance(base.get(key), dict) or (key not in base and rng.random() < 0.5):
            # The seed updates one level: values inside must not be dicts that RFC 7396 would
            # merge deeper (the seed replaces them).
            inner = {rng.choice(KEYS): rng.choice([scalar(rng, False), [1, 2]])
                     for _ in range(rng.randint(0, 3))}
            overrides[key] = inner
        else:
            overrides[key] = rng.choice([scalar(rng, False), ["myapp.com"]])
    return base, overrides


def check_seed(driver, rng):
    cases = [seed_case(rng) for _ in range(2000)]
    got = run_driver(driver, [[b, o] for b, o in cases])
    mismatches = 0
    for (base, overrides), line in zip(cases, got):
        before = dumps(base)
        want = create_env_config(base, overrides)
        if dumps(base) != before:
            print("the seed changed its base?")
            return 1
        if dumps(json.loads(line)) != dumps(want):
            mismatches += 1
            report(mismatches, f"seed {before} + {dumps(overrides)}", line, dumps(want))
    print(f"seed: {len(cases)} create_env_config cases, {mismatches} mismatches")
    return mismatches + (len(got) != len(cases))


def check_cli(kit, rng):
    mismatches = 0
    with tempfile.TemporaryDirectory(prefix="kit-merge-") as tmp:
        for i in range(300):
            docs = [document(rng, 4, False)] + [document(rng, 4, True)
                                                for _ in range(rng.randint(1, 3))]
            paths = []
            for n, doc in enumerate(docs):
                path = os.path.join(tmp, f"{i}-{n}.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(doc, f, ensure_ascii=False, indent=rng.choice([None, 2, 4]))
                paths.append(path)
            digests = [hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths]
            run = subprocess.run([kit, "config", "merge", *paths], capture_output=True)
            want = copy.deepcopy(docs[0])
            for patch in docs[1:]:
                want = merge_patch(want, copy.deepcopy(patch))
            want_text = json.dumps(want, ensure_ascii=False, indent=2) + "\n"
            if want == {}:
                want_text = "{}\n"
            got = run.stdout.decode("utf-8", "replace")
            if run.returncode != 0 or got != want_text:
                mismatches += 1
                report(mismatches, f"kit config merge {' '.join(paths)} (exit {run.returncode}, "
                       f"{run.stderr.decode()!r})", got, want_text)
            if digests != [hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths]:
                mismatches += 1
                print(f"kit config merge changed an input: {paths}")
    print(f"cli: 300 kit config merge runs, {mismatches} mismatches")
    return mismatches


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--driver", required=True)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("group", choices=["rfc7396", "seed", "cli", "all"])
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failed = 0
    if args.group in ("rfc7396", "all"):
        failed += check_rfc7396(args.driver, rng)
    if args.group in ("seed", "all"):
        failed += check_seed(args.driver, rng)
    if args.group in ("cli", "all"):
        failed += check_cli(args.kit, rng)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
