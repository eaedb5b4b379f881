"""The create_token command of DESIGN.md §6."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation

from fasttrack.api.models import ApiToken
from fasttrack.api.tokens import looks_like_token
from tests.api.conftest import ApiClient


def create_token(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_only_a_token_that_works(personas):
    out, err = create_token("hr")

    token = out.strip()
    assert out == token + "\n"
    assert err == ""
    assert looks_like_token(token)
    response = ApiClient(token).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "hr"


def test_it_names_the_token(personas):
    create_token("laege", "--name", "Clinic system")

    assert ApiToken.objects.get(user=personas.laege).name == "Clinic system"


def test_it_gives_a_new_token_each_time(personas):
    first, _ = create_token("hr")
    second, _ = create_token("hr")

    assert first != second
    assert ApiToken.objects.filter(user=personas.hr).count() == 2


@pytest.mark.django_db
def test_it_fails_for_an_unknown_user():
    with translation.override("en"), pytest.raises(CommandError, match="no user"):
        create_token("nobody")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_fails_for_a_user_without_a_role():
    User.objects.create_user("bare")

    with translation.override("en"), pytest.raises(CommandError, match="no role"):
        create_token("bare")


def test_it_exits_non_zero_with_the_error_on_stderr(personas, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["fasttrack", "create_token", "nobody"]).execute()

    captured = capsys.readouterr()
    assert exit_info.value.code != 0
    assert captured.out == ""
    assert "nobody" in captured.err
