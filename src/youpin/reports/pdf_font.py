"""A Chinese font a PDF can embed: Noto Sans CJK SC, cut to the characters used (pure).

Debian's fonts-noto-cjk ships Noto Sans CJK as OpenType collections with CFF (PostScript)
outlines, which reportlab cannot embed (it takes TrueType outlines only). So for each
document we take the Simplified Chinese face from the collection, keep only the glyphs of
the characters the document uses (fontTools' subsetter), and convert their cubic outlines
to quadratic ones (a TrueType `glyf` table). The result is a small TrueType font that
reportlab embeds as a subset: the PDF carries its own glyphs and needs no font installed.
Noto Sans CJK is under the SIL Open Font License 1.1, which allows embedding and subsets.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

FONT_ENV = "YOUPIN_CJK_FONT_DIR"
FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",  # Debian / Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk",  # Fedora, Arch
    "/usr/share/fonts/google-noto-cjk",
)
FILES = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
FAMILY = "Noto Sans CJK SC"
# Characters every document may need besides its own text: ASCII and common punctuation.
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "，。、；：（）《》“”‘’—–…·％＋－"
MAX_CUBIC_ERROR = 1.0  # font units (1000 per em): invisible at any print size
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # it logs every table at INFO


class FontMissingError(RuntimeError):
    """No Noto Sans CJK collection was found (install Debian's fonts-noto-cjk)."""


def font_path(weight: str = "regular") -> Path:
    """Where the Noto Sans CJK collection of a weight is (YOUPIN_CJK_FONT_DIR first)."""
    dirs = [os.environ[FONT_ENV]] if os.environ.get(FONT_ENV) else []
    for folder in (*dirs, *FONT_DIRS):
        candidate = Path(folder) / FILES[weight]
        if candidate.is_file():
            return candidate
    raise FontMissingError(
        f"找不到中文字体 {FILES[weight]}：请安装 fonts-noto-cjk，或用 {FONT_ENV} 指定其目录"
    )


@lru_cache(maxsize=4)
def face_index(path: Path) -> int:
    """The index of the Simplified Chinese face inside a collection."""
    collection = TTCollection(str(path), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return i
    raise FontMissingError(f"{path} 中没有 {FAMILY}")


def _to_truetype(font: TTFont) -> None:
    """Replace a font's CFF outlines by TrueType ones, in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_CUBIC_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def truetype_subset(text: Iterable[str], weight: str = "regular") -> bytes:
    """A TrueType font with the glyphs of the given text (and ASCII), as bytes."""
    path = font_path(weight)
    chars = set(BASE_CHARS)
    for piece in text:
        chars.update(piece)
    font = TTFont(str(path), fontNumber=face_index(path), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    _to_truetype(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()
