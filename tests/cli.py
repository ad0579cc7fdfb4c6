"""The CLI's entry point run in the test's own process, where the process boundary is not
what a test is about: no interpreter start, no imports again, the session's cheap hashing."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Mapping


def run_cli(
    env: Mapping[str, str], *args: str, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """``thidua <args>`` with ``env``'s THIDUA_* variables set for the call (and the
    others of that kind unset): its exit code and what it wrote to stdout and stderr."""
    from thidua.cli import main

    wanted = {k: v for k, v in env.items() if k.startswith("THIDUA_")}
    saved = {k: v for k, v in os.environ.items() if k.startswith("THIDUA_")}
    out, err = io.StringIO(), io.StringIO()
    for name in saved:
        del os.environ[name]
    os.environ.update(wanted)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse refusing the arguments
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        for name in wanted:
            os.environ.pop(name, None)
        os.environ.update(saved)
    done = subprocess.CompletedProcess(["thidua", *args], code, out.getvalue(), err.getvalue())
    if check:
        done.check_returncode()
    return done
