"""A citizen logs in with MitID in the browser, through a local NemLog-in.

The identity provider is pysaml2, served over HTTP on 127.0.0.1 (as
``nemlogin.localhost``, which Chromium resolves to the loopback address): the
browser follows Fasttrack's signed request there, and posts the signed,
encrypted answer back across sites, as with NemLog-in. Its page has a button
instead of MitID; the refusal page is walked too.
"""

from __future__ import annotations

import html
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_axe, da, screenshot
from tests.conftest import Personas
from tests.login.nemlogin_idp import IdentityProvider, build_identity_provider, citizen

JANNI_CPR = "1203814562"
UNKNOWN_CPR = "0101901234"


class LocalNemLogIn:
    """The identity provider's web server; ``attributes`` is who logs in next."""

    def __init__(self) -> None:
        self.idp: IdentityProvider | None = None
        self.attributes: dict[str, Any] = {}
        local = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                assert local.idp is not None
                if "SAMLRequest=" not in self.path:
                    self.send_error(404)
                    return
                fields = local.idp.answer(self.path, local.attributes)
                sp = local.idp.sp_settings["service"]["sp"]
                acs = sp["endpoints"]["assertion_consumer_service"][0][0]
                inputs = "".join(
                    f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                    for name, value in fields.items()
                )
                body = (
                    '<!DOCTYPE html><html lang="da"><head><title>NemLog-in (test)</title></head>'
                    f'<body><main><h1>NemLog-in (test)</h1><form method="post" action="{acs}">'
                    f"{inputs}<button>Fortsæt til Fasttrack</button></form></main></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request carries a signed login request; keep it out of the output

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://nemlogin.localhost:{self.server.server_address[1]}"


@pytest.fixture
def local_nemlogin(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[LocalNemLogIn]:
    if shutil.which("xmlsec1") is None:
        pytest.skip("xmlsec1 is missing: run `make xmlsec` to install it")
    local = LocalNemLogIn()
    local.idp = build_identity_provider(tmp_path, str(live_server.url), idp_base_url=local.url)
    settings.USE_SAML = True
    settings.SAML_CONFIG = local.idp.sp_settings
    # djangosaml2's cookie must come back with NemLog-in's cross-site POST
    # (SameSite=None), which browsers accept only when Secure; Chromium allows
    # Secure cookies on localhost.
    settings.SESSION_COOKIE_SECURE = True
    thread = threading.Thread(target=local.server.serve_forever, daemon=True)
    thread.start()
    yield local
    local.server.shutdown()
    local.server.server_close()


def test_it_logs_a_citizen_in_with_mitid(
    page: Page, personas: Personas, local_nemlogin: LocalNemLogIn
) -> None:
    local_nemlogin.attributes = citizen(JANNI_CPR)
    page.goto("/log-ind/")
    check_axe(page)
    screenshot(page, "12-login-with-mitid")

    page.get_by_role("link", name=da("Log in with MitID")).click()
    expect(page).to_have_url(re.compile(r"^http://nemlogin\.localhost:\d+/sso\?SAMLRequest="))
    page.get_by_role("button", name="Fortsæt til Fasttrack").click()

    expect(page).to_have_url(re.compile(r"/borger/$"))
    expect(page.get_by_text("Janni Mikkelsen").first).to_be_visible()


def test_it_tells_a_citizen_without_a_case_why_they_cannot_come_in(
    page: Page, personas: Personas, local_nemlogin: LocalNemLogIn
) -> None:
    local_nemlogin.attributes = citizen(UNKNOWN_CPR)
    page.goto("/log-ind/")
    page.get_by_role("link", name=da("Log in with MitID")).click()
    page.get_by_role("button", name="Fortsæt til Fasttrack").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(da("You could not be logged in"))
    check_axe(page)
    screenshot(page, "12-mitid-refused")
