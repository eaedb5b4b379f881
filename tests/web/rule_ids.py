"""What a party reads of a response, for the checks that no rule id ("R-16") is in it."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

RULE_ID = re.compile(r"\bR-\d")


def readable_text(response: Any) -> str:
    """The text of a page, a CSV file or a PDF as its reader sees it."""
    content = b"".join(response) if getattr(response, "streaming", False) else response.content
    if response["Content-Type"].startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return str(content.decode())
