"""The demo world of DESIGN.md §6: organisations, citizens and the eight
demo users, created idempotently so that ``seed_demo`` can run any number of
times and tests can build the same personas."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from fasttrack.login.demo import give_demo_second_factor
from fasttrack.login.policy import SECOND_FACTOR_ROLES
from fasttrack.people.models import (
    Clinic,
    Employer,
    Employment,
    Membership,
    Municipality,
    Person,
    Role,
)

DEMO_PASSWORD = "demo-fasttrack"  # noqa: S105 - the documented demo password
# Earlier demo worlds let the jobcentre manager into the administration through
# this group; the administration is now for operators only, so it is removed.
FORMER_JOBCENTRE_ADMIN_GROUP = "Jobcenter: personer og organisationer"

MUNICIPALITIES = [
    ("101", "København", "Jobcenter København", "Gyldenløvesgade 15, 1600 København V"),
    ("147", "Frederiksberg", "Jobcenter Frederiksberg", "Dalgas Have 15, 2000 Frederiksberg"),
    ("157", "Gentofte", "Jobcenter Gentofte", "Bernstorffsvej 161, 2920 Charlottenlund"),
]

# Each municipality's Digital Post sender: its own CVR number and name.
DIGITAL_POST_SENDERS = {
    "101": ("64942212", "Københavns Kommune, Jobcenter København"),
    "147": ("11259979", "Frederiksberg Kommune, Jobcenter Frederiksberg"),
    "157": ("19438414", "Gentofte Kommune, Jobcenter Gentofte"),
}

EMPLOYERS = [
    ("29887659", "Nordisk Fabrik A/S", "Industrivej 12", "2650", "Hvidovre"),
    ("40112235", "Havnens Logistik ApS", "Containervej 3", "2150", "Nordhavn"),
    ("16480894", "Bageriet Østerbro I/S", "Østerbrogade 88", "2100", "København Ø"),
    ("83960310", "Frederiksberg Rengøring A/S", "Falkoner Allé 40", "2000", "Frederiksberg"),
    ("66978001", "Byggefirmaet Vest ApS", "Vesterbrogade 201", "1800", "Frederiksberg C"),
    ("26616417", "Plejecentret Solgården", "Solgårdsvej 5", "2900", "Hellerup"),
]

CLINICS = [
    ("Lægerne på Nørrebrogade", "Nørrebrogade 150, 2200 København N", "35 35 12 12", "012345"),
    (
        "Lægehuset Frederiksberg",
        "Gammel Kongevej 120, 1850 Frederiksberg C",
        "33 21 45 45",
        "067890",
    ),
]

# (cpr, name, municipality code, clinic index, employer cvr or "", job title)
CITIZENS: list[tuple[str, str, str, int, str, str]] = [
    ("1203814562", "Janni Mikkelsen", "101", 0, "29887659", "Fabriksarbejder"),
    ("0507762213", "Ahmed Hassan", "101", 0, "29887659", "Maskinoperatør"),
    ("2311893318", "Mette Kristensen", "101", 0, "16480894", "Bager"),
    ("1402704127", "Lars Nielsen", "101", 0, "40112235", "Lagermedarbejder"),
    ("0909951986", "Sara Ali", "101", 0, "26616417", "Social- og sundhedshjælper"),
    ("3001684005", "Birgitte Holm", "101", 1, "83960310", "Rengøringsassistent"),
    ("1706912744", "Jonas Pedersen", "101", 0, "66978001", "Tømrer"),
    ("0112837531", "Fatima Yilmaz", "101", 0, "", ""),
    ("2208799068", "Peter Andersen", "147", 1, "83960310", "Servicemedarbejder"),
    ("1104866427", "Louise Jensen", "147", 1, "66978001", "Murer"),
    ("0603733189", "Henrik Olsen", "147", 1, "40112235", "Chauffør"),
    ("2807985572", "Camilla Larsen", "147", 1, "16480894", "Ekspedient"),
    ("1510904466", "Mads Thomsen", "157", 1, "26616417", "Pædagogmedhjælper"),
    ("0204751350", "Hanne Sørensen", "101", 0, "29887659", "Pakkeriarbejder"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    organisation: str  # CVR, municipality code, clinic name or CPR
    email: str


DEMO_USERS = [
    DemoUser("hr", "Helle", "Rasmussen", Role.EMPLOYER, "29887659", "hr@nordiskfabrik.example"),
    DemoUser("leder", "Lars", "Eriksen", Role.MANAGER, "29887659", "leder@nordiskfabrik.example"),
    DemoUser("janni", "Janni", "Mikkelsen", Role.EMPLOYEE, "1203814562", "janni@example.dk"),
    DemoUser("laege", "Karen", "Lund", Role.DOCTOR, "Lægerne på Nørrebrogade", "laege@example.dk"),
    DemoUser(
        "sagsbehandler", "Sofie", "Bech", Role.CASEWORKER, "101", "sofie.bech@jobcenter.example"
    ),
    DemoUser(
        "jobcenterchef", "Jens", "Madsen", Role.JOBCENTRE_MANAGER, "101", "chef@jobcenter.example"
    ),
    DemoUser("anden-hr", "Omar", "Khan", Role.EMPLOYER, "40112235", "hr@havnenslogistik.example"),
    DemoUser(
        "anden-sagsbehandler", "Nina", "Friis", Role.CASEWORKER, "147", "nina.friis@frb.example"
    ),
]


@dataclass
class DemoWorld:
    municipalities: dict[str, Municipality]
    employers: dict[str, Employer]
    clinics: dict[str, Clinic]
    persons: dict[str, Person]
    created_users: list[str]


def _municipality(code: str, name: str, jobcentre: str, address: str) -> Municipality:
    sender_cvr, sender_label = DIGITAL_POST_SENDERS[code]
    sender = {"digital_post_sender_cvr": sender_cvr, "digital_post_sender_label": sender_label}
    municipality, _ = Municipality.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "jobcentre_name": jobcentre,
            "jobcentre_address": address,
            **sender,
        },
    )
    # A demo world seeded before municipalities had a sender gets one; a
    # sender someone set by hand in the admin is left as it is.
    if not municipality.digital_post_sender_cvr:
        Municipality.objects.filter(pk=municipality.pk).update(**sender)
        municipality.refresh_from_db(fields=list(sender))
    # The migration loads every municipality without an address; the demo's
    # three get theirs.
    if not municipality.jobcentre_address:
        Municipality.objects.filter(pk=municipality.pk).update(jobcentre_address=address)
        municipality.jobcentre_address = address
    return municipality


def _person(cpr: str, name: str, municipality: Municipality, clinic: Clinic) -> Person:
    person = Person.objects.with_cpr(cpr).first()
    if person is None:
        person = Person(name=name, municipality=municipality, clinic=clinic)
        person.cpr = cpr
        first = name.split()[0].lower()
        person.email = f"{first}@example.dk"
        person.save()
    return person


def _membership_target(user: DemoUser, world: DemoWorld) -> dict[str, object]:
    if user.role in (Role.EMPLOYER, Role.MANAGER):
        return {"employer": world.employers[user.organisation]}
    if user.role == Role.EMPLOYEE:
        return {"person": world.persons[user.organisation]}
    if user.role == Role.DOCTOR:
        return {"clinic": world.clinics[user.organisation]}
    return {"municipality": world.municipalities[user.organisation]}


@transaction.atomic
def build_demo_world() -> DemoWorld:
    """Create (or find) every demo organisation, citizen and user."""
    world = DemoWorld({}, {}, {}, {}, [])
    for code, name, jobcentre, address in MUNICIPALITIES:
        world.municipalities[code] = _municipality(code, name, jobcentre, address)
    for cvr, name, address, postal_code, city in EMPLOYERS:
        world.employers[cvr], _ = Employer.objects.get_or_create(
            cvr=cvr,
            defaults={"name": name, "address": address, "postal_code": postal_code, "city": city},
        )
    for name, address, phone, provider_number in CLINICS:
        world.clinics[name], _ = Clinic.objects.get_or_create(
            name=name,
            defaults={"address": address, "phone": phone, "provider_number": provider_number},
        )
    clinics = list(world.clinics.values())
    for cpr, name, code, clinic_index, cvr, job_title in CITIZENS:
        person = _person(cpr, name, world.municipalities[code], clinics[clinic_index])
        world.persons[cpr] = person
        if cvr:
            Employment.objects.get_or_create(
                person=person, employer=world.employers[cvr], defaults={"job_title": job_title}
            )
    Group.objects.filter(name=FORMER_JOBCENTRE_ADMIN_GROUP).delete()
    user_model = get_user_model()
    for demo in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": demo.email,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            world.created_users.append(demo.username)
        # No demo party is staff: the administration is the operators' alone.
        user.is_staff = False
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"role": demo.role, **_membership_target(demo, world)}
        )
        if demo.role in SECOND_FACTOR_ROLES:
            give_demo_second_factor(user)
    return world
