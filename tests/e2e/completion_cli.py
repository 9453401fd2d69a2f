#!/usr/bin/env python3
"""`kit completion` end to end: bash completes kit's command lines through the generated
function (COMP_WORDS/COMP_CWORD in, COMPREPLY out, as bash's own completion calls it, with no
bash-completion package loaded); zsh and fish parse their scripts (`zsh -n`, `fish -n`), fish
completes lines (`complete -C`) and zsh's function runs with its completion builtins stubbed
(it offers the words, zsh would filter them). zsh and fish checks are skipped with a note when
the shell is not installed.

usage: completion_cli.py --kit PATH     (exit 0 when every check holds, 1 otherwise)
"""
import argparse
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def script(kit, shell):
    proc = subprocess.run([kit, "completion", shell], capture_output=True, text=True)
    check(f"kit completion {shell} exit status", proc.returncode, 0)
    check(f"kit completion {shell} stderr", proc.stderr, "")
    return proc.stdout


def bash_complete(script_path, cwd, line):
    """COMPREPLY for `line`, completing its last word ('' after a trailing blank)."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = (f"source {shlex.quote(str(script_path))}\n"
               f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
               f"COMP_CWORD={len(words) - 1}\n"
               "_kit\n"
               'for w in "${COMPREPLY[@]}"; do printf "%s\\n" "$w"; done\n')
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    check(f"bash completion of {line!r}: stderr", proc.stderr, "")
    return proc.stdout.splitlines()


# zsh's completion system stubbed: each builtin prints what it would offer, unfiltered.
ZSH_DRIVER = r"""
compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -l -- "$@" }
_describe() { print -l -- ${${(P)4}%%:*} }
_files() { print '<files>' }
_command_names() { print '<commands>' }
compset() { }
compdef() { }
source $1
words=(${(z)2})
[[ $2 == *' ' ]] && words+=('')
CURRENT=$#words
_kit
"""


def zsh_complete(script_path, line):
    """What zsh's _kit offers for `line`, filtered by the word under the cursor as zsh does."""
    proc = subprocess.run(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", str(script_path), line],
                          capture_output=True, text=True)
    check(f"zsh completion of {line!r}: stderr", proc.stderr, "")
    cur = "" if line.endswith(" ") else line.split()[-1]
    return [w for w in proc.stdout.splitlines() if w.startswith(cur) or w.startswith("<")]


def fish_complete(script_path, line):
    program = f"source {shlex.quote(str(script_path))}; complete -C {shlex.quote(line)}"
    proc = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True)
    check(f"fish completion of {line!r}: stderr", proc.stderr, "")
    return [w.split("\t")[0] for w in proc.stdout.splitlines()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    kit = str(pathlib.Path(parser.parse_args().kit).resolve())

    with tempfile.TemporaryDirectory(prefix="kit-completion-") as tmp:
        tmp = pathlib.Path(tmp)
        bash = tmp / "kit.bash"
        bash.write_text(script(kit, "bash"))
        (tmp / "events.ics").write_text("")
        (tmp / "events.json").write_text("")
        (tmp / "notes.txt").write_text("")

        def completes(line, want):
            check(f"bash completion of {line!r}", bash_complete(bash, tmp, line), want)

        def completes_files(line, want):  # in the directory's order
            check(f"bash completion of {line!r}", sorted(bash_complete(bash, tmp, line)), want)

        # The two: a command, and a getopt tool's long option.
        completes("kit ca", ["cal"])
        completes("kit sum --al", ["--algorithm"])
        # Commands, subcommands, options, option values.
        completes("kit co", ["config", "completion"])  # in the command table's order
        completes("kit config s", ["set"])
        completes("kit config list --sh", ["--show-origin"])
        completes("kit cal re", ["report"])
        completes("kit cal report --ev", ["--events"])
        completes_files("kit cal report --events events.", ["events.ics", "events.json"])
        completes("kit cal 2024 re", [])  # after an operand, no subcommands
        completes("kit cal --json re", ["report"])  # a flag takes no value
        completes("kit inspect --chunks no", ["notes.txt"])
        completes("kit jobs s", ["submit", "show"])
        completes("kit jobs submit --pr", ["--priority"])
        completes("kit merge --n", ["--numeric-sort"])
        completes("kit top -n 5 no", ["notes.txt"])
        completes("kit completion ", ["bash", "zsh", "fish"])
        completes("kit completion f", ["fish"])
        completes_files("kit hmac --key-file ev", ["events.ics", "events.json"])
        # getopt tools: sum's algorithms and files, retry's options and its command.
        completes("kit sum -a sha51", ["sha512", "sha512_224", "sha512_256"])
        completes("kit sum --algorithm=sha3_2", ["sha3_224", "sha3_256"])
        completes("kit sum --algorithm = sha3_5", ["sha3_512"])
        completes("kit sum -a md5 not", ["notes.txt"])
        completes("kit sum --st", ["--status", "--strict"])
        completes("kit retry --att", ["--attempts"])
        completes("kit retry -n 3 -- --att", [])
        check("kit retry -n 3 bas offers bash",
              "bash" in bash_complete(bash, tmp, "kit retry -n 3 bas"), True)
        completes("kit retry -n 3 cat no", ["notes.txt"])
        # every command of the table is offered at the top
        offered = bash_complete(bash, tmp, "kit ")
        listed = subprocess.run([kit, "--help"], capture_output=True, text=True).stdout
        commands = [line.split()[0] for line in listed.split("Subcommands:\n")[1].splitlines()
                    if line.startswith("  ")]
        check("kit <TAB> offers the commands of kit --help", offered, commands)

        for shell, flag in [("zsh", "-n"), ("fish", "--no-execute")]:
            text = script(kit, shell)
            path = tmp / f"kit.{shell}"
            path.write_text(text)
            if shutil.which(shell) is None:
                print(f"note: {shell} is not installed; its script was not parsed")
                continue
            proc = subprocess.run([shell, flag, str(path)], capture_output=True, text=True)
            check(f"{shell} {flag} of kit completion {shell}", (proc.returncode, proc.stderr),
                  (0, ""))
            complete = zsh_complete if shell == "zsh" else fish_complete
            for line, want in [
                ("kit ca", ["cal"]),
                ("kit sum --al", ["--algorithm"]),
                ("kit sum -a sha3_2", ["sha3_224", "sha3_256"]),
                ("kit cal re", ["report"]),
                ("kit cal --json re", ["report"]),
                ("kit cal 2024 re", []),
                ("kit completion f", ["fish"]),
                ("kit jobs submit --pr", ["--priority"]),
                ("kit retry --att", ["--attempts"]),
            ]:
                check(f"{shell} completion of {line!r}", complete(path, line), want)
            if shell == "zsh":
                check("zsh: a file option's value", zsh_complete(path, "kit cal report --events "),
                      ["<files>"])
                check("zsh: retry's command", zsh_complete(path, "kit retry -n 3 "),
                      ["<commands>"])

    check("kit completion tcsh",
          subprocess.run([kit, "completion", "tcsh"], capture_output=True, text=True).stderr,
          "kit completion: unknown shell 'tcsh' (bash, zsh or fish)\n")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{'ok' if not failures else f'{len(failures)} failures'}: kit completion")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
