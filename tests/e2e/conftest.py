"""The product as `make run` starts it, on a temporary data directory, driven in Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.processes import product_env, wait_until_ready

SCREENSHOTS = Path(__file__).parent / "screenshots"
DEMO_PASSWORD = "thidua-demo"
ADMIN_PASSWORD = "the-e2e-admin-passphrase"
# Two busy CI cores run the product, Temporal and Chromium at once; waits are generous, and a
# wait only lasts as long as the page needs.
expect.set_options(timeout=20_000)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is not installed; `make test` installs it")


def _start_product(data: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    env, base = product_env(data)
    log = data / "product.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "thidua.cli", "run"],
            env={**env, "THIDUA_DEMO": "1", "THIDUA_ADMIN_PASSWORD": ADMIN_PASSWORD},
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return process, base, log


@contextmanager
def running_product(data: Path) -> Iterator[str]:
    """The product as `make run` starts it, on its own data directory and free ports.

    The ports are chosen free before the product binds them, and the Temporal dev server it
    starts takes random free ports of its own meanwhile: if one of them was ours, the
    product stops at once saying so, and it is started again on new ports, once."""
    for attempt in (1, 2):
        process, base, log = _start_product(data)
        try:
            wait_until_ready(base, process)
            break
        except RuntimeError as error:  # say why: the product's own last words
            said = log.read_text(errors="replace").splitlines()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            taken = any("address already in use" in line.lower() for line in said)
            if attempt == 2 or not taken:
                raise RuntimeError(f"{error}:\n" + "\n".join(said[-40:])) from None
    try:
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


@pytest.fixture(scope="package")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_product(tmp_path_factory.mktemp("product")) as base:
        yield base


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium(),
            args=CHROMIUM_FLAGS,
        )
        yield launched
        launched.close()


class User:
    """One person's browser tab, signed in."""

    def __init__(
        self,
        browser: Browser,
        base: str,
        username: str,
        width: int = 1280,
        password: str = DEMO_PASSWORD,
    ) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.base = base
        self.page.goto(f"{base}/#/login")
        self.page.fill("#f-username", username)
        self.page.fill("#f-password", password)
        self.page.click("form button[type=submit]")
        # Signed in: on a phone the button sits folded behind the menu, so attached will do.
        self.page.wait_for_selector("#logout:not([hidden])", state="attached")
        self.page.wait_for_selector("#main h1")  # the home page has loaded

    def go(self, hash_path: str, wait_for: str) -> Page:
        self.page.goto(f"{self.base}/{hash_path}")
        self.page.wait_for_selector(wait_for)
        return self.page

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert self.errors == [], self.errors
        self.context.close()
