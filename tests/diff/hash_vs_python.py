#!/usr/bin/env python3
"""Differential test: kit's HMAC, password hashes and large-input digests against CPython.

Usage: hash_vs_python.py --kit PATH GROUP     (GROUP: hmac, passwd, large, fifo or all)

Expected values come from this python3 process (hashlib, hmac); kit runs with LC_ALL=C.
  hmac    `kit hmac -a ALGO --key-file K FILE` == hmac.new(key, msg, ALGO).hexdigest() for
          every HMAC-capable algorithm and random keys (1 byte to 300 bytes, so both sides of
          the block size, binary bytes included) and messages (0 bytes to 200 KB, block
          boundaries included); `kit hmac verify` accepts the right signature (plain and
          ALGO=HEX, upper-case hex too) and rejects one with a flipped bit (exit 1).
  passwd  Django-format strings made here with hashlib.pbkdf2_hmac / hashlib.scrypt, random
          salts, iteration counts and passwords (UTF-8 included): `kit passwd verify` says OK
          for the password and FAILED for a changed one; and `kit passwd hash` output,
          recomputed here, matches the password it was given.
  large   a 100 MB file through `kit sum -a ALGO` == hashlib for md5, sha1, sha256, sha512,
          sha3_256, blake2b and blake2s.
  fifo    a named pipe as input: `kit sum FIFO` (as sha256sum, it waits for the writer and
          hashes the stream), `kit sum -c` of a manifest naming it, `kit hmac FIFO`.
"""
import argparse
import base64
import hashlib
import hmac
import os
import random
import subprocess
import sys
import tempfile

from harness import ENV, Runner

HMAC_ALGOS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256",
              "sha3_384", "sha3_512", "sha512_224", "sha512_256", "blake2b", "blake2s"]


def group_hmac(r, rng, tmp):
    sizes = [0, 1, 63, 64, 65, 127, 128, 129, 1000, 65536, 200_000]
    for i in range(60):
        algo = HMAC_ALGOS[i % len(HMAC_ALGOS)]
        key = rng.randbytes(rng.choice([1, 16, 32, 63, 64, 65, 127, 128, 129, 300]))
        key = key.replace(b"\n", b"x")  # --key-file drops one trailing newline
        msg = rng.randbytes(rng.choice(sizes))
        kf, mf = os.path.join(tmp, f"k{i}"), os.path.join(tmp, f"m{i}")
        open(kf, "wb").write(key)
        open(mf, "wb").write(msg)
        want = hmac.new(key, msg, algo).hexdigest()
        p = r.run(["hmac", "-a", algo, "--key-file", kf, mf])
        r.expect(f"hmac {algo} key {len(key)} msg {len(msg)}",
                 p.returncode == 0 and p.stdout.decode() == want + "\n",
                 f"kit {p.stdout!r} {p.stderr!r}, python {want}")
        sig = f"{algo}={want.upper()}" if i % 2 else want
        p = r.run(["hmac", "verify", "-a", algo, "--key-file", kf, "-s", sig, mf])
        r.expect(f"hmac verify {algo} right", p.returncode == 0 and p.stdout == b"OK\n",
                 f"{p.returncode} {p.stdout!r} {p.stderr!r}")
        bad = format(int(want, 16) ^ (1 << rng.randrange(len(want) * 4)), f"0{len(want)}x")
        p = r.run(["hmac", "verify", "-a", algo, "--key-file", kf, "-s", bad, mf])
        r.expect(f"hmac verify {algo} flipped", p.returncode == 1 and p.stdout == b"FAILED\n",
                 f"{p.returncode} {p.stdout!r} {p.stderr!r}")


def django_salt(rng):
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(22))


def group_passwd(r, rng, tmp):
    words = ["secret", "correct horse battery staple", "pässwörd", "パスワード", "a" * 200,
             "with space ", "tab\there", "$dollar$", "x"]
    for i in range(24):
        password = rng.choice(words) + str(i)
        salt = django_salt(rng)
        if i % 3 == 2:
            n, rr, p_ = rng.choice([16, 256, 1024]), rng.choice([1, 4, 8]), rng.choice([1, 2])
            key = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=rr, p=p_, dklen=64)
            encoded = f"scrypt${n}${salt}${rr}${p_}${base64.b64encode(key).decode()}"
        else:
            iterations = rng.choice([1, 2, 1000, 12345])
            key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations, 32)
            encoded = f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(key).decode()}"
        p = r.run(["passwd", "verify", encoded], stdin=password.encode() + b"\n")
        r.expect(f"passwd verify {encoded[:30]}", p.returncode == 0 and p.stdout == b"OK\n",
                 f"{p.returncode} {p.stdout!r} {p.stderr!r}")
        p = r.run(["passwd", "verify", encoded], stdin=password.encode() + b"!\n")
        r.expect(f"passwd verify wrong {encoded[:30]}", p.returncode == 1,
                 f"{p.returncode} {p.stdout!r} {p.stderr!r}")
    for scheme in ("pbkdf2", "scrypt"):
        password = "kit ✓ " + scheme
        extra = ["--iterations", "2000"] if scheme == "pbkdf2" else []
        p = r.run(["passwd", "hash", "--scheme", scheme] + extra, stdin=password.encode() + b"\n")
        parts = p.stdout.decode().strip().split("$")
        if scheme == "pbkdf2":
            ok = len(parts) == 4 and base64.b64decode(parts[3]) == hashlib.pbkdf2_hmac(
                "sha256", password.encode(), parts[2].encode(), int(parts[1]), 32)
        else:
            ok = len(parts) == 6 and base64.b64decode(parts[5]) == hashlib.scrypt(
                password.encode(), salt=parts[2].encode(), n=int(parts[1]), r=int(parts[3]),
                p=int(parts[4]), dklen=64)
        r.expect(f"passwd hash {scheme} recomputed by python", p.returncode == 0 and ok,
                 f"{p.stdout!r} {p.stderr!r}")


def group_large(r, rng, tmp):
    data = rng.randbytes(100_000_000)
    path = os.path.join(tmp, "large.bin")
    open(path, "wb").write(data)
    for algo in ["md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b", "blake2s"]:
        want = hashlib.new(algo, data).hexdigest()
        p = r.run(["sum", "-a", algo, "large.bin"], cwd=tmp)
        r.expect(f"large {algo}", p.stdout.decode() == f"{want}  large.bin\n" and p.returncode == 0,
                 f"kit {p.stdout[:80]!r} {p.stderr!r}, python {want}")


def group_fifo(r, rng, tmp):
    data = rng.randbytes(300_000)
    fifo = os.path.join(tmp, "pipe")
    os.mkfifo(fifo)
    key = b"fifo key"
    open(os.path.join(tmp, "key"), "wb").write(key)
    want = hashlib.sha256(data).hexdigest()
    open(os.path.join(tmp, "pipe.sha256"), "w").write(f"{want}  pipe\n")
    for args, expected in [
            (["sum", "pipe"], f"{want}  pipe\n"),
            (["sum", "-c", "pipe.sha256"], "pipe: OK\n"),
            (["hmac", "--key-file", "key", "pipe"], hmac.new(key, data, "sha256").hexdigest() + "\n")]:
        writer = subprocess.Popen(["sh", "-c", 'cat > "$1"', "sh", fifo], stdin=subprocess.PIPE)
        proc = subprocess.Popen([r.kit] + args, cwd=tmp, env=ENV, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        writer.communicate(data, timeout=60)
        out, err = proc.communicate(timeout=60)
        r.expect(f"fifo: kit {' '.join(args)}", proc.returncode == 0 and out.decode() == expected,
                 f"exit {proc.returncode}, {out!r} {err!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("group", choices=["hmac", "passwd", "large", "fifo", "all"])
    opts = parser.parse_args()
    r = Runner(os.path.abspath(opts.kit), timeout=120)
    rng = random.Random(20261125)
    groups = {"hmac": group_hmac, "passwd": group_passwd, "large": group_large,
              "fifo": group_fifo}
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in groups.items():
            if opts.group in (name, "all"):
                fn(r, rng, tmp)
    print(f"{opts.group}: {r.checks} cases, {r.mismatches} mismatches")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
