"""The pages anyone may open without signing in (the public notice, an objection's receipt,
a document check): Vietnamese first, an English switch, readable on a 390 px phone, no
script, only the product's own stylesheet. Their words are in ``words.<lang>.json`` and
their HTML in ``templates/``, rendered by Jinja2 with every value escaped."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

Lang = Literal["vi", "en"]

HERE = Path(__file__).parent


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a word or value a template names but nobody gave
        trim_blocks=True,
    )
    environment.filters["day"] = _day
    return environment


@cache
def words(lang: Lang) -> dict[str, dict[str, str]]:
    """The pages' words in ``lang``, by page."""
    loaded: dict[str, dict[str, str]] = json.loads(
        (HERE / f"words.{lang}.json").read_text(encoding="utf-8")
    )
    return loaded


def render(
    template: str, lang: Lang, page_words: str, title: str, status: int = 200, **values: Any
) -> HTMLResponse:
    """A public page: ``template`` with ``page_words``' words in ``lang`` as ``w``."""
    other: Lang = "en" if lang == "vi" else "vi"
    html = (
        _environment()
        .get_template(template)
        .render(
            lang=lang,
            other=other,
            switch="English" if lang == "vi" else "Tiếng Việt",
            title=title,
            w=words(lang)[page_words],
            **values,
        )
    )
    return HTMLResponse(html, status_code=status)
