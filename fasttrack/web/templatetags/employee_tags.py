"""``{% employee_name case %}``: the employee's name as the viewer may see it.

The employer side reads the name it gave when it named someone not yet its
employee, whatever the register says (R-36); everyone else the person's name.
"""

from __future__ import annotations

from typing import Any

from django import template

from fasttrack.cases.models import FastTrackCase
from fasttrack.people.models import membership_of

register = template.Library()


@register.simple_tag(takes_context=True)
def employee_name(context: template.Context, case: FastTrackCase) -> str:
    request: Any = context.get("request")
    membership = membership_of(getattr(request, "user", None))
    if membership is not None and membership.is_employer_side:
        return case.employee_name_for_employer
    return case.absence.person.name
