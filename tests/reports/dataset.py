"""A constructed set of cases with known statistics for April 2026, built through the
actions on frozen days.

April 2026 holds Easter: skærtorsdag 2 April, langfredag 3 April and 2. påskedag
6 April are no banking days. Measured on 20 May 2026, when every April
deadline has passed. Jobcentre København (101) unless said otherwise:

Each case: first absence day (D0), request day, who requested, what happens.

- A: D0 25.3, requested 1.4 (Wed) by the employer. Consent due 8.4 (Easter),
  accepted 7.4: in time. First conversation due 15.4, never held. Retention
  target 25.4, never held.
- B: D0 23.3, requested 30.3 (March) by the employer. Consent due 1.4, declined
  1.4: in time; normal track.
- C: D0 20.4, requested 28.4 by the employer. Consent due 30.4, no answer.
- D: D0 22.4, requested 29.4 by the employer. Consent due 1.5: an April request
  but a May consent.
- E: D0 30.3, registered 2.4 by the caseworker. Certificate asked 6.4, due 20.4,
  received 16.4 (10 days, in time). First conversation due 16.4, held 20.4
  (4 days late). Closed 30.4 back full time (31 days after D0).
- F: D0 8.4, Janni's own request 14.4. First conversation due 28.4, held 27.4.
  Certificate asked 15.4, due 27.4, received 30.4 (15 days, late).
- G: D0 23.2, registered 2.3. Active through March, closed 22.4 back part time
  (58 days after D0): it changes state inside the period.
- H: D0 16.2, registered 20.2, closed 31.3 back full time: just outside.
- K: D0 6.4, registered 10.4 in Frederiksberg: another municipality's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from fasttrack.cases import actions
from fasttrack.cases.models import Channel, FastTrackCase, Outcome, Requester
from fasttrack.meetings.models import Meeting, MeetingKind
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Employment, Person

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
MEASURED_ON = date(2026, 5, 20)
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
ANSWERS = {
    "affected_functions": "Tunge løft.",
    "affected_duration": "Tre uger.",
    "adjustments_tried": "Kortere vagter.",
}
# Health data that must never reach a statistic an employer sees.
DIAGNOSIS = "Diskusprolaps L4-L5"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


@dataclass
class Dataset:
    cases: dict[str, FastTrackCase]


class Builder:
    def __init__(self, world: DemoWorld, clock: Any) -> None:
        self.world = world
        self.clock = clock
        self.serial = 0

    def on(self, day: date) -> None:
        self.clock.move_to(at(day), tick=False)

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def person(self, name: str, municipality: str = "101", *, employed: bool = True) -> Person:
        self.serial += 1
        person = Person(
            name=name,
            municipality=self.world.municipalities[municipality],
            clinic=next(iter(self.world.clinics.values())),
        )
        person.cpr = f"0101{self.serial:02d}4{self.serial:03d}"[:10]
        person.save()
        if employed:
            Employment.objects.create(person=person, employer=self.world.employers["29887659"])
        return person

    def request(
        self,
        person: Person,
        *,
        by: str,
        absent_since: date,
        on: date,
        employer: bool = True,
    ) -> FastTrackCase:
        self.on(on)
        actor = self.user(by)
        requested_by = {
            "hr": Requester.EMPLOYER,
            "janni": Requester.EMPLOYEE,
        }.get(by, Requester.CASEWORKER)
        case, _created = actions.request_fast_track(
            actor=actor,
            person=person,
            employer=self.world.employers["29887659"] if employer else None,
            first_absence_day=absent_since,
            expects_over_8_weeks=True,
            answers=ANSWERS,
            requested_by=requested_by,
            channel=Channel.PHONE if requested_by == Requester.CASEWORKER else Channel.WEB,
            today=on,
        )
        return case

    def book_conversation(self, case: FastTrackCase, *, on: date, for_day: date) -> Meeting:
        self.on(on)
        return actions.book_meeting(
            case=case,
            actor=self.user("sagsbehandler"),
            kind=MeetingKind.FIRST_CONVERSATION,
            starts_at=at(for_day, 9),
            location="Jobcenter København",
            now=at(on),
        )

    def hold(self, case: FastTrackCase, meeting: Meeting, *, on: date) -> None:
        self.on(on)
        actions.record_meeting_held(
            case=case,
            actor=self.user("sagsbehandler"),
            meeting=meeting,
            held_on=on,
            minutes="Samtalen er holdt.",
            today=on,
        )

    def certificate(self, case: FastTrackCase, *, asked: date, received: date) -> None:
        self.on(asked)
        actions.request_certificate(case=case, actor=self.user("sagsbehandler"), on=asked)
        self.on(received)
        actions.record_certificate(
            case=case,
            actor=self.user("laege"),
            diagnosis=DIAGNOSIS,
            work_capacity="Kan arbejde let.",
            considerations="Ingen løft.",
            expected_return="Om fire uger.",
            remarks="",
            on=received,
        )

    def close(self, case: FastTrackCase, outcome: Outcome, *, on: date) -> None:
        self.on(on)
        actions.close(case=case, actor=self.user("sagsbehandler"), outcome=outcome, on=on)

    def sweep(self, cases: list[FastTrackCase], *, on: date) -> None:
        self.on(on)
        for case in cases:
            actions.mark_missed_deadlines(case_id=case.pk, today=on)


def build(world: DemoWorld, clock: Any) -> Dataset:
    b = Builder(world, clock)
    d = date
    janni = world.persons["1203814562"]

    h = b.request(
        b.person("Hans H"), by="sagsbehandler", absent_since=d(2026, 2, 16), on=d(2026, 2, 20)
    )
    b.close(h, Outcome.BACK_FULL_TIME, on=d(2026, 3, 31))
    g = b.request(
        b.person("Gitte G"), by="sagsbehandler", absent_since=d(2026, 2, 23), on=d(2026, 3, 2)
    )

    a_case = b.request(b.person("Anna A"), by="hr", absent_since=d(2026, 3, 25), on=d(2026, 4, 1))
    b_case = b.request(b.person("Bo B"), by="hr", absent_since=d(2026, 3, 23), on=d(2026, 3, 30))
    b.on(d(2026, 4, 1))
    actions.decline(case=b_case, actor=b.user("sagsbehandler"), on=d(2026, 4, 1), channel="letter")
    e = b.request(
        b.person("Erik E"), by="sagsbehandler", absent_since=d(2026, 3, 30), on=d(2026, 4, 2)
    )
    e_meeting = b.book_conversation(e, on=d(2026, 4, 3), for_day=d(2026, 4, 20))
    b.on(d(2026, 4, 7))
    actions.accept(
        case=a_case,
        actor=b.user("sagsbehandler"),
        answers=ANSWERS,
        on=d(2026, 4, 7),
        channel="letter",
    )
    b.certificate(e, asked=d(2026, 4, 6), received=d(2026, 4, 16))
    k = b.request(
        b.person("Karl K", "147"),
        by="anden-sagsbehandler",
        absent_since=d(2026, 4, 6),
        on=d(2026, 4, 10),
    )
    f = b.request(janni, by="janni", absent_since=d(2026, 4, 8), on=d(2026, 4, 14))
    f_meeting = b.book_conversation(f, on=d(2026, 4, 15), for_day=d(2026, 4, 27))
    b.certificate(f, asked=d(2026, 4, 15), received=d(2026, 4, 30))
    b.hold(e, e_meeting, on=d(2026, 4, 20))
    b.close(g, Outcome.BACK_PART_TIME, on=d(2026, 4, 22))
    b.hold(f, f_meeting, on=d(2026, 4, 27))
    c = b.request(b.person("Carl C"), by="hr", absent_since=d(2026, 4, 20), on=d(2026, 4, 28))
    d_case = b.request(b.person("Dora D"), by="hr", absent_since=d(2026, 4, 22), on=d(2026, 4, 29))
    b.close(e, Outcome.BACK_FULL_TIME, on=d(2026, 4, 30))
    cases = {"A": a_case, "B": b_case, "C": c, "D": d_case, "E": e, "F": f, "G": g, "H": h, "K": k}
    b.sweep(list(cases.values()), on=MEASURED_ON)
    return Dataset(cases)
