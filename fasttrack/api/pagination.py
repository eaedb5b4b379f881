"""Cursor pagination: ``{items: [...], next}`` over a keyset ordering.

A listing is ordered by one or more sort keys, the last of which must be
unique (the primary key): for example ``next_deadline_on`` (nulls last) then
``id`` for the case list, or just ``id`` for a case's events. A page is fetched
with a WHERE clause after the last row seen, never with OFFSET, so it costs the
same on page 1 and page 1,000 and a row inserted meanwhile neither repeats nor
hides a row. The cursor carries the last row's sort values, signed with
``django.core.signing`` so that a client cannot forge or alter it; it is opaque
by contract (clients must not parse it).

Usage in an operation::

    CASES = CursorPaginator("cases", SortKey("next_deadline_on"), SortKey("id"))

    def list_cases(request, params: Query[PageParams]) -> CursorPage[FastTrackCase]:
        return CASES.page(cases_for(request.user), cursor=params.cursor, limit=params.limit)
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from fasttrack.api.problems import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

M = TypeVar("M", bound=Model)
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class SortKey:
    """One sort key: a field (``"__"`` to follow relations), its direction, and
    where NULLs go. ``nulls_last`` is the default because a case without a
    deadline is the least urgent."""

    field: str
    descending: bool = False
    nulls_last: bool = True

    def order_by(self) -> OrderBy:
        # Explicit on both databases: PostgreSQL puts NULLs last ascending,
        # SQLite first.
        nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        expression = F(self.field)
        return expression.desc(**nulls) if self.descending else expression.asc(**nulls)

    def value_of(self, obj: Any) -> Any:
        for part in self.field.split("__"):
            obj = None if obj is None else getattr(obj, part)
        return obj

    def after(self, value: Any) -> Q:
        """Rows strictly after ``value`` on this key."""
        if value is None:
            # NULLs last: nothing follows a NULL. NULLs first: every non-NULL does.
            if self.nulls_last:
                return Q(pk__in=[])
            return Q(**{f"{self.field}__isnull": False})
        beyond = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        if self.nulls_last:
            beyond |= Q(**{f"{self.field}__isnull": True})
        return beyond

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})


@dataclass
class CursorPage(Generic[ItemT]):
    items: list[ItemT]
    next: str | None


# Cursor values are JSON; dates and decimals travel tagged and come back typed.
def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, (int, str, bool, float)):
        return value
    raise TypeError(f"Cannot put a {type(value).__name__} in a cursor.")


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag == "dt":
            return datetime.datetime.fromisoformat(text)
        if tag == "d":
            return datetime.date.fromisoformat(text)
        if tag == "n":
            return Decimal(text)
    if value is None or isinstance(value, (int, str, bool, float)):
        return value
    raise ValueError("unexpected cursor value")


class CursorPaginator:
    """Pages through a query set in a fixed keyset order.

    ``name`` ties a cursor to its listing: a cursor from one listing is refused
    by another, even when both sort by the same fields.
    """

    def __init__(self, name: str, *keys: SortKey) -> None:
        if not keys:
            raise ValueError("A paginator needs at least one sort key; the last must be unique.")
        self.name = name
        self.keys = keys
        self._salt = f"fasttrack.api.cursor:{name}:" + ",".join(
            f"{k.field}:{'d' if k.descending else 'a'}:{'l' if k.nulls_last else 'f'}" for k in keys
        )

    def order(self, queryset: QuerySet[M]) -> QuerySet[M]:
        return queryset.order_by(*(key.order_by() for key in self.keys))

    def encode_cursor(self, obj: Any) -> str:
        return self.encode_values([key.value_of(obj) for key in self.keys])

    def encode_values(self, values: Sequence[Any]) -> str:
        """A cursor from raw sort values, e.g. a listing's very beginning."""
        return signing.dumps([_encode_value(v) for v in values], salt=self._salt, compress=True)

    def decode_cursor(self, cursor: str, *, parameter: str = "cursor") -> list[Any]:
        """The sort values in ``cursor``; 422 on ``parameter`` when it is not ours."""
        try:
            values = signing.loads(cursor, salt=self._salt)
            if not isinstance(values, list) or len(values) != len(self.keys):
                raise ValueError("wrong number of values")
            return [_decode_value(value) for value in values]
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise InvalidInput(
                {parameter: [_("This cursor is not valid here. Start again without a cursor.")]}
            ) from error

    def after(self, values: Sequence[Any]) -> Q:
        """Rows after ``values`` in the whole ordering: equal on the first
        keys and beyond on the next one, for each prefix."""
        condition = Q(pk__in=[])
        equal_so_far = Q()
        for key, value in zip(self.keys, values, strict=True):
            condition |= equal_so_far & key.after(value)
            equal_so_far &= key.equal(value)
        return condition

    def page(
        self,
        queryset: QuerySet[M],
        *,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
        after_values: Sequence[Any] | None = None,
    ) -> CursorPage[M]:
        """One page: up to ``limit`` rows after the cursor (or after raw
        ``after_values``, e.g. decoded from another parameter), in one query."""
        limit = max(1, min(limit, MAX_LIMIT))
        queryset = self.order(queryset)
        if cursor:
            after_values = self.decode_cursor(cursor)
        if after_values is not None:
            queryset = queryset.filter(self.after(after_values))
        # One row more than asked tells whether there is a next page.
        rows = list(queryset[: limit + 1])
        items = rows[:limit]
        next_cursor = self.encode_cursor(items[-1]) if len(rows) > limit else None
        return CursorPage(items=items, next=next_cursor)


class PageParams(Schema):
    """Query parameters of every paginated listing: ``Query[PageParams]``."""

    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"How many items per page, 1 to {MAX_LIMIT}.",
        examples=[DEFAULT_LIMIT],
    )
    cursor: str | None = Field(
        None,
        max_length=2000,
        description="The `next` value of the previous page; leave out for the first page.",
        examples=[None],
    )


class Page(Schema, Generic[ItemT]):
    """A page of a listing. Subclass per item type to give it a name:
    ``class TokenPage(Page[TokenOut]): ...``."""

    items: list[ItemT] = Field(description="The items on this page, in the listing's order.")
    next: str | None = Field(
        description=(
            "An opaque cursor for the next page (pass it as `cursor`), or null on the last page."
        ),
        examples=[".eJyLVjIyMDLVNTTSNTIxMDcFAA:1v2W3x:abc"],
    )
