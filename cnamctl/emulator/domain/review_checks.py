"""What a reviewer checks on a CNAM trust product (Twilio errors 11007-11009) and on a
Voice Integrity one (the business behind it, 18601).

Each check is a function of a :class:`ReviewSubject` answering findings; a policy
lists the checks of its products (``Policy.review_checks``). These are the
reasons the offline validator cannot fully see: names registered by someone
else, names unlike the business, and (with ``display_name_check = review``, the
default) every display-name requirement, decided here rather than when the end
user is saved.
"""

from __future__ import annotations

from cnamctl.emulator.domain import rules
from cnamctl.emulator.domain.reviewer import Finding, ReviewSubject
from cnamctl.emulator.storage import queries

CNAM_INFORMATION_TYPE = "cnam_information"
VOICE_INTEGRITY_INFORMATION_TYPE = "voice_integrity_information"

DISPLAY_NAME_REQUIREMENTS = 11009  # "display name does not meet requirements"
PROHIBITED_CONTENT = 11008  # "display name contains prohibited content"
BUSINESS_MISMATCH = 11007  # "display name does not match the registered business"
BUSINESS_NOT_ASSOCIATED = 18601  # "business name and website not associated"


def display_name(subject: ReviewSubject) -> str | None:
    """The display name of the (first) cnam_information end user, if any."""
    for obj in subject.objects:
        if obj.end_user_type == CNAM_INFORMATION_TYPE:
            value = obj.attributes.get("cnam_display_name")
            return value if isinstance(value, str) else None
    return None


def requirements(subject: ReviewSubject) -> list[Finding]:
    problem = rules.display_name_problem(display_name(subject))
    return [] if problem is None else [Finding(DISPLAY_NAME_REQUIREMENTS, problem)]


def prohibited(subject: ReviewSubject) -> list[Finding]:
    term = rules.prohibited_content(display_name(subject))
    if term is None:
        return []
    return [Finding(PROHIBITED_CONTENT, f"the display name contains the prohibited term {term!r}")]


def already_registered(subject: ReviewSubject) -> list[Finding]:
    name = display_name(subject)
    if not name:
        return []
    elsewhere = [
        *subject.config.taken_display_names,
        *queries.registered_display_names(
            subject.db, subject.policy.sid, subject.bundle["account_sid"]
        ),
    ]
    if any(rules.same_registration(name, other) for other in elsewhere):
        return [
            Finding(
                DISPLAY_NAME_REQUIREMENTS,
                "the display name is already in use by another registration",
            )
        ]
    return []


def business_match(subject: ReviewSubject) -> list[Finding]:
    name = display_name(subject)
    if not subject.config.check_business_match or not name:
        return []
    names = [
        business
        for obj in subject.objects
        if obj.profile_status is not None
        for business in queries.business_names(subject.db, obj.sid)
    ]
    if not names or rules.matches_business(name, names):
        return []
    return [
        Finding(
            BUSINESS_MISMATCH,
            f"the display name does not match the registered business ({names[0]!r})",
        )
    ]


CNAM_CHECKS = (requirements, prohibited, already_registered, business_match)


def secure_website(subject: ReviewSubject) -> list[Finding]:
    """Voice Integrity registers the business with carriers' analytics engines: its
    website must be an https one (the issue this emulator was built for says so; not
    confirmed in Twilio's documentation, a guess). Checked where the business
    profile gives a website (its business information end user's ``website_url``)."""
    sites = [
        site
        for obj in subject.objects
        if obj.profile_status is not None
        for site in queries.business_websites(subject.db, obj.sid)
    ]
    insecure = [site for site in sites if not site.lower().startswith("https://")]
    if not insecure:
        return []
    return [
        Finding(
            BUSINESS_NOT_ASSOCIATED,
            f"the business website {insecure[0]!r} is not an https website",
        )
    ]


VOICE_INTEGRITY_CHECKS = (secure_website,)
