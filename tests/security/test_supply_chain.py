"""Every dependency is pinned with its hashes, and both the install and the image use them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def pins(lock: str) -> dict[str, list[str]]:
    """Each pinned requirement of a lock file with the hashes that follow it."""
    found: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / lock).read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==\S+", line)
        if pinned:
            current = pinned.group(1).split("[")[0].lower().replace("_", "-")
            found[current] = []
        elif current and "--hash=sha256:" in line:
            found[current].append(line.strip())
    return found


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + (
        project["optional-dependencies"][extra] if extra else []
    )
    return {
        re.split(r"[\[<>=~!; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_every_dependency_is_pinned_with_a_hash() -> None:
    for lock, extra in (("requirements.lock", None), ("requirements-dev.lock", "dev")):
        locked = pins(lock)
        assert declared(extra) <= set(locked), declared(extra) - set(locked)
        unhashed = [name for name, hashes in locked.items() if not hashes]
        assert unhashed == [], (lock, unhashed)


def test_make_install_and_the_image_install_with_their_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert "--require-hashes --wheel-dir /wheels -r requirements.lock" in dockerfile
    assert "pip wheel --no-deps --wheel-dir /wheels ." in dockerfile
