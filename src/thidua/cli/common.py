"""What every command group shares: the service, progress bars, output, input parsing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO, TypeAlias
from uuid import UUID

from service.nomination_service import NominationService
from thidua.bootstrap import (
    build_service,
)
from thidua.settings import Settings


class UsageError(Exception):
    """Bad command-line input; the message names the option."""


@contextmanager
def open_service(settings: Settings) -> Iterator[NominationService]:
    service = build_service(settings)
    try:
        yield service
    finally:
        service.close()


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, so exports on stdout stay clean."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        yield out


def read_receipt(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: not a readable receipt ({error})") from error


def parse_uuid(name: str, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise UsageError(f"{name}: {value!r} is not a UUID") from None


def parse_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"as-of: {value!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise UsageError("as-of: must include a time zone, e.g. 2024-03-01T00:00:00+07:00")
    return moment


Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where a command group adds its commands."""
