"""The in-app inbox: each user sees their own letters, and opening one marks it read."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from fasttrack.notifications.models import InboxItem
from fasttrack.notifications.outbox import enqueue_message


def _deliver_to(user, *, subject: str, key: str) -> InboxItem:
    with transaction.atomic():
        enqueue_message(
            dedupe_key=key,
            kind="test",
            channel="inbox",
            subject=subject,
            body_text=f"{subject}: the body.",
            recipient_user=user,
        )
    call_command("worker", "--batch", verbosity=0)
    return InboxItem.objects.get(message__dedupe_key=key)


@pytest.fixture
def items(personas):
    first = _deliver_to(personas.janni, subject="Første brev", key="test:1")
    second = _deliver_to(personas.janni, subject="Andet brev", key="test:2")
    return first, second


@pytest.mark.django_db(transaction=True)
def test_it_lists_the_users_items_newest_first_with_the_unread_marked(items, personas, login):
    first, second = items
    InboxItem.objects.filter(pk=first.pk).update(created_at=second.created_at.replace(year=2020))

    page = login(personas.janni).get(reverse("web:inbox")).content.decode()

    assert page.index("Andet brev") < page.index("Første brev")
    assert "<strong>Andet brev</strong>" in page
    assert reverse("web:inbox_item", args=[second.pk]) in page


@pytest.mark.django_db(transaction=True)
def test_it_marks_an_item_read_when_opened(items, personas, login):
    first, _ = items
    client = login(personas.janni)

    response = client.get(reverse("web:inbox_item", args=[first.pk]))

    assert response.status_code == 200
    assert "Første brev: the body." in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert first.message.first_opened_at is not None
    assert "<strong>Første brev</strong>" not in client.get(reverse("web:inbox")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_shows_no_one_else_the_users_items(items, personas, login):
    first, _ = items
    client = login(personas.hr)

    assert client.get(reverse("web:inbox_item", args=[first.pk])).status_code == 404
    assert "Første brev" not in client.get(reverse("web:inbox")).content.decode()
    first.refresh_from_db()
    assert first.read_at is None


@pytest.mark.django_db(transaction=True)
def test_it_counts_the_unread_items_in_the_header(items, personas, login):
    page = login(personas.janni).get(reverse("web:inbox")).content.decode()

    assert "2 unread" in page or "2 ulæste" in page


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("web:inbox"))

    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_demo_letters_to_janni_after_seeding(settings, client, time_machine):
    settings.DEBUG = True
    time_machine.move_to(date(2026, 3, 2), tick=False)
    call_command("seed_demo", stdout=StringIO())

    item = InboxItem.objects.filter(user__username="janni").first()
    assert item is not None
    client.force_login(item.user)
    page = client.get(reverse("web:inbox")).content.decode()
    assert item.subject in page
