"""The command line of the scripts that write a generated file: `--check` compares only, `--help` says so (and
writes nothing)."""

from __future__ import annotations

import argparse


def check_only(doc: str, argv: list[str] | None, what: str) -> bool:
    """Parse a generator's arguments: True with --check. `doc`: the script's docstring (its help text); `what`:
    the file(s) it writes."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help=f"only compare {what}: exit 1 when stale, write nothing")
    return ap.parse_args(argv).check


def run(main) -> int:
    """A printing script's exit code from main(); a reader that stops early (`| head`) ends it quietly, as the CLI
    does, instead of a BrokenPipeError traceback."""
    import os
    import sys

    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python flushes stdout again at exit
        return 0
