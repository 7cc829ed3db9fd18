"""Order destinations to NBS places at import speed: the table resolver, memoised soundly.

Pure (no Django). `PlaceFinder.code(address)` is the code the resolver is *sure* of
inside the table's region (below the province, not outside), or None. It calls
`resolve_address(…, fallback=False)`: jionlp (≈ 3 ms an address) is never consulted, so
addresses outside the region are simply left without a place.

Most addresses end in a house number (…村3组12号, …路443号), which makes nearly every
text unique and defeats the resolver's cache. The finder therefore resolves the text
cut at its first ASCII digit, with one "0" standing for the cut tail. This gives the
same code as resolving the whole text because:

* no division name or suffix holds a digit, so no match can start in, or reach into,
  a tail that begins with a digit; the resolver only looks at such a tail to ask
  whether it is empty or starts with an administrative word (both answered the same
  for any tail that starts with a digit);
* the resolver's noise skipping looks for province/city/county names anywhere, so the
  cut is used only when the tail holds none of them.

The equivalence is checked against the plain resolver in tests/test_places.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from youpin.geo.divisions import DivisionTable, level_depth, name_form
from youpin.geo.resolver import Resolution, normalise_text, resolve_address

_FIRST_DIGIT = re.compile(r"[0-9]")
_COUNTRY_NAMES = ("中国", "中华人民共和国")
_TAIL_STAND_IN = "0"
_MEMO_SIZE = 200_000


class PlaceFinder:
    """Resolves order addresses to the place code the table is sure of, memoised."""

    def __init__(self, table: DivisionTable) -> None:
        """Prepare the finder for one division table."""
        self.table = table
        upper = {name_form(d).stem for d in table if level_depth(d.level) <= level_depth("county")}
        names = "|".join(re.escape(s) for s in sorted(upper, key=len, reverse=True))
        self._upper = re.compile(names) if names else None
        digits_in_names = any(
            _FIRST_DIGIT.search(name_form(d).stem + "".join(name_form(d).suffixes)) for d in table
        )
        self._cut_ok = not digits_in_names
        self._memo = lru_cache(maxsize=_MEMO_SIZE)(self._resolve)

    def code(self, address: str) -> str | None:
        """The sure place code of an address inside the region, or None."""
        if not address:
            return None
        text = normalise_text(address)
        if text.startswith(_COUNTRY_NAMES):
            # normalising again would drop a second country name: resolve as given
            return _sure(resolve_address(address, self.table, fallback=False))
        return self._memo(self._key(text))

    def _key(self, text: str) -> str:
        """The text to resolve: the normalised address, cut before its digits when that is safe."""
        if not self._cut_ok:
            return text
        match = _FIRST_DIGIT.search(text)
        if match is None or match.start() == 0:
            return text
        head, tail = text[: match.start()], text[match.start() :]
        if self._upper is not None and self._upper.search(tail):
            return text
        return head + _TAIL_STAND_IN

    def _resolve(self, text: str) -> str | None:
        """Resolve one normalised text (normalising it again changes nothing)."""
        return _sure(resolve_address(text, self.table, fallback=False))


def _sure(found: Resolution) -> str | None:
    """The code of a resolution when it is sure and inside the region below the province."""
    if found.code is None or found.outside or found.level in (None, "province"):
        return None
    return found.code
