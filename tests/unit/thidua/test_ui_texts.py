"""The UI speaks through its translation files: both languages, every key the code uses."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from domain.nomination import Nomination
from service.audit import BreakKind

pytestmark = pytest.mark.unit
UI = Path(__file__).resolve().parents[3] / "src" / "api" / "ui"


def test_vietnamese_and_english_have_the_same_keys() -> None:
    vi = json.loads((UI / "i18n" / "vi.json").read_text("utf-8"))
    en = json.loads((UI / "i18n" / "en.json").read_text("utf-8"))
    assert set(vi) == set(en)
    assert all(vi.values())
    assert all(en.values())


def test_every_fixed_key_the_code_uses_is_translated() -> None:
    vi = json.loads((UI / "i18n" / "vi.json").read_text("utf-8"))
    code = "".join(path.read_text("utf-8") for path in [*UI.glob("*.js"), UI / "index.html"])
    used = set(re.findall(r'\bt\("([a-z_.]+)"', code)) | set(
        re.findall(r'data-i18n(?:-label)?="([a-z_.]+)"', code)
    )
    used |= set(re.findall(r'cell\("([a-z_.]+)"', code))
    assert used
    assert used - set(vi) == set()


def test_the_pages_load_nothing_from_outside() -> None:
    for path in UI.rglob("*"):
        if path.suffix in (".html", ".js", ".css"):
            assert "http://" not in path.read_text("utf-8").replace(
                "http://www.w3.org/2000/svg", ""
            )
            assert "https://" not in path.read_text("utf-8")


def test_every_step_in_a_nominations_history_has_a_name_in_both_languages() -> None:
    steps = {
        name
        for name, value in vars(Nomination).items()
        if inspect.isclass(value) and issubclass(value, Nomination.Event)
    } - {"Event", "Created"}
    for language in ("vi", "en"):
        texts = json.loads((UI / "i18n" / f"{language}.json").read_text("utf-8"))
        assert {f"event.{step}" for step in steps} - set(texts) == set()


def test_every_kind_of_broken_link_has_a_name_in_both_languages() -> None:
    for language in ("vi", "en"):
        texts = json.loads((UI / "i18n" / f"{language}.json").read_text("utf-8"))
        assert {f"audit.break.{kind}" for kind in BreakKind} - set(texts) == set()
