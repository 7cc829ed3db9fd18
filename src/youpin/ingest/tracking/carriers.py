"""The connectors' carrier code table, built from the `Carrier` rows in the database.

The connectors ship their own table (`DEFAULT_CARRIER_CODES`), but our carrier codes
are whatever the reference table (`logistics.carriers`, synced into `Carrier`) says:
China Post may be `post` there and `chinapost` in the connectors' defaults. So the
Kuaidi100 and Kdniao codes come from each row's `kuaidi100_code` and `kdniao_code`;
the spellings that have no column (WeChat `delivery_id`, Chinese names typed in
spreadsheets) are taken from the connectors' lists and bridged to our rows through
the Kdniao or Kuaidi100 code they share. A carrier missing from the database is not
in the table, so its events are held back rather than filed under a guessed carrier.
"""

from __future__ import annotations

from dataclasses import dataclass

from youpin.connectors.carriers import CarrierCodeTable
from youpin.connectors.carriers.codes import (
    CARRIER_NAMES,
    KDNIAO_CARRIERS,
    KUAIDI100_CARRIERS,
    WECHAT_CARRIERS,
)
from youpin.ingest.tracking.cache import cached_by_model
from youpin.logistics.models import Carrier


@dataclass(frozen=True)
class CarrierCodes:
    """The code table for the connectors and the ids of our carriers by code."""

    table: CarrierCodeTable
    ids: dict[str, int]


def _bridge(connector_code: str, by_kdniao: dict[str, str], by_kuaidi100: dict[str, str]) -> str:
    """Our code for a carrier the connectors call `connector_code`; "" when we have no such row."""
    for kdniao, code in KDNIAO_CARRIERS.items():
        if code == connector_code and kdniao in by_kdniao:
            return by_kdniao[kdniao]
    for kuaidi100, code in KUAIDI100_CARRIERS.items():
        if code == connector_code and kuaidi100 in by_kuaidi100:
            return by_kuaidi100[kuaidi100]
    return ""


def carrier_codes() -> CarrierCodes:
    """The table the tracking connectors translate codes with (cached; see `cache`)."""
    return _CODES.get()


def read_carrier_codes() -> CarrierCodes:
    """Read the carriers and build the table the tracking connectors translate codes with."""
    rows = list(Carrier.objects.values_list("id", "code", "name", "kuaidi100_code", "kdniao_code"))
    by_kuaidi100 = {k100.strip().lower(): code for _, code, _, k100, _ in rows if k100.strip()}
    by_kdniao = {kdn.strip().upper(): code for _, code, _, _, kdn in rows if kdn.strip()}
    wechat = dict(by_kdniao)
    for spelling, connector_code in WECHAT_CARRIERS.items():
        ours = _bridge(connector_code, by_kdniao, by_kuaidi100)
        if ours:
            wechat.setdefault(spelling, ours)
    names = {name.strip(): code for _, code, name, _, _ in rows if name.strip()}
    names.update({code.upper(): code for _, code, _, _, _ in rows})
    for spelling, connector_code in CARRIER_NAMES.items():
        ours = _bridge(connector_code, by_kdniao, by_kuaidi100)
        if ours:
            names.setdefault(spelling, ours)
    table = CarrierCodeTable(kuaidi100=by_kuaidi100, kdniao=by_kdniao, wechat=wechat, names=names)
    return CarrierCodes(table=table, ids={code: pk for pk, code, _, _, _ in rows})


_CODES = cached_by_model(read_carrier_codes, Carrier)


def carrier_codes_stamped(stamp: tuple[object, ...]) -> CarrierCodes:
    """`carrier_codes()` when the caller has read the `Carrier` table's fingerprint itself,
    inside a statement it sends anyway (`CARRIER_FINGERPRINT_SQL`): one round trip fewer."""
    return _CODES.get_with(stamp)


CARRIER_FINGERPRINT_SQL = _CODES.fingerprint_sql()
