"""The product as `make run` starts it, on a temporary data directory, driven in Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

SCREENSHOTS = Path(__file__).parent / "screenshots"
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is not installed; `make test` installs it")


@contextmanager
def running_product(data: Path) -> Iterator[str]:
    """The product as `make run` starts it, on its own data directory and free ports."""
    port = free_port()
    env = {
        **os.environ,
        "THIDUA_DATA_DIR": str(data),
        "THIDUA_DEMO": "1",
        "THIDUA_PORT": str(port),
        "THIDUA_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "THIDUA_TEMPORAL_UI_PORT": str(free_port()),
        "THIDUA_LOG_FORMAT": "json",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "thidua.cli", "run"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2):  # noqa: S310 - loopback
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the product did not become ready") from None
                time.sleep(0.5)
        yield base
    finally:
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

    def __init__(self, browser: Browser, base: str, username: str, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.base = base
        self.page.goto(f"{base}/#/login")
        self.page.fill("#f-username", username)
        self.page.fill("#f-password", "thidua-demo")
        self.page.click("form button[type=submit]")
        self.page.wait_for_selector("#logout:not([hidden])")

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
