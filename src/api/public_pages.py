"""The frame of the pages anyone may open without signing in: Vietnamese first, an English
switch, readable on a 390 px phone, no script, and only the product's own stylesheet."""

from __future__ import annotations

import html
from typing import Literal

from fastapi.responses import HTMLResponse

Lang = Literal["vi", "en"]


def escape(value: object) -> str:
    return html.escape(str(value))


def page(lang: Lang, title: str, body: str, status: int = 200) -> HTMLResponse:
    other: Lang = "en" if lang == "vi" else "vi"
    switch = "English" if lang == "vi" else "Tiếng Việt"
    return HTMLResponse(
        f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · thidua</title>
<link rel="stylesheet" href="/ui/public.css"></head>
<body><main class="public">
<p class="switch"><a href="?lang={other}" lang="{other}">{switch}</a></p>
<h1>{escape(title)}</h1>
{body}
</main></body></html>""",
        status_code=status,
    )
