"""The layout Decree 30/2020/NĐ-CP asks of an administrative document (Annex I): A4 with its
margins, the issuing body and the number on the left, the national motto on the right, place
and date, centred titles, justified paragraphs, the recipients and the signature blocks, and
page numbers at the top from the second page. Liberation Serif (metric-compatible with Times
New Roman, which the decree names) is embedded, subset, from Debian's fonts-liberation2."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf"}
FONT_FILES |= {"I": "LiberationSerif-Italic.ttf", "BI": "LiberationSerif-BoldItalic.ttf"}


class DocumentUnavailable(Exception):
    """The documents' font is not installed (``make fonts``)."""


class Page(FPDF):
    def __init__(self, footer_lines: list[str], qr_png: bytes) -> None:
        super().__init__(format="A4", unit="mm")
        self.footer_lines = footer_lines
        self.qr_png = qr_png
        # Decree 30: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
        self.set_margins(30, 20, 15)
        self.set_auto_page_break(True, margin=34)
        for style, name in FONT_FILES.items():
            path = FONT_DIR / name
            if not path.is_file():
                raise DocumentUnavailable(f"the documents' font {path} is missing: run make fonts")
            self.add_font("Serif", style, str(path))

    def header(self) -> None:
        """Decree 30/2020/NĐ-CP, Annex I: the page number centred in the top margin, in size
        13, from the second page on."""
        if self.page_no() > 1:
            self.set_y(10)
            self.set_font("Serif", "", 13)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-30)
        self.image(io.BytesIO(self.qr_png), x=self.w - 15 - 20, y=self.h - 31, w=20, h=20)
        self.set_font("Serif", "", 7.5)
        for line in self.footer_lines:
            self.set_x(30)
            self.multi_cell(
                self.w - 30 - 15 - 24, 3.4, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.set_x(30)
        self.cell(0, 3.4, f"Trang {self.page_no()}/{{nb}}")


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def vn_date(day: date) -> str:
    """Decree 30/2020/NĐ-CP, Annex I: a zero before days under 10 and before months 1 and 2
    only ("ngày 05 tháng 3", "ngày 10 tháng 02")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def province_of(authority: str) -> str:
    return authority.split("tỉnh ", 1)[-1] if "tỉnh " in authority else authority


def issuer_lines(authority: str) -> list[str]:
    """The issuing body in the heading, by its full name on two lines ("ỦY BAN NHÂN DÂN",
    "TỈNH BẾN TRE"), whichever way the rule set or the authority spells the chairman."""
    body = authority.replace("Chủ tịch ", "", 1).replace("UBND", "Ủy ban nhân dân")
    for level in (" tỉnh ", " huyện ", " xã ", " phường "):
        if level in body:
            name, _, place = body.partition(level)
            return [name.upper(), f"{level.strip()} {place}".upper()]
    return [body.upper()]


def heading(pdf: Page, left: list[str], number: str, place_date: str) -> None:
    """The two columns of Decree 30's heading: body and number; motto, place and date."""
    top, left_w, right_x = pdf.get_y(), 70.0, 30 + 70.0 + 2
    right_w = pdf.w - 15 - right_x
    pdf.set_font("Serif", "", 12)
    for i, line in enumerate(left):
        pdf.set_font("Serif", "B" if i == len(left) - 1 else "", 12)
        pdf.set_xy(30, top + i * 5.5)
        pdf.cell(left_w, 5.5, line, align="C")
    rule_y = top + len(left) * 5.5 + 0.5
    pdf.line(30 + left_w / 2 - 12, rule_y, 30 + left_w / 2 + 12, rule_y)
    third = max(rule_y + 2, top + 14)  # the number, and the place and date, on one line
    pdf.set_xy(30, third)
    pdf.set_font("Serif", "", 13)
    pdf.cell(left_w, 6, number, align="C")
    pdf.set_font("Serif", "B", 12)
    pdf.set_xy(right_x, top)
    pdf.cell(right_w, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_font("Serif", "B", 13)
    pdf.set_xy(right_x, top + 5.5)
    pdf.cell(right_w, 6, "Độc lập - Tự do - Hạnh phúc", align="C")
    motto = pdf.get_string_width("Độc lập - Tự do - Hạnh phúc")
    centre = right_x + right_w / 2
    pdf.line(centre - motto / 2, top + 12, centre + motto / 2, top + 12)
    pdf.set_font("Serif", "I", 13)
    pdf.set_xy(right_x, third)
    pdf.cell(right_w, 6, place_date, align="C")
    pdf.set_y(third + 12)


def centred(pdf: Page, text: str, style: str = "B", size: float = 13) -> None:
    pdf.set_font("Serif", style, size)
    pdf.multi_cell(0, 6.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def para(pdf: Page, text: str, style: str = "", indent: bool = True) -> None:
    pdf.set_font("Serif", style, 13)
    # No-break spaces: a justified line stretches ordinary spaces, and the indent must not.
    pdf.multi_cell(
        0,
        6.5,
        ("\u00a0" * 8 if indent else "") + text,
        align="J",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def closing(pdf: Page, recipients: list[str]) -> None:
    pdf.ln(4)
    if pdf.get_y() > pdf.h - 34 - 45:
        pdf.add_page()
    pdf.set_font("Serif", "BI", 12)
    top = pdf.get_y()
    if recipients:
        pdf.cell(70, 6, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Serif", "", 11)
        for line in recipients:
            pdf.cell(70, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top)


def signatures(pdf: Page, left: list[str], right: list[str], right_name: str | None = None) -> None:
    """Two signature blocks side by side: the minutes' secretary and the session's chair,
    the chair's name under theirs when the register knows it."""
    top, width = pdf.get_y() + 4, (pdf.w - 30 - 15) / 2
    for x, titles, name in ((30.0, left, None), (30 + width, right, right_name)):
        pdf.set_xy(x, top)
        _block(pdf, x, width, titles, "(Ký, ghi rõ họ tên)", name)


def signature(pdf: Page, titles: list[str], signer: str) -> None:
    """The signer's block on the right: titles, the seal's instruction, then the name."""
    _block(
        pdf, 30 + 80.0, pdf.w - 15 - 30 - 80.0, titles, "(Ký, ghi rõ họ tên và đóng dấu)", signer
    )


def _block(
    pdf: Page, x: float, width: float, titles: list[str], how: str, name: str | None
) -> None:
    pdf.set_font("Serif", "B", 13)
    for line in titles:
        pdf.set_x(x)
        pdf.cell(width, 6.5, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "I", 12)
    pdf.set_x(x)
    pdf.cell(width, 6, how, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if name:
        pdf.ln(16)
        pdf.set_font("Serif", "B", 13)
        pdf.set_x(x)
        pdf.cell(width, 6.5, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
