"""Loading the shipped divisions and polygons into Place, idempotently."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from youpin.geo.models import Level, Place
from youpin.geo.services import divisions_load

pytestmark = pytest.mark.django_db


def test_real_zhongwei_counts(zhongwei: None) -> None:
    """The NBS 2023 table gives 3 counties, 46 township units and 516 villages under 中卫市."""
    under_city = Place.objects.filter(code__startswith="6405")
    assert under_city.filter(level=Level.COUNTY).count() == 3
    assert under_city.filter(level=Level.TOWNSHIP).count() == 46
    assert under_city.filter(level=Level.VILLAGE).count() == 516


def test_every_place_has_its_parent_prefix(zhongwei: None) -> None:
    """Each place's code starts with its parent's significant digits."""
    for place in Place.objects.select_related("parent").exclude(parent=None):
        assert place.code.startswith(place.parent.prefix), place


def test_reload_changes_nothing(zhongwei: None) -> None:
    """A second load creates and updates nothing."""
    before = Place.objects.count()
    report = divisions_load()
    assert (report.created, report.updated, report.boundaries) == (0, 0, 0)
    assert Place.objects.count() == before


def test_reload_repairs_an_edited_name(zhongwei: None) -> None:
    """A name changed by hand is put back to the table's value on reload."""
    Place.objects.filter(code="640521101202").update(name="错误名称")
    report = divisions_load()
    assert report.updated == 1
    assert Place.objects.get(code="640521101202").name == "鸣沙村"


def test_counties_carry_their_polygons(zhongwei: None) -> None:
    """The three counties have a (Multi)Polygon boundary from the shipped GeoJSON."""
    counties = Place.objects.filter(level=Level.COUNTY, code__startswith="6405")
    assert {c.boundary["type"] for c in counties} <= {"Polygon", "MultiPolygon"}
    assert all(c.boundary["coordinates"] for c in counties)


def test_load_command_reports_and_rejects_missing_file(zhongwei: None, tmp_path: Path) -> None:
    """`youpin geo load` prints what changed and refuses a file that is not there."""
    out = StringIO()
    call_command("geo", "load", stdout=out)
    assert "新增 0" in out.getvalue()
    with pytest.raises(CommandError, match="file not found"):
        call_command("geo", "load", "--divisions", str(tmp_path / "missing.csv"))
