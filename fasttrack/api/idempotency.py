"""``Idempotency-Key`` for POST and PUT operations: ``@idempotent``.

Why a decorator on the operation and not middleware: middleware runs before
authentication and validation and would have to re-read and re-parse every
body; it would also wrap endpoints that must not be replayed. The decorator
runs after ninja has authenticated the token and validated the input, only on
the operations that carry it, and it adds the ``Idempotency-Key`` header to
each one's OpenAPI description.

It has two halves, because the final response only exists after ninja has
serialised the view's result or turned its exception into a problem:

1. around the view: claim the key by inserting an ``in_progress`` record. The
   unique constraint on (user, key) makes this race-safe: of two concurrent
   requests exactly one INSERT succeeds; the other gets an IntegrityError and
   answers 409 (still in progress), 422 (other request) or the replay.
2. around the whole operation (``decorate_view``): store the final response,
   or forget the key after a 5xx so that the client can retry with it.

Invalid input (422 from the schema) and authentication failures never reach
the view, so they are not remembered: sending the same again gives the same
answer anyway.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast, get_type_hints

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Header
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_args

from fasttrack.api.auth import token_of
from fasttrack.api.models import IdempotencyRecord, IdempotencyState
from fasttrack.api.problems import problem_response, problem_type

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
MAX_KEY_LENGTH = 255
DEFAULT_TTL = timedelta(hours=24)
# A record still in progress after this long belongs to a process that died
# (a request never takes minutes); a retry may then take the key over.
DEFAULT_STALE_AFTER = timedelta(minutes=5)
_RECORD_ATTRIBUTE = "_fasttrack_idempotency_record"
_KEY_ATTRIBUTE = "_fasttrack_idempotency_key"

View = TypeVar("View", bound=Callable[..., Any])


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "API_IDEMPOTENCY_TTL_HOURS", 24))


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def request_hash(body: bytes) -> str:
    """SHA-256 of the body in canonical form: for JSON, the same document with
    sorted keys and no insignificant whitespace, so that a client that
    re-serialises its retry differently is not refused."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def _cipher(key: str) -> MultiFernet:
    # The encryption key needs both SECRET_KEY and the client's Idempotency-Key
    # (stored only hashed): a copy of the database alone decrypts nothing.
    # Fallback secret keys keep records readable through a key rotation.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    hashlib.sha256(f"fasttrack.api.idempotency:{s}:{key}".encode()).digest()
                )
            )
            for s in secrets
        ]
    )


def _replay(record: IdempotencyRecord, key: str) -> HttpResponse:
    try:
        body = _cipher(key).decrypt(record.response_body.encode()) if record.response_body else b""
    except InvalidToken:
        # Encrypted under a secret key that is gone: the response cannot be
        # given back, and acting again could do the work twice.
        return _conflict(gettext("The first response to this Idempotency-Key cannot be replayed."))
    response = HttpResponse(body, status=record.response_status or 200)
    if record.content_type:
        response["Content-Type"] = record.content_type
    else:
        del response["Content-Type"]
    response[REPLAYED_HEADER] = "true"
    return response


def _conflict(detail: str) -> HttpResponse:
    return problem_response(
        status=409,
        type=problem_type("idempotency-key-in-use"),
        title=gettext("Request in progress"),
        detail=detail,
        headers={"Retry-After": "1"},
    )


def _mismatch() -> HttpResponse:
    return problem_response(
        status=422,
        type=problem_type("idempotency-key-reused"),
        title=gettext("Idempotency-Key reused"),
        detail=gettext(
            "This Idempotency-Key was used for a different request. "
            "Use a new key for a new request."
        ),
        errors={HEADER: [gettext("Used before with another method, path or body.")]},
    )


def _claim(request: HttpRequest, key: str) -> IdempotencyRecord | HttpResponse:
    """Our new in-progress record, or the response for a key already used."""
    user = token_of(request).user
    method = request.method or ""
    fields = {
        "user": user,
        "key_hash": key_hash(key),
        "method": method,
        "path": request.path[:500],
        "request_hash": request_hash(request.body),
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(**fields)
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(user=user, key_hash=fields["key_hash"]).first()
        now = timezone.now()
        if existing is None:
            continue  # purged in between: claim again
        if existing.created_at < now - ttl():
            # Older than the promise: forget it (unless another request just did).
            IdempotencyRecord.objects.filter(
                pk=existing.pk, created_at=existing.created_at
            ).delete()
            continue
        if (existing.method, existing.path, existing.request_hash) != (
            fields["method"],
            fields["path"],
            fields["request_hash"],
        ):
            return _mismatch()
        if existing.state == IdempotencyState.DONE:
            return _replay(existing, key)
        stale_after = getattr(settings, "API_IDEMPOTENCY_STALE_SECONDS", None)
        stale = timedelta(seconds=stale_after) if stale_after else DEFAULT_STALE_AFTER
        if existing.created_at < now - stale:
            # Take over a record whose process died; the conditional UPDATE lets
            # exactly one of several retries win.
            taken = IdempotencyRecord.objects.filter(
                pk=existing.pk, state=IdempotencyState.IN_PROGRESS, created_at=existing.created_at
            ).update(created_at=now)
            if taken:
                existing.created_at = now
                return existing
        return _conflict(
            gettext(
                "A request with this Idempotency-Key is still being processed. "
                "Retry in a moment to get its response."
            )
        )
    return _conflict(gettext("Retry in a moment."))


def _complete(record: IdempotencyRecord, key: str, response: HttpResponseBase) -> None:
    if response.status_code >= 500 or not isinstance(response, HttpResponse):
        # Nothing reliable to replay: free the key for a retry.
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    body = response.content
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.DONE,
        response_status=response.status_code,
        response_body=_cipher(key).encrypt(body).decode() if body else "",
        content_type=response.get("Content-Type", ""),
        completed_at=timezone.now(),
    )


def _store_response(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(run)
    def run_and_store(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            record = getattr(request, _RECORD_ATTRIBUTE, None)
            if record is not None:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        record = getattr(request, _RECORD_ATTRIBUTE, None)
        if record is not None:
            _complete(record, getattr(request, _KEY_ATTRIBUTE), response)
        return response

    return run_and_store


def idempotent(view: View) -> View:
    """Make a POST or PUT operation honour ``Idempotency-Key``; put it right
    under ``@router.post(...)``. The view must not take a parameter named
    ``idempotency_key``."""

    @wraps(view)
    def claim_then_run(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = kwargs.pop("idempotency_key", None)
        if not key:
            return view(request, *args, **kwargs)
        claimed = _claim(request, key)
        if isinstance(claimed, HttpResponse):
            return claimed
        setattr(request, _RECORD_ATTRIBUTE, claimed)
        setattr(request, _KEY_ATTRIBUTE, key)
        return view(request, *args, **kwargs)

    # ninja resolves string annotations (``from __future__ import annotations``)
    # in the namespace of the function it is given; give it the view's
    # signature with the annotations already resolved in the view's module.
    hints = get_type_hints(view, include_extras=True)
    signature = inspect.signature(view)
    claim_then_run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            parameter.replace(annotation=hints.get(parameter.name, parameter.annotation))
            for parameter in signature.parameters.values()
        ]
    )
    contribute_operation_args(
        claim_then_run,
        "idempotency_key",
        cast(Any, str | None),
        Header(
            None,
            alias=HEADER,
            min_length=1,
            max_length=MAX_KEY_LENGTH,
            description=(
                "Any unique string (a UUID is a good choice). Sending the same key and body "
                "again within 24 hours replays the first response (with "
                "`Idempotency-Replayed: true`) instead of acting twice; the same key with "
                "another body is refused with 422."
            ),
            examples=["5f0c6d3e-2b8a-4c1e-9d7f-3a2b1c0d9e8f"],
        ),
    )
    return cast(View, decorate_view(_store_response)(claim_then_run))


def purge_expired(now: Any = None) -> int:
    """Delete records older than the TTL; returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
