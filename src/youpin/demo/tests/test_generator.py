"""Pure pieces of the demo generator: identifiers, carrier shapes, quotas."""

from __future__ import annotations

import random
import re

from youpin.catalog.categories import CATEGORIES, CATEGORY_SLUGS
from youpin.demo.identifiers import Scrambler, WaybillMaker, credit_code, phone
from youpin.demo.seasons import allocate, festival_factor, months
from youpin.demo.traffic import quotas
from youpin.demo.vocab import PRODUCTS, WAYBILL_SHAPES
from youpin.logistics.carriers import CARRIER_CODES, CARRIERS, carrier_spec, waybill_matches


def test_waybills_match_their_carriers_pattern_and_are_unique() -> None:
    """Every demo waybill has its carrier's observed shape and none repeats."""
    make = WaybillMaker(random.Random(7))
    for code in CARRIER_CODES:
        numbers = [make(code) for _ in range(2000)]
        assert len(set(numbers)) == len(numbers)
        assert all(waybill_matches(code, n) for n in numbers), code


def test_carrier_table_is_complete() -> None:
    """Nine carriers, each with both aggregator codes and a compilable pattern."""
    assert set(WAYBILL_SHAPES) == set(CARRIER_CODES)
    assert len(CARRIERS) == 9
    for spec in CARRIERS:
        assert spec.kuaidi100_code
        assert spec.kdniao_code
        re.compile(spec.waybill_pattern)
    assert carrier_spec("zto").name == "中通快递"
    assert not waybill_matches("sf", "YT1234567890123")


def test_every_category_has_products() -> None:
    """The demo sells in every reference category; services are flagged."""
    assert set(PRODUCTS) == set(CATEGORY_SLUGS)
    services = {c.slug for c in CATEGORIES if c.is_service}
    assert services == {"scenic-ticket", "travel-route"}


def test_scrambler_is_a_bijection() -> None:
    """Distinct serials give distinct fixed-width numbers."""
    scramble = Scrambler(4, random.Random(1))
    values = [scramble(n) for n in range(10_000)]
    assert len(set(values)) == 10_000
    assert all(len(v) == 4 for v in values)


def test_credit_codes_are_well_formed() -> None:
    """Synthetic credit codes have 18 characters from the GB 32100 alphabet and the county code."""
    rng = random.Random(3)
    for _ in range(100):
        code = credit_code(rng, "640521", "93")
        assert re.fullmatch(r"93640521[0-9A-Z]{10}", code)


def test_phones_are_in_the_demo_block() -> None:
    """Synthetic phones all carry the 9555 block."""
    rng = random.Random(5)
    assert all(re.fullmatch(r"13\d9555\d{4}", phone(rng)) for _ in range(100))


def test_quotas_sum_to_totals_and_track_shares() -> None:
    """Each month's counts sum to its total; over the months each slot gets its share within one."""
    weights = [[1.0, 0.1, 3.0], [1.0, 0.2, 2.0], [2.0, 0.1, 1.0]] * 20
    totals = [7, 3, 11] * 20
    counts = quotas(totals, weights)
    assert [sum(row) for row in counts] == totals
    expected = [
        sum(t * w[i] / sum(w) for t, w in zip(totals, weights, strict=True)) for i in range(3)
    ]
    got = [sum(row[i] for row in counts) for i in range(3)]
    assert all(abs(g - e) <= 1.0 for g, e in zip(got, expected, strict=True))


def test_calendar_has_festivals_and_exact_allocation() -> None:
    """Sixty months; Double 11 is the busiest day; allocate keeps totals."""
    all_months = months()
    assert len(all_months) == 60
    busiest = max((d for m in all_months[-12:] for d in m.days), key=lambda d: d.weight)
    assert (busiest.day.month, busiest.day.day) == (11, 11)
    assert festival_factor(busiest.day)[1]
    assert sum(allocate(1000, [1.0, 2.5, 0.3])) == 1000
