"""The register of official figures over HTTP, and the province's spreadsheet imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.conftest import Api
from tests.api.journey import ok
from tests.xlsx import SAMPLE, sample_rows, write_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE = {
    "decision_number": "125/QĐ-UBND",
    "decision_date": "2023-12-20",
    "issuing_body": "UBND tỉnh Bến Tre",
}


def row(code: str = "S-831-01", year: int = 2023, poor: int = 220, **extra: Any) -> dict[str, Any]:
    total = 4040
    return {
        "unit_code": code,
        "year": year,
        "total_households": total,
        "poor_households": poor,
        "poverty_rate": round(100 * poor / total, 2),
        "decision_number": f"{year}/QĐ-UBND",
        "decision_date": f"{year}-12-20",
        "issuing_body": "UBND tỉnh Bến Tre",
        **extra,
    }


def upload(api: Api, path: Path, **query: str) -> Any:
    return api.post(
        "/api/v1/imports/poverty-figures",
        "province",
        params=query,
        files={"file": (path.name, path.read_bytes(), XLSX)},
    )


def test_a_year_is_recorded_listed_and_corrected_only_with_a_reason(api: Api) -> None:
    figures = {"total_households": 4040, "poor_households": 220, "source": SOURCE}
    path = "/api/v1/units/S-831-01/poverty-figures/2023"
    ok(api.put(path, "province", json=figures))
    ok(api.put(path, "province", json=figures))  # the same again changes nothing
    changed = {**figures, "poor_households": 221}
    refused = api.put(path, "province", json=changed)
    assert refused.status_code == 422
    assert "reason" in refused.text
    ok(api.put(path, "province", json=changed, params={"reason": "Rà soát bổ sung."}))
    years = ok(api.get("/api/v1/units/S-831-01/poverty-figures", "officer"))["data"]
    assert [(y["year"], y["figures"]["poor_households"], y["corrections"]) for y in years] == [
        (2023, 221, 1)
    ]
    assert api.put(path, "officer", json=figures).status_code == 403


def test_figures_of_a_year_not_yet_reviewed_or_dated_in_the_future_are_refused(api: Api) -> None:
    early = {**SOURCE, "decision_date": "2023-08-31"}
    answer = api.put(
        "/api/v1/units/S-831-01/poverty-figures/2023",
        "province",
        json={"total_households": 4040, "poor_households": 220, "source": early},
    )
    assert answer.status_code == 422
    assert "source.decision_date" in answer.text
    future = {**SOURCE, "decision_date": "2099-12-20"}
    answer = api.put(
        "/api/v1/units/S-831-01/poverty-figures/2099",
        "province",
        json={"total_households": 4040, "poor_households": 220, "source": future},
    )
    assert answer.status_code == 422
    assert "future" in answer.text


def test_a_dry_run_reports_and_writes_nothing_and_the_import_applies_all_or_none(
    api: Api, tmp_path: Path
) -> None:
    good = write_figures(tmp_path / "good.xlsx", [row(year=y) for y in (2021, 2022, 2023)])
    before = api.events()
    dry = ok(upload(api, good))
    assert (dry["rows"], dry["accepted"], dry["rejected"], dry["applied"]) == (3, 3, 0, False)
    assert api.events() == before
    bad = write_figures(
        tmp_path / "bad.xlsx",
        [row(year=2021), row(year=2022, poor=5000), row(code="NO-SUCH", year=2023)],
    )
    refused = ok(upload(api, bad, dry_run="false"))
    assert refused["applied"] is False
    assert {(e["row"], e["column"]) for e in refused["errors"]} == {
        (3, "poor_households"),
        (4, "unit_code"),
    }
    assert api.events() == before
    some = ok(upload(api, bad, dry_run="false", partial="true"))
    assert (some["applied"], some["accepted"], some["rejected"]) == (True, 1, 2)
    assert api.events() == before + 1


def test_the_same_file_imported_again_changes_nothing(api: Api, tmp_path: Path) -> None:
    path = write_figures(tmp_path / "f.xlsx", [row(year=y) for y in (2021, 2022, 2023)])
    first = ok(upload(api, path, dry_run="false"))
    assert first["applied"] is True
    after_first = api.events()
    again = ok(upload(api, path, dry_run="false"))
    assert again["applied"] is True
    assert again["file_sha256"] == first["file_sha256"]
    assert api.events() == after_first


def test_a_printed_rate_that_disagrees_with_the_counts_is_reported(
    api: Api, tmp_path: Path
) -> None:
    path = write_figures(tmp_path / "rate.xlsx", [row(poverty_rate=9.99)])
    answer = ok(upload(api, path))
    assert answer["errors"] == [
        {"row": 2, "column": "poverty_rate", "reason": "is 9.99 % but the counts give 5.45 %"}
    ]


def test_a_count_written_with_a_decimal_comma_is_refused_naming_its_row_and_column(
    api: Api, tmp_path: Path
) -> None:
    rows = [
        {**row(), "poor_households": "12,5", "poverty_rate": None},
        {**row(code="S-829-02"), "total_households": "4.040"},
    ]
    answer = ok(upload(api, write_figures(tmp_path / "comma.xlsx", rows)))
    assert answer["errors"] == [
        {
            "row": 2,
            "column": "poor_households",
            "reason": "must be a whole number of households, not '12,5'",
        }
    ]  # "4.040" groups thousands as Vietnamese writes them: 4,040 households


def test_the_template_and_the_shipped_sample_import_cleanly(shipped_api: Api) -> None:
    api = shipped_api
    template = api.get("/api/v1/imports/poverty-figures/template.xlsx", "officer")
    assert template.status_code == 200
    assert template.headers["content-type"] == XLSX
    sample = ok(upload(api, SAMPLE))
    assert sample["rejected"] == 0
    # The shipped sample is what `make samples` writes from the unit data today.
    assert sample["rows"] == sample["accepted"] == len(sample_rows())


def test_a_file_that_is_not_a_workbook_is_refused(api: Api, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"%PDF-1.7 not a workbook")
    assert upload(api, fake).status_code == 415


def test_a_waiting_spreadsheet_is_listed_previewed_and_once_imported_leaves_the_list(
    shipped_api: Api,
) -> None:
    api = shipped_api
    import shutil

    waiting = api.client.app.state.thidua.settings.waiting_imports_dir  # type: ignore[attr-defined]
    waiting.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, waiting / "ra-soat-2025.xlsx")
    listed = ok(api.get("/api/v1/imports/poverty-figures/waiting", "province"))["data"]
    assert [f["name"] for f in listed] == ["ra-soat-2025.xlsx"]
    path = "/api/v1/imports/poverty-figures/waiting/ra-soat-2025.xlsx"
    before = api.events()
    preview = ok(api.post(path, "province"))
    assert (preview["applied"], preview["rejected"]) == (False, 0)
    assert api.events() == before
    applied = ok(api.post(path, "province", params={"dry_run": "false"}))
    assert applied["applied"] is True
    assert ok(api.get("/api/v1/imports/poverty-figures/waiting", "province"))["count"] == 0
    assert api.post(path, "province").status_code == 404
    assert (
        api.post("/api/v1/imports/poverty-figures/waiting/..%2Fx.xlsx", "province").status_code
        == 404
    )
    assert api.get("/api/v1/imports/poverty-figures/waiting", "officer").status_code == 403
