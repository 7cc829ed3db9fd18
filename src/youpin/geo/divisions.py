"""NBS administrative divisions: 12-digit codes, name forms and an in-memory lookup table.

Pure Python (no Django): the address resolver matches free text against a `DivisionTable`,
which can come from the shipped CSV (`shipped_table()`) or from any other source of rows.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")
CODE_WIDTH = 12
SHIPPED_CSV = Path(__file__).resolve().parent / "data" / "zhongwei_divisions_nbs2023.csv"

_LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}
_SEGMENTS = (("village", 9, 12), ("township", 6, 9), ("county", 4, 6), ("city", 2, 4))
_DEPTH = {level: depth for depth, level in enumerate(LEVELS)}

# Administrative suffixes per level, longest first so that the longest one is stripped.
_LEVEL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "province": ("特别行政区", "自治区", "省", "市"),
    "city": ("自治州", "地区", "市", "盟"),
    "county": ("自治县", "自治旗", "林区", "特区", "新区", "县", "区", "市", "旗"),
    "township": ("街道办事处", "民族乡", "街道", "苏木", "镇", "乡"),
    "village": (
        "社区居民委员会",
        "社区居委会",
        "村民委员会",
        "居民委员会",
        "村委会",
        "居委会",
        "委员会",
        "社区",
        "村",
    ),
}
# The ways a village-level committee is written: a village (村) or a residents' committee (社区).
_VILLAGE_FORMS = ("村村民委员会", "村村委会", "村民委员会", "村委会", "村委", "村")
_RESIDENT_FORMS = ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "社区", "居委")
_VILLAGE_SUFFIXES = frozenset({"村", "村委会", "村民委员会"})
_RESIDENT_SUFFIXES = frozenset({"社区", "居委会", "居民委员会", "社区居委会", "社区居民委员会"})
# A stem that itself ends like this is already a complete name (e.g. 贾塘新村 of 贾塘新村村委会).
_COMPLETE_ENDINGS: dict[str, tuple[str, ...]] = {
    "township": ("镇", "乡"),
    "village": ("村", "社区"),
}

# Ethnic groups as they appear in autonomous-area names (回族自治区, 哈萨克自治州, 土家族自治县):
# one-character names always carry 族, longer ones may drop it.
_ETHNIC_TAIL = re.compile(
    "(?:(?:回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京|各)族"
    "|(?:乌孜别克|柯尔克孜|俄罗斯|鄂温克|鄂伦春|维吾尔|达斡尔|哈萨克|塔吉克|塔塔尔"
    "|蒙古|布依|朝鲜|土家|哈尼|傈僳|高山|拉祜|东乡|纳西|景颇|仫佬|布朗|撒拉|毛南|仡佬"
    "|锡伯|阿昌|普米|德昂|保安|裕固|独龙|赫哲|门巴|珞巴|基诺)族?)$"
)


def pad_code(code: str) -> str:
    """Return an NBS code of 2, 4, 6, 9 or 12 digits right-padded with zeros to 12 digits."""
    raw = code.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) in _LEVEL_BY_LENGTH):
        raise ValueError(f"not an NBS division code: {code!r}")
    return raw.ljust(CODE_WIDTH, "0")


def level_of_code(code: str) -> str:
    """Return the level of an NBS code, given raw (2–9 digits) or as its 12-digit form."""
    raw = code.strip()
    padded = pad_code(raw)
    if len(raw) < CODE_WIDTH:
        return _LEVEL_BY_LENGTH[len(raw)]
    for level, start, end in _SEGMENTS:
        if padded[start:end].strip("0"):
            return level
    return "province"


def level_depth(level: str) -> int:
    """Return the depth of a level: 0 for province down to 4 for village."""
    try:
        return _DEPTH[level]
    except KeyError:
        raise ValueError(f"unknown division level: {level!r}") from None


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division under its 12-digit NBS code."""

    code: str
    name: str
    level: str
    parent_code: str | None = None

    def __post_init__(self) -> None:
        """Pad the codes to 12 digits and check the level."""
        object.__setattr__(self, "code", pad_code(self.code))
        if self.parent_code:
            object.__setattr__(self, "parent_code", pad_code(self.parent_code))
        else:
            object.__setattr__(self, "parent_code", None)
        object.__setattr__(self, "name", self.name.strip())
        level_depth(self.level)
        if not self.name:
            raise ValueError(f"division {self.code} has no name")


@dataclass(frozen=True, slots=True)
class NameForm:
    """How a division may be written: its stem, then one of its suffixes or nothing."""

    division: Division
    stem: str
    suffixes: tuple[str, ...]
    stem_is_name: bool
    short_ok: bool


def _strip_ethnic(stem: str) -> str:
    """Remove trailing ethnic-group names (宁夏回族 → 宁夏), keeping at least two characters."""
    while (match := _ETHNIC_TAIL.search(stem)) and match.start() >= 2:
        stem = stem[: match.start()]
    return stem


def split_name(name: str, level: str) -> tuple[str, str]:
    """Split a division name into its stem and its administrative suffix (中宁县 → 中宁, 县)."""
    name = name.strip()
    for suffix in _LEVEL_SUFFIXES[level]:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if "自治" in suffix or suffix == "民族乡":
                stem = _strip_ethnic(stem)
            return stem, name[len(stem) :]
    return name, ""


def normalise_name(name: str, level: str) -> str:
    """Return the stem a division name is indexed under (南街村委会 → 南街, 中宁县 → 中宁)."""
    return split_name(name, level)[0]


def _accepted_suffixes(level: str, suffix: str) -> tuple[str, ...]:
    """Every suffix that may follow a stem whose own suffix is `suffix`, longest first."""
    forms: set[str] = {suffix} if suffix else set()
    if level == "village":
        if suffix in _VILLAGE_SUFFIXES or suffix == "委员会":
            forms.update(_VILLAGE_FORMS)
        if suffix in _RESIDENT_SUFFIXES or suffix == "委员会":
            forms.update(_RESIDENT_FORMS)
    base = next((s for s in _LEVEL_SUFFIXES[level] if suffix.endswith(s)), "")
    if base:
        forms.add(base)
    if base in {"自治州", "自治县", "自治旗", "民族乡"}:
        forms.add(base[-1])
    if base in {"街道", "街道办事处"}:
        forms.update({"街道", "街道办事处"})
    return tuple(sorted(forms, key=len, reverse=True))


def name_form(division: Division) -> NameForm:
    """Describe how a division's name may be written in an address."""
    stem, suffix = split_name(division.name, division.level)
    complete = not suffix or stem.endswith(_COMPLETE_ENDINGS.get(division.level, ()))
    return NameForm(
        division=division,
        stem=stem,
        suffixes=_accepted_suffixes(division.level, suffix),
        stem_is_name=complete,
        short_ok=not complete and len(stem) >= 2,
    )


class DivisionTable:
    """Divisions indexed by code, by parent and by normalised name."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        """Index the divisions; a code may appear only once."""
        self._by_code: dict[str, Division] = {}
        for division in divisions:
            if division.code in self._by_code:
                raise ValueError(f"duplicate division code {division.code}")
            self._by_code[division.code] = division
        self._children = self._index_children()
        self._ancestry = {code: self._chain(code) for code in self._by_code}
        self._forms = self._index_forms()
        self.stem_lengths: tuple[int, ...] = tuple(
            sorted({len(stem) for stem in self._forms}, reverse=True)
        )
        self.fingerprint = self._fingerprint()

    @classmethod
    def from_csv(cls, path: str | Path) -> DivisionTable:
        """Load a table from a CSV with columns code,name,level,parent_code."""
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return cls(
            Division(
                code=row["code"],
                name=row["name"],
                level=row["level"].strip(),
                parent_code=(row.get("parent_code") or "").strip() or None,
            )
            for row in rows
        )

    def _index_children(self) -> dict[str | None, tuple[Division, ...]]:
        """Group the divisions under their parent's code (None for the top)."""
        children: dict[str | None, list[Division]] = defaultdict(list)
        for division in self._by_code.values():
            parent = division.parent_code if division.parent_code in self._by_code else None
            children[parent].append(division)
        return {code: tuple(sorted(kids, key=lambda d: d.code)) for code, kids in children.items()}

    def _chain(self, code: str) -> tuple[Division, ...]:
        """The division and its ancestors present in the table, top first."""
        chain: list[Division] = []
        current: Division | None = self._by_code[code]
        while current is not None and len(chain) < len(LEVELS):
            chain.append(current)
            current = self._by_code.get(current.parent_code) if current.parent_code else None
        return tuple(reversed(chain))

    def _index_forms(self) -> dict[str, tuple[NameForm, ...]]:
        """Index every division's name form under its stem."""
        forms: dict[str, list[NameForm]] = defaultdict(list)
        for division in self._by_code.values():
            form = name_form(division)
            forms[form.stem].append(form)
        return {stem: tuple(group) for stem, group in forms.items()}

    def _fingerprint(self) -> str:
        """A digest of the table's content, so that equal tables share cached resolutions."""
        digest = hashlib.blake2b(digest_size=16)
        for code in sorted(self._by_code):
            d = self._by_code[code]
            digest.update(f"{d.code}\t{d.name}\t{d.level}\t{d.parent_code or ''}\n".encode())
        return digest.hexdigest()

    def __eq__(self, other: object) -> bool:
        """Tables are equal when they hold the same divisions."""
        if not isinstance(other, DivisionTable):
            return NotImplemented
        return self.fingerprint == other.fingerprint

    def __hash__(self) -> int:
        """Hash by content (see `fingerprint`)."""
        return hash(self.fingerprint)

    def __len__(self) -> int:
        """Number of divisions."""
        return len(self._by_code)

    def __iter__(self) -> Iterator[Division]:
        """The divisions in code order."""
        return iter(sorted(self._by_code.values(), key=lambda d: d.code))

    def __contains__(self, code: object) -> bool:
        """True when a (raw or padded) code is in the table."""
        return isinstance(code, str) and self.get(code) is not None

    def __repr__(self) -> str:
        """Short description for debugging."""
        return f"<DivisionTable {len(self)} divisions {self.fingerprint[:8]}>"

    def get(self, code: str) -> Division | None:
        """Return the division with this code (raw or padded), or None."""
        try:
            return self._by_code.get(pad_code(code))
        except ValueError:
            return None

    def roots(self) -> tuple[Division, ...]:
        """Divisions whose parent is not in the table (usually the province)."""
        return self._children.get(None, ())

    def children(self, code: str) -> tuple[Division, ...]:
        """Direct children of a division, in code order."""
        return self._children.get(pad_code(code), ())

    def ancestors(self, code: str) -> tuple[Division, ...]:
        """The division and its ancestors in the table, top first (empty when unknown)."""
        return self._ancestry.get(pad_code(code), ())

    def is_ancestor(self, ancestor_code: str, code: str) -> bool:
        """True when `ancestor_code` is a strict ancestor of `code` in the table."""
        chain = self._ancestry.get(code, ())
        return any(d.code == ancestor_code for d in chain[:-1])

    def common_ancestor(self, codes: Iterable[str]) -> Division | None:
        """The deepest division containing (or equal to) every given code, or None."""
        chains = [self._ancestry.get(pad_code(code), ()) for code in codes]
        if not chains or not all(chains):
            return None
        common: Division | None = None
        for level_nodes in zip(*chains, strict=False):
            if any(node.code != level_nodes[0].code for node in level_nodes):
                break
            common = level_nodes[0]
        return common

    def name_forms(self, stem: str) -> tuple[NameForm, ...]:
        """Name forms indexed under exactly this stem."""
        return self._forms.get(stem, ())

    def find(self, name: str, level: str | None = None) -> tuple[Division, ...]:
        """Divisions a written name can stand for (南街, 南街村, 南街村委会 …), in code order."""
        name = name.strip()
        found: dict[str, Division] = {}
        for lvl in (level,) if level else LEVELS:
            for stem, suffix in {split_name(name, lvl), (name, "")}:
                for form in self._forms.get(stem, ()):
                    if form.division.level == lvl and _form_accepts(form, suffix):
                        found[form.division.code] = form.division
        return tuple(found[code] for code in sorted(found))


def _form_accepts(form: NameForm, suffix: str) -> bool:
    """True when the stem followed by `suffix` is a way of writing the division."""
    if suffix:
        return suffix in form.suffixes
    return form.stem_is_name or form.short_ok


@cache
def shipped_table() -> DivisionTable:
    """The division table shipped with Youpin (Zhongwei, NBS 2023), loaded once."""
    return DivisionTable.from_csv(SHIPPED_CSV)
