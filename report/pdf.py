"""The report as PDF/A-3b with WeasyPrint, from the same HTML (so the same numbers).

WeasyPrint writes the XMP metadata PDF/A asks for (`pdfaid:part` 3, conformance B), embeds
every font and takes title and language from the page; PDF/A-3 allows the charts' SVG
transparency. It needs no network: the page has no external resources.
"""

from __future__ import annotations

import logging

PDF_VARIANT = "pdf/a-3b"


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # takes a second to import, and only the PDF needs it

    # WeasyPrint's CSS parser also reads the inline SVG charts' own styles (matplotlib's
    # `fill: …` and its <style> block), which only its SVG renderer uses, and warns once per
    # element: hundreds of lines that say nothing is wrong. Errors still come through.
    weasyprint_log = logging.getLogger("weasyprint")
    level = weasyprint_log.level
    weasyprint_log.setLevel(logging.ERROR)
    try:
        pdf = HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
    finally:
        weasyprint_log.setLevel(level)
    if not isinstance(pdf, bytes):  # write_pdf without a target returns the bytes
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf
