"""PDFs rendered by WeasyPrint from the same templates as the pages.

The font is the design system's IBM Plex Sans (æ, ø and å included), found
through the static files; WeasyPrint may read only those font files, never
the network, so a document cannot leak by fetching an address in its text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders

_FONT_DIR = "dkfds/fonts/IBMPlexSans/complete/ttf"
_FONTS = {
    "normal-400": "IBMPlexSans-Regular.ttf",
    "normal-600": "IBMPlexSans-SemiBold.ttf",
    "italic-400": "IBMPlexSans-Italic.ttf",
}


def font_faces() -> str:
    """``@font-face`` rules for the PDF stylesheet, from the installed design system."""
    rules = []
    for key, name in _FONTS.items():
        found = finders.find(f"{_FONT_DIR}/{name}")
        if not found:
            continue
        style, weight = key.split("-")
        uri = Path(str(found)).resolve().as_uri()
        rules.append(
            f"@font-face {{ font-family: 'IBM Plex Sans'; font-style: {style}; "
            f"font-weight: {weight}; src: url('{uri}'); }}"
        )
    return "\n".join(rules)


def _allowed_fonts() -> set[str]:
    allowed = set()
    for name in _FONTS.values():
        found = finders.find(f"{_FONT_DIR}/{name}")
        if found:
            allowed.add(Path(str(found)).resolve().as_uri())
    return allowed


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML, URLFetcher

    allowed = _allowed_fonts()

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"The PDF may not fetch {url}")
            return super().fetch(url, headers)

    document = HTML(string=html, url_fetcher=FontsOnly(allowed_protocols=["file"]))
    pdf: bytes = document.write_pdf()
    return pdf
