"""Rendering award decisions, against the same text as plain PDF pages, in one run.

Seeds the demo on SQLite, takes its closed session with the most awards, and renders its
decision 200 times (each with its own document id, so each QR code is drawn anew). The
baseline renders the same text, as extracted from that decision, as plain pages with the
same library and the same embedded font, 200 times.

``documents: ratio <baseline / decisions> (target 0.3)``: a decision costs at most about
three plain pages of the same text.

    .venv/bin/python -m bench.documents [--count 200]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from dataclasses import replace
from uuid import UUID

from fpdf import FPDF
from pypdf import PdfReader

from documents.council_pdf import FONT_DIR, FONT_FILES, Names, Stamp, render_decision
from domain.documents import CouncilRecord, DocumentKind
from service.nomination_service import NominationService
from thidua.bootstrap import SQLITE_FACTORY, load_units
from thidua.demo import seed_demo
from thidua.settings import Settings


def demo_record(folder: str) -> tuple[CouncilRecord, Names]:
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": f"{folder}/e.db"}
    settings = Settings()
    service = NominationService(env, units=load_units(settings.units_file))
    seed_demo(service, settings.units_file)
    best: CouncilRecord | None = None
    for (sid,) in _closed_sessions(service):
        record = service.council_record(sid)
        if best is None or len(record.approved) > len(best.approved):
            best = record
    assert best is not None
    rules = service.default_rule_set
    authority = rules.authority_on(best.closed_on)
    names = Names(
        unit=lambda code: service.registry().get(code).name,
        award_form=lambda form: rules.award_form(form).name.vi,
        member=lambda username: username,
        authority=authority.vi if authority else "Chủ tịch UBND tỉnh",
        movement=rules.title.vi,
    )
    return best, names


def _closed_sessions(service: NominationService) -> list[tuple[UUID]]:
    return [
        (n.originator_id,)
        for n in service.recorder.select_notifications(start=1, limit=100_000)
        if n.topic.endswith("CouncilSession.SessionClosed")
    ]


def plain(text: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("Serif", "", str(FONT_DIR / FONT_FILES[""]))
    pdf.set_font("Serif", "", 13)
    pdf.add_page()
    pdf.multi_cell(0, 6.5, text)
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        record, names = demo_record(folder)
    stamps = [
        Stamp(f"{record.document_id(DocumentKind.DECISION)}{i}", "https://thidua.example", None)
        for i in range(args.count)
    ]
    first = render_decision(record, names, stamps[0])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(first)).pages)

    started = time.perf_counter()
    for stamp in stamps:
        render_decision(replace(record), names, stamp)
    decisions = time.perf_counter() - started

    started = time.perf_counter()
    for _ in stamps:
        plain(text)
    baseline = time.perf_counter() - started

    pages = len(PdfReader(io.BytesIO(first)).pages)
    print(
        f"{args.count} decisions ({pages} page(s), {len(record.approved)} units awarded,"
        f" {len(first):,} bytes each): {decisions:.2f} s, {decisions / args.count * 1000:.1f} ms"
        f" each; the same text as plain pages: {baseline:.2f} s"
    )
    print(f"documents: ratio {baseline / decisions:.2f} (target 0.3)")


if __name__ == "__main__":
    main()
