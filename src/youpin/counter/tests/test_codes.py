"""The pure helpers: code shapes, waybill shapes, slot choice, overdue stages."""

from __future__ import annotations

from youpin.counter import codes


def test_shelf_code_and_shapes() -> None:
    """Both code styles are recognised; waybills and phones are not codes."""
    assert codes.shelf_code(3, 2, 108) == "3-2-108"
    assert codes.is_pickup_code("3-2-108")
    assert codes.is_pickup_code("123456")
    assert not codes.is_pickup_code("12345")
    assert not codes.is_pickup_code("YT1234567890123")
    assert codes.normalise_code(" 3－2－108 ") == "3-2-108"


def test_serial_runs_round() -> None:
    """Serials go 1 … 9999 and start again at 1, never 0."""
    assert codes.next_serial(0) == 1
    assert codes.next_serial(9998) == 9999
    assert codes.next_serial(9999) == 1


def test_random_digits_have_six() -> None:
    """Six digits, never a leading zero."""
    for _ in range(200):
        code = codes.random_digits()
        assert len(code) == 6
        assert code[0] != "0"
        assert code.isdigit()


def test_waybill_shape_names_the_carrier_when_only_one_matches() -> None:
    """YT + 13 digits is YTO's; an unseen shape matches nothing but is still well formed."""
    assert codes.waybill_shape("yt 1234567890123").carrier == "yto"
    assert codes.waybill_shape("SF1234567890123").carrier == "sf"
    unknown = codes.waybill_shape("ABC123456")
    assert unknown.carriers == ()
    assert unknown.well_formed
    assert not codes.waybill_shape("12#45").well_formed


def test_choose_slot_fills_the_emptiest_and_rotates_ties() -> None:
    """The emptiest slot wins; among equals the turn decides; full shelves give None."""
    assert codes.choose_slot(2, 2, 5, {}, 0) == (1, 1)
    assert codes.choose_slot(2, 2, 5, {}, 1) == (1, 2)
    assert codes.choose_slot(2, 2, 5, {}, 6) == (2, 1)
    occupied = {(1, 1): 3, (1, 2): 1, (2, 1): 3, (2, 2): 2}
    assert codes.choose_slot(2, 2, 5, occupied, 0) == (1, 2)
    full = {(s, t): 5 for s in (1, 2) for t in (1, 2)}
    assert codes.choose_slot(2, 2, 5, full, 0) is None


def test_overdue_stages() -> None:
    """Reminders after 24 h and 48 h, the return list after 72 h."""
    assert [codes.overdue_stage(h) for h in (0, 23.9, 24, 47.9, 48, 71.9, 72, 200)] == [
        0, 0, 1, 1, 2, 2, 3, 3,
    ]  # fmt: skip


def test_phone_tail() -> None:
    """The last four digits, whatever the punctuation."""
    assert codes.phone_tail("138-9555-6789") == "6789"
    assert codes.phone_tail("123") == ""
