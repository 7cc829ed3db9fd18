"""Resolve free-text Chinese addresses to NBS divisions, never guessing between namesakes.

The text is matched left to right against the division table's name forms (province, city,
county, township, village; any level may be left out). Every chain of matches that fits the
hierarchy is scored; when several chains tie, the result stops at their deepest common ancestor
and lists the candidates in `ambiguous`. Only when the table cannot place the address below the
province is jionlp consulted, for places outside the table's region (unless the caller
turns the fallback off: `resolve_address(text, table, fallback=False)`).
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from youpin.geo.divisions import (
    Division,
    DivisionTable,
    NameForm,
    level_depth,
    pad_code,
    shipped_table,
    split_name,
)

_SEPARATORS = " ,，、;；:：.。·・/|\\-—_()（）[]【】<>《》\"'“”‘’`~!！?？#*"
_WHITESPACE = re.compile(r"\s+")
_COUNTRY_PREFIXES = ("中华人民共和国", "中国")
# A bare stem (中卫, 滨河, 南街) must not run into another level's suffix or a street word.
_ADMIN_MARKERS = (*"省市州盟县区旗镇乡村", "社区", "居委", "街道")
_STREET_MARKERS = (*"路街巷道弄", "胡同", "大道", "大街")
# Characters that, in skipped leading text, suggest another place rather than noise.
_PREFIX_PLACE_CHARS = frozenset("省市州盟县区旗")
_LOCAL_LEVELS = frozenset({"township", "village"})
_START_FACTOR = {"province": 1.0, "city": 1.0, "county": 1.0, "township": 0.95, "village": 0.85}
_SHORT_FACTOR = 0.9
_AMBIGUOUS_FACTOR = 0.9
_SKIPPED_PREFIX_FACTOR = 0.8
_JIONLP_OUTSIDE_CONFIDENCE = 0.8
_JIONLP_INSIDE_CONFIDENCE = 0.6
_JIONLP_MAX_CHARS = 100
_JIONLP_MIN_EVIDENCE = 2  # one full name (兰州市) or two abbreviations (甘肃兰州)
_CACHE_SIZE = 65536

_jionlp_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the resolver is sure of in an address: names per level and the deepest sure code."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    village: str | None = None
    code: str | None = None
    level: str | None = None
    confidence: float = 0.0
    outside: bool = False
    ambiguous: tuple[str, ...] = ()
    detail: str = ""

    @property
    def found(self) -> bool:
        """True when the address was placed somewhere (a sure code or ambiguous candidates)."""
        return self.code is not None or bool(self.ambiguous)

    def as_dict(self) -> dict[str, Any]:
        """The resolution as a JSON-ready dict (ambiguous as a list)."""
        return {
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "village": self.village,
            "code": self.code,
            "level": self.level,
            "confidence": self.confidence,
            "outside": self.outside,
            "ambiguous": list(self.ambiguous),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class _Match:
    """One division name found in the text."""

    division: Division
    start: int
    end: int
    short: bool


@dataclass(frozen=True, slots=True)
class _Parse:
    """The best chain(s) of matches: where they end and which divisions they end on."""

    best: tuple[_Match, ...]
    finals: tuple[Division, ...]
    end: int
    skipped_prefix: bool


def normalise_text(text: str) -> str:
    """NFKC-normalise an address, collapse whitespace and drop a leading country name."""
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip(_SEPARATORS)
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :].strip(_SEPARATORS)
    return text


def resolve_address(
    text: str, table: DivisionTable | None = None, *, fallback: bool = True
) -> Resolution:
    """Resolve an address against a division table (the shipped one by default).

    With `fallback=False` jionlp is never consulted (≈ 3 ms per address): an address the
    table cannot place below the province gives what the table alone found, and places
    outside the table's region are not named. Bulk importers use it to keep their speed.
    """
    if not isinstance(text, str):
        raise ValueError(f"address must be a str, not {type(text).__name__}")
    return _resolve_normalised(
        shipped_table() if table is None else table, normalise_text(text), fallback
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _resolve_normalised(table: DivisionTable, text: str, fallback: bool = True) -> Resolution:
    """Resolve normalised text: the table first, jionlp only when that places nothing local."""
    if not text:
        return Resolution()
    parse = _parse(table, text, 0, skipped=False) or _parse_after_noise(table, text)
    if parse is not None and _placed_below_province(parse):
        return _inside(table, text, parse)
    if not fallback:
        return _inside(table, text, parse) if parse is not None else Resolution(detail=text)
    fallback_result = _jionlp_resolution(table, text)
    local = _inside(table, text, parse) if parse is not None else None
    if fallback_result is not None and (
        fallback_result.outside or local is None or _deeper(fallback_result, local)
    ):
        return fallback_result
    return local or Resolution(detail=text)


def _deeper(a: Resolution, b: Resolution) -> bool:
    """True when resolution `a` reaches a deeper level than `b`."""
    return level_depth(a.level or "province") > level_depth(b.level or "province")


def clear_cache() -> None:
    """Forget cached resolutions (after the division table changed)."""
    _resolve_normalised.cache_clear()


# --- matching against the table -------------------------------------------------------------


def _skip_separators(text: str, pos: int) -> int:
    """Advance past separators (spaces, commas …) from `pos`."""
    while pos < len(text) and text[pos] in _SEPARATORS:
        pos += 1
    return pos


def _short_allowed(form: NameForm, text: str, end: int, after_parent: bool) -> bool:
    """Whether a bare stem (滨河 for 滨河镇) may stand for the division here."""
    rest = text[end:]
    if rest.startswith(_ADMIN_MARKERS) or rest.startswith(_STREET_MARKERS):
        return False
    if form.division.level in _LOCAL_LEVELS:
        return after_parent and bool(rest.strip(_SEPARATORS))
    return True


def _match_form(form: NameForm, text: str, start: int, after_parent: bool) -> _Match | None:
    """Match one name form whose stem starts at `start`: stem + suffix, whole name, or bare stem."""
    stem_end = start + len(form.stem)
    for suffix in form.suffixes:
        if text.startswith(suffix, stem_end):
            return _Match(form.division, start, stem_end + len(suffix), short=False)
    if form.stem_is_name:
        return _Match(form.division, start, stem_end, short=False)
    if form.short_ok and _short_allowed(form, text, stem_end, after_parent):
        return _Match(form.division, start, stem_end, short=True)
    return None


def _fits_under(table: DivisionTable, division: Division, parent: Division | None) -> bool:
    """True when `division` may follow `parent` in an address (it lies strictly inside it)."""
    return parent is None or table.is_ancestor(parent.code, division.code)


def _matches_at(table: DivisionTable, text: str, pos: int, parent: Division | None) -> list[_Match]:
    """Every division name that starts at `pos` and fits under `parent`."""
    found: list[_Match] = []
    for length in table.stem_lengths:
        if pos + length > len(text):
            continue
        for form in table.name_forms(text[pos : pos + length]):
            if _fits_under(table, form.division, parent):
                match = _match_form(form, text, pos, after_parent=parent is not None)
                if match is not None:
                    found.append(match)
    return found


def _chains(
    table: DivisionTable, text: str, pos: int, chain: tuple[_Match, ...]
) -> list[tuple[_Match, ...]]:
    """Every chain of matches that continues `chain` from `pos`, including `chain` itself."""
    parent = chain[-1].division if chain else None
    found = [chain] if chain else []
    for match in _matches_at(table, text, _skip_separators(text, pos), parent):
        found.extend(_chains(table, text, match.end, (*chain, match)))
    return found


def _score(chain: tuple[_Match, ...]) -> tuple[int, int]:
    """Rank chains: consume the most text, then prefer full names over bare stems."""
    return (chain[-1].end, -sum(m.short for m in chain))


def _best(chains: list[tuple[_Match, ...]], skipped: bool) -> _Parse | None:
    """Keep the best-scoring chains; their last divisions are the candidates."""
    if not chains:
        return None
    top = max(_score(chain) for chain in chains)
    winners = [chain for chain in chains if _score(chain) == top]
    finals = {chain[-1].division.code: chain[-1].division for chain in winners}
    return _Parse(
        best=winners[0],
        finals=tuple(finals[code] for code in sorted(finals)),
        end=top[0],
        skipped_prefix=skipped,
    )


def _parse(table: DivisionTable, text: str, pos: int, *, skipped: bool) -> _Parse | None:
    """Parse the address from `pos`: the best chains of division names starting there."""
    return _best(_chains(table, text, pos, ()), skipped)


def _full_name_at(table: DivisionTable, text: str, pos: int) -> bool:
    """True when a province, city or county is written in full at `pos`."""
    return any(
        not m.short and level_depth(m.division.level) <= level_depth("county")
        for m in _matches_at(table, text, pos, None)
    )


def _parse_after_noise(table: DivisionTable, text: str) -> _Parse | None:
    """Skip leading noise (收货地址：…) up to a province/city/county written in full."""
    for pos in range(1, len(text)):
        if text[pos - 1] in _PREFIX_PLACE_CHARS:
            return None
        if _full_name_at(table, text, pos):
            return _parse(table, text, pos, skipped=True)
    return None


def _placed_below_province(parse: _Parse) -> bool:
    """True when the parse reaches below the province (or names several candidates)."""
    return len(parse.finals) > 1 or parse.finals[0].level != "province"


def _confidence(parse: _Parse) -> float:
    """How much the evidence supports the result, from 0 to 1."""
    score = _START_FACTOR[parse.best[0].division.level]
    for match in parse.best:
        if match.short and match.division.level in _LOCAL_LEVELS:
            score *= _SHORT_FACTOR
    if len(parse.finals) > 1:
        score *= _AMBIGUOUS_FACTOR
    if parse.skipped_prefix:
        score *= _SKIPPED_PREFIX_FACTOR
    return round(score, 2)


def _names(chain: tuple[Division, ...]) -> dict[str, str]:
    """Names per level along a chain of divisions."""
    return {division.level: division.name for division in chain}


def _at(table: DivisionTable, division: Division | None, **fields: Any) -> Resolution:
    """A resolution naming `division` and its ancestors from the table, plus other fields."""
    names = _names(table.ancestors(division.code)) if division else {}
    return Resolution(
        province=names.get("province"),
        city=names.get("city"),
        county=names.get("county"),
        township=names.get("township"),
        village=names.get("village"),
        code=division.code if division else None,
        level=division.level if division else None,
        **fields,
    )


def _inside(table: DivisionTable, text: str, parse: _Parse) -> Resolution:
    """Build the resolution for an address the table placed."""
    return _at(
        table,
        table.common_ancestor(d.code for d in parse.finals),
        confidence=_confidence(parse),
        ambiguous=tuple(d.code for d in parse.finals) if len(parse.finals) > 1 else (),
        detail=text[parse.end :].strip(_SEPARATORS),
    )


# --- jionlp fallback for places outside the table -------------------------------------------


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence stdout, stderr and warnings (jionlp prints a banner when imported)."""
    sink = io.StringIO()
    with (
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        yield


@cache
def _jionlp() -> Any:
    """Import jionlp once, quietly; None when it is not installed."""
    try:
        with _quiet():
            import jionlp
    except ImportError:
        return None
    return jionlp


def _jionlp_parse(text: str) -> dict[str, Any] | None:
    """jionlp's province/city/county reading of the text, or None."""
    jionlp = _jionlp()
    if jionlp is None:
        return None
    try:
        with _jionlp_lock:  # jionlp's parser mutates shared state while it works
            result = jionlp.parse_location(text[:_JIONLP_MAX_CHARS])
    except Exception:  # jionlp is heuristic code; a failure there must not break resolution
        return None
    if not isinstance(result, dict) or not result.get("province"):
        return None
    return result if _evidence(text, result) >= _JIONLP_MIN_EVIDENCE else None


def _evidence(text: str, jp: dict[str, Any]) -> int:
    """How strongly the text names jionlp's places: 2 per full name, 1 per abbreviation."""
    points = 0
    for level in ("province", "city", "county"):
        name = jp.get(level)
        if not name:
            continue
        if name in text:
            points += 2
        elif (stem := split_name(name, level)[0]) != name and len(stem) >= 2 and stem in text:
            points += 1
    return points


@cache
def _jionlp_codes() -> dict[tuple[str, str | None, str | None], str]:
    """Admin codes from jionlp's location dictionary, keyed by (province, city, county)."""
    jionlp = _jionlp()
    tree = jionlp.dictionary.dictionary_loader.china_location_loader() if jionlp else {}
    codes: dict[tuple[str, str | None, str | None], str] = {}
    for prov, cities in _named_items(tree):
        codes[(prov, None, None)] = cities["_admin_code"]
        for city, counties in _named_items(cities):
            codes[(prov, city, None)] = counties["_admin_code"]
            for county, info in _named_items(counties):
                codes[(prov, city, county)] = info["_admin_code"]
                codes.setdefault((prov, None, county), info["_admin_code"])
    return codes


def _named_items(node: dict[str, Any]) -> list[tuple[str, Any]]:
    """The child entries of a jionlp dictionary node (keys not starting with '_')."""
    return [(key, value) for key, value in node.items() if not key.startswith("_")]


def _jionlp_code(prov: str, city: str | None, county: str | None) -> tuple[str | None, str | None]:
    """The deepest admin code jionlp knows for these names, padded to 12 digits, and its level."""
    try:
        codes = _jionlp_codes()
    except Exception:  # an unreadable dictionary only costs us the code
        return None, None
    prov_code = codes.get((prov, None, None))
    candidates = (
        ("county", codes.get((prov, city, county)) if county else None),
        ("city", codes.get((prov, city, None)) if city else None),
        ("province", prov_code),
    )
    for level, code in candidates:
        if code and (level == "province" or code != prov_code):
            return pad_code(code), level
    return None, None


def _in_table(table: DivisionTable, jp: dict[str, Any]) -> tuple[bool, Division | None]:
    """Whether jionlp's names all lie in the table, and the deepest one that is unique there."""
    deepest: Division | None = None
    for level in ("province", "city", "county"):
        name = jp.get(level)
        if not name:
            continue
        hits = table.find(name, level)
        if not hits:
            return False, None
        if len(hits) == 1:
            deepest = hits[0]
    return True, deepest


def _jionlp_resolution(table: DivisionTable, text: str) -> Resolution | None:
    """Resolve with jionlp: outside places get jionlp's names and code, inside ones the table's."""
    jp = _jionlp_parse(text)
    if jp is None:
        return None
    inside, place = _in_table(table, jp)
    if not inside:
        return _outside(jp)
    if place is None:
        return None
    return _at(
        table,
        place,
        confidence=_JIONLP_INSIDE_CONFIDENCE,
        detail=str(jp.get("detail") or "").strip(_SEPARATORS),
    )


def _outside(jp: dict[str, Any]) -> Resolution:
    """A resolution for a place outside the table, from jionlp's reading."""
    code, level = _jionlp_code(jp["province"], jp.get("city"), jp.get("county"))
    return Resolution(
        province=jp["province"],
        city=jp.get("city"),
        county=jp.get("county"),
        code=code,
        level=level,
        confidence=_JIONLP_OUTSIDE_CONFIDENCE,
        outside=True,
        detail=str(jp.get("detail") or "").strip(_SEPARATORS),
    )
