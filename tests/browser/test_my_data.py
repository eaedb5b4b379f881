"""Janni finds her data from "Din sag" and downloads it as one JSON file."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from fasttrack.audit.models import AccessAction, AccessLogEntry
from tests.browser.conftest import check_axe, da, login, screenshot
from tests.conftest import Personas


def test_it_lets_the_citizen_download_her_data(
    page: Page, personas: Personas, tmp_path: Path
) -> None:
    login(page, "janni")
    page.get_by_role("link", name=da("Your data"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(da("Your data"))
    check_axe(page)
    screenshot(page, "janni-my-data")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=da("Download your data")).click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename.startswith("fasttrack-mine-data-")
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["person"]["name"] == "Janni Mikkelsen"
    assert AccessLogEntry.objects.filter(user=personas.janni, action=AccessAction.EXPORT).exists()
