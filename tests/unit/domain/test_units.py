"""The Bến Tre sample data set and the unit registry."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from domain.errors import InvalidInput, UnitNotFound
from domain.units import Unit, UnitFlag, UnitKind, UnitRegistry
from tests.conftest import SHIPPED_UNITS

pytestmark = pytest.mark.unit

REAL_DISTRICTS = {
    "Thành phố Bến Tre",
    "Huyện Châu Thành",
    "Huyện Chợ Lách",
    "Huyện Mỏ Cày Nam",
    "Huyện Mỏ Cày Bắc",
    "Huyện Giồng Trôm",
    "Huyện Bình Đại",
    "Huyện Ba Tri",
    "Huyện Thạnh Phú",
}


def test_the_data_set_names_the_nine_real_district_level_units(units: UnitRegistry) -> None:
    districts = [u for u in units if u.kind is UnitKind.DISTRICT]
    assert {u.name for u in districts} == REAL_DISTRICTS
    assert all(not u.synthetic and u.parent_code == "83" for u in districts)


REAL_WITH_SOURCE = {"28789"}  # Phường Bến Tre: code and name cited in the file's sources


def test_every_unit_below_district_level_is_real_and_cited_or_labelled_synthetic(
    shipped_units: UnitRegistry,
) -> None:
    units = shipped_units
    below = [u for u in units if u.kind not in (UnitKind.PROVINCE, UnitKind.DISTRICT)]
    assert below
    synthetic = [u for u in below if u.code not in REAL_WITH_SOURCE]
    assert all(u.synthetic and "mẫu" in u.name for u in synthetic)
    sources = json.loads(SHIPPED_UNITS.read_text("utf-8"))["sources"]
    for code in REAL_WITH_SOURCE:
        unit = units.get(code)
        assert not unit.synthetic
        assert any(code in s["about"] and s["cite"].startswith("Nghị quyết") for s in sources)


def test_a_merged_unit_knows_its_predecessors_and_they_their_successor(
    units: UnitRegistry,
) -> None:
    ward = units.get("28789")
    assert [p.code for p in units.predecessors("28789")] == ["S-829-BP", "S-829-P7", "S-838-TT"]
    assert [s.code for s in units.successors("S-829-P7")] == ["28789"]
    assert ward.valid_from.isoformat() == "2025-07-01"
    assert not units.was_split("S-829-P7")


def test_the_data_set_covers_every_kind_of_nominee(shipped_units: UnitRegistry) -> None:
    kinds = {u.kind for u in shipped_units}
    assert kinds == set(UnitKind) - {UnitKind.INDIVIDUAL}  # a person is never a unit (§14)


def test_synthetic_communes_span_coastal_low_and_high_baselines(
    shipped_units: UnitRegistry,
) -> None:
    statistics = json.loads(SHIPPED_UNITS.read_text("utf-8"))["synthetic_statistics"]
    communes = [
        u
        for u in shipped_units
        if u.kind is UnitKind.COMMUNE and "2021" in statistics.get(u.code, {})
    ]
    coastal = [u for u in communes if UnitFlag.COASTAL_SPECIAL_DIFFICULTY in u.flags]
    rates = {
        u.code: Fraction(
            statistics[u.code]["2021"]["poor_households"],
            statistics[u.code]["2021"]["total_households"],
        )
        for u in communes
        if not u.flags
    }
    assert coastal
    assert any(r < Fraction(5, 100) for r in rates.values())
    assert any(r > Fraction(5, 100) for r in rates.values())
    assert Fraction(5, 100) in rates.values()  # exactly 5.00 %


def test_a_district_code_covers_every_unit_under_it(units: UnitRegistry) -> None:
    assert units.is_within("S-835-01", "835")
    assert units.is_within("S-HO-01", "835")  # a household in a commune of Bình Đại
    assert not units.is_within("S-835-01", "836")
    assert units.district_of("S-HO-01").code == "835"  # type: ignore[union-attr]
    assert units.district_of("S-SO-NV") is None


def test_districts_end_when_the_district_level_does(units: UnitRegistry) -> None:
    district = units.get("836")
    assert district.valid_on(date(2025, 6, 30))
    assert not district.valid_on(date(2025, 7, 1))
    assert units.get("83").successor_codes == ("86",)


def test_an_unknown_unit_is_not_found(units: UnitRegistry) -> None:
    with pytest.raises(UnitNotFound):
        units.get("nowhere")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x", "kind": "commune", "valid_from": "2020-01-01"}, "code"),
        ({"code": "x", "name": "x", "kind": "village", "valid_from": "2020-01-01"}, "kind"),
        ({"code": "x", "name": "x", "kind": "commune", "valid_from": "soon"}, "valid_from"),
        (
            {
                "code": "x",
                "name": "x",
                "kind": "commune",
                "valid_from": "2020-01-01",
                "flags": ["x"],
            },
            "flags",
        ),
        (
            {
                "code": "x",
                "name": "x",
                "kind": "commune",
                "valid_from": "2020-01-01",
                "valid_to": "2019-01-01",
            },
            "valid_to",
        ),
    ],
)
def test_a_bad_unit_names_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Unit.from_dict(data)
    assert refused.value.field == field


def test_a_unit_under_an_unregistered_parent_is_refused() -> None:
    registry = UnitRegistry()
    orphan = Unit.from_dict(
        {
            "code": "x",
            "name": "x",
            "kind": "commune",
            "parent_code": "p",
            "valid_from": "2020-01-01",
        }
    )
    with pytest.raises(InvalidInput) as refused:
        registry.add(orphan)
    assert refused.value.field == "parent_code"


def test_unit_names_are_nfc_normalised() -> None:
    decomposed = "Xa\u0303 Mâ\u0303u"  # combining tilde
    unit = Unit.from_dict(
        {"code": "x", "name": decomposed, "kind": "commune", "valid_from": "2020-01-01"}
    )
    assert unit.name == "Xã Mẫu"


def test_every_shipped_unit_lives_inside_its_parent_and_those_that_ended_have_successors(
    shipped_units: UnitRegistry,
) -> None:
    """On 30/6/2025 the districts and the old province ended: every unit under them ended with
    them, and the demo works on after that date with their successors under Vĩnh Long."""
    for unit in shipped_units:
        if unit.parent_code is not None:
            unit.require_within(shipped_units.get(unit.parent_code))
    ended = [u for u in shipped_units if u.valid_to == date(2025, 6, 30)]
    assert ended
    for unit in ended:
        if unit.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT):
            continue  # the district level ends; the province goes on as Vĩnh Long (86)
        [after] = shipped_units.successors(unit.code)
        assert after.valid_from == date(2025, 7, 1)
        assert "86" in [u.code for u in shipped_units.ancestors(after.code)], after.code
