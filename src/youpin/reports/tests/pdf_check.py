"""Reading a PDF back for the tests: its text, the fonts its text is drawn with, a page image."""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw


def pdf_text(data: bytes) -> str:
    """The text of every page, as a PDF reader extracts it."""
    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_bounded() for i in range(len(doc)))


def text_fonts(data: bytes) -> dict[str, bool]:
    """{font name: embedded?} for every font some text on some page is drawn with."""
    doc = pdfium.PdfDocument(data)
    found: dict[str, bool] = {}
    for i in range(len(doc)):
        for obj in doc[i].get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT]):
            font = raw.FPDFTextObj_GetFont(obj.raw)
            size = raw.FPDFFont_GetFontName(font, None, 0)
            buf = ctypes.create_string_buffer(size)
            raw.FPDFFont_GetFontName(font, buf, size)
            found[buf.value.decode()] = bool(raw.FPDFFont_GetIsEmbedded(font))
    return found


def page_image(data: bytes, index: int = 0, scale: float = 1.5) -> Any:
    """A page rendered to a PIL image."""
    doc = pdfium.PdfDocument(data)
    return doc[index].render(scale=scale).to_pil()


def dark_pixels(image: Any, box: tuple[int, int, int, int]) -> int:
    """How many pixels in a box (left, top, right, bottom) are clearly not white."""
    histogram = image.convert("L").crop(box).histogram()
    return sum(histogram[:160])
