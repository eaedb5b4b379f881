"""The login with a second factor, the first set-up of an authenticator app, and
the administration, clicked through in the browser at desktop and phone width."""

from __future__ import annotations

import re
from base64 import b32decode

from django.contrib.auth.models import User
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from fasttrack.login.demo import give_demo_second_factor
from fasttrack.people.models import Membership, Municipality, Role
from tests.browser.conftest import check_axe, da, give_code, login, screenshot
from tests.conftest import Personas


def test_it_logs_a_caseworker_in_with_password_and_code(page: Page, personas: Personas) -> None:
    page.goto("/log-ind/")
    page.get_by_label("Brugernavn").fill("sagsbehandler")
    page.get_by_label("Adgangskode").fill("demo-fasttrack")
    page.get_by_role("button", name=da("Log in"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/log-ind/kode/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(da("Enter your code"))
    check_axe(page)
    screenshot(page, "12-code-step")

    page.get_by_label(da("Code"), exact=True).fill("000000")
    page.get_by_role("button", name=da("Continue"), exact=True).click()
    expect(page.locator("#id_code-error")).to_be_visible()
    check_axe(page)
    screenshot(page, "12-code-step-wrong")

    # django-otp makes the next try wait a moment after a wrong code.
    page.wait_for_timeout(2100)
    give_code(page, personas.sagsbehandler)
    expect(page).to_have_url("/jobcenter/")


def test_it_sets_up_an_authenticator_app_at_the_first_login(page: Page, demo_world: object) -> None:
    user = User.objects.create_user("ny-sagsbehandler", password="first-password-1")
    Membership.objects.create(
        user=user, role=Role.CASEWORKER, municipality=Municipality.objects.get(code="101")
    )

    login(page, "ny-sagsbehandler", password="first-password-1")

    expect(page).to_have_url(re.compile(r"/log-ind/kode/ny/"))
    expect(page.locator(".totp-qr svg")).to_be_visible()
    check_axe(page)
    screenshot(page, "12-setup")
    # What an authenticator app does with the key typed by hand.
    key = page.locator(".totp-key").inner_text().replace(" ", "")
    app = TOTP(b32decode(key))
    page.get_by_label(da("Code from the app"), exact=True).fill(f"{app.token():06d}")
    page.get_by_role("button", name=da("Confirm the app"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(da("Your recovery codes"))
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    check_axe(page)
    screenshot(page, "12-recovery-codes")
    page.get_by_role("link", name=da("I have kept the codes: continue")).click()
    expect(page).to_have_url("/jobcenter/")


def test_it_gives_the_administration_to_the_operator_only(page: Page, personas: Personas) -> None:
    operator = User.objects.create_superuser("drift", "drift@example.dk", "operator-password-1")
    give_demo_second_factor(operator)

    login(page, "jobcenterchef")
    response = page.goto("/admin/")
    assert response is not None and response.status == 404
    screenshot(page, "12-admin-manager-404")

    page.context.clear_cookies()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/log-ind/\?next=/admin/"))
    page.get_by_label("Brugernavn").fill("drift")
    page.get_by_label("Adgangskode").fill("operator-password-1")
    page.get_by_role("button", name=da("Log in"), exact=True).click()
    give_code(page, operator)

    expect(page).to_have_url("/admin/")
    expect(page.get_by_role("link", name="Personer", exact=True)).to_be_visible()
    screenshot(page, "12-admin-operator")
