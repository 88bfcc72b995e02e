"""Seed files: the accounts, numbers and Trust Hub objects an emulator starts with.

A seed is applied only to an empty database (see :meth:`Emulator.seed_if_empty`),
so a persisted database keeps its state across restarts. Seeded objects get SIDs
derived from the seed's content (see sids.seeded_sid) unless the seed names them,
so the same seed always yields the same SIDs.

The whole seed is applied in one transaction and checked with the rules a seeded
state must have passed (CNAM display names, each policy's number eligibility and
exclusivity, numbers on the business profile, a submitted product's end-user
attributes, one primary business profile per account); a bad seed raises
:class:`SeedError` and leaves the database empty. A business profile without a
``policy_sid`` is the account's primary one if it is the first, else secondary.
A trust product's end user comes from ``display_name`` (CNAM) or ``attributes``
(any policy with an end user: Voice Integrity's ``voice_integrity_information``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cnamctl.emulator.domain import review, rules
from cnamctl.emulator.domain.policies import (
    CNAM_POLICY_SID,
    CUSTOMER_PROFILE,
    POLICIES,
    PRIMARY_PROFILE_POLICY_SID,
    SECONDARY_PROFILE_POLICY_SID,
    TRUST_PRODUCT,
    Policy,
)
from cnamctl.emulator.domain.sids import seeded_sid
from cnamctl.emulator.storage.store import Store

DEMO_SEED = "demo_seed.yaml"
EXAMPLE_SEED = "example_seed.yaml"

Status = Literal["draft", "pending-review", "in-review", "twilio-rejected", "twilio-approved"]
_SID = r"^[0-9a-fA-F]{32}$"


class SeedError(ValueError):
    """The seed is malformed or breaks a rule; nothing was written."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApiKeySeed(_Model):
    sid: Annotated[str, Field(pattern=r"^SK[0-9a-fA-F]{32}$")]
    secret: Annotated[str, Field(min_length=1)]
    kind: Literal["standard", "main"] = "standard"  # Twilio's API key types


class NumberSeed(_Model):
    phone_number: str
    friendly_name: str | None = None
    voice_caller_id_lookup: bool = False
    sid: Annotated[str | None, Field(pattern=r"^PN[0-9a-fA-F]{32}$")] = None


class NumberRangeSeed(_Model):
    """``count`` generated US numbers starting with ``prefix`` (country code + area code)."""

    count: Annotated[int, Field(ge=1, le=1_000_000)]
    prefix: Annotated[str, Field(pattern=r"^\+1[2-9][0-9]{2}[0-9]{0,3}$")] = "+1415"


class CallerIdSeed(_Model):
    phone_number: str
    friendly_name: str | None = None
    sid: Annotated[str | None, Field(pattern=r"^PN[0-9a-fA-F]{32}$")] = None


class BusinessProfileSeed(_Model):
    friendly_name: str
    email: str = "compliance@example.com"
    status: Status = "twilio-approved"
    policy_sid: str | None = None  # default: primary for the account's first, else secondary
    phone_numbers: list[str] = []
    sid: Annotated[str | None, Field(pattern=r"^BU[0-9a-fA-F]{32}$")] = None
    # the attributes of its customer_profile_business_information end user (business_name,
    # website_url, ...): what reviews of the products on it look at
    business_information: dict[str, Any] | None = None


class TrustProductSeed(_Model):
    friendly_name: str
    email: str = "compliance@example.com"
    status: Status = "draft"
    policy_sid: str = CNAM_POLICY_SID
    business_profile: str | None = None  # friendly name or SID of a seeded business profile
    display_name: str | None = None  # creates and assigns a cnam_information end user
    attributes: dict[str, Any] | None = None  # creates and assigns the policy's end user
    phone_numbers: list[str] = []
    errors: list[int] = []
    sid: Annotated[str | None, Field(pattern=r"^BU[0-9a-fA-F]{32}$")] = None


class AccountSeed(_Model):
    sid: Annotated[str, Field(pattern=r"^AC[0-9a-fA-F]{32}$")]
    auth_token: Annotated[str, Field(min_length=1)]
    friendly_name: str | None = None
    owner_account_sid: Annotated[str, Field(pattern=r"^AC[0-9a-fA-F]{32}$")] | None = None
    """The parent account (an earlier account of the seed): makes this a subaccount."""
    api_keys: list[ApiKeySeed] = []
    incoming_numbers: list[str | NumberSeed | NumberRangeSeed] = []
    outgoing_caller_ids: list[str | CallerIdSeed] = []
    business_profiles: list[BusinessProfileSeed] = []
    trust_products: list[TrustProductSeed] = []


class SeedFile(_Model):
    accounts: list[AccountSeed] = []


def load_seed(source: str | Path | dict[str, Any] | SeedFile) -> SeedFile:
    """Parse a seed from a YAML file path, a dict, or a SeedFile."""
    if isinstance(source, SeedFile):
        return source
    if isinstance(source, str | Path):
        try:
            data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        except OSError as err:
            raise SeedError(f"cannot read seed file {source}: {err}") from err
        except yaml.YAMLError as err:
            raise SeedError(f"seed file {source} is not valid YAML: {err}") from err
        except RecursionError:
            raise SeedError(f"seed file {source} is nested too deeply") from None
    else:
        data = source
    try:
        return SeedFile.model_validate(data or {})
    except ValidationError as err:
        raise SeedError(f"invalid seed: {err}") from err


def _packaged(name: str) -> str:
    return resources.files("cnamctl.emulator").joinpath(name).read_text(encoding="utf-8")


def demo_seed_text() -> str:
    """The packaged demo seed (the account cnamctl's quick start uses)."""
    return _packaged(DEMO_SEED)


def example_seed_text() -> str:
    """A commented seed showing every feature (``cnamctl emulator seed-example``)."""
    return _packaged(EXAMPLE_SEED)


def demo_seed() -> SeedFile:
    return load_seed(yaml.safe_load(demo_seed_text()))


def apply_seed(store: Store, seed: SeedFile, now: float | None = None) -> dict[str, Any]:
    """Write ``seed`` in one transaction; returns a summary (SIDs and counts)."""
    now = time.time() if now is None else now
    summary: dict[str, Any] = {"accounts": []}
    with store.transaction() as conn:
        for account in seed.accounts:
            try:
                summary["accounts"].append(_Seeder(conn, account, now).run())
            except sqlite3.IntegrityError as err:
                raise SeedError(f"account {account.sid}: duplicate object ({err})") from err
    return summary


class _Seeder:
    """Writes one account's objects, resolving names to SIDs as it goes."""

    def __init__(self, conn: sqlite3.Connection, account: AccountSeed, now: float) -> None:
        self.conn = conn
        self.account = account
        self.sid = account.sid
        self.now = now
        self.numbers: dict[str, tuple[str, str, str]] = {}  # e164 -> (sid, type, country)
        self.profiles: dict[str, str] = {}  # friendly name and sid -> sid
        self._product_names: dict[tuple[str, str], int] = {}
        self._one_per_account: dict[str, str] = {}  # policy SID -> the profile using it

    def fail(self, message: str) -> SeedError:
        return SeedError(f"account {self.sid}: {message}")

    def run(self) -> dict[str, Any]:
        account = self.account
        owner = account.owner_account_sid
        if owner is not None and (
            owner == self.sid
            or self.conn.execute("SELECT 1 FROM accounts WHERE sid = ?", (owner,)).fetchone()
            is None
        ):
            raise self.fail(f"owner_account_sid {owner} is not an earlier account of the seed")
        self.conn.execute(
            "INSERT INTO accounts (sid, auth_token, friendly_name, date_created, "
            "owner_account_sid) VALUES (?, ?, ?, ?, ?)",
            (
                self.sid,
                account.auth_token,
                account.friendly_name or f"Account {self.sid}",
                self.now,
                owner,
            ),
        )
        self.conn.executemany(
            "INSERT INTO api_keys (sid, account_sid, secret, kind) VALUES (?, ?, ?, ?)",
            [(key.sid, self.sid, key.secret, key.kind) for key in account.api_keys],
        )
        self._numbers()
        self._caller_ids()
        for profile in account.business_profiles:
            self._business_profile(profile)
        for product in account.trust_products:
            self._trust_product(product)
        return {
            "sid": self.sid,
            "incoming_numbers": len(self.numbers),
            "outgoing_caller_ids": len(account.outgoing_caller_ids),
            "business_profiles": len(account.business_profiles),
            "trust_products": len(account.trust_products),
        }

    # -- numbers ----------------------------------------------------------------

    def _e164(self, value: str) -> str:
        e164 = rules.normalize_e164(value)
        if e164 is None:
            raise self.fail(f"{value!r} is not a valid phone number")
        return e164

    def _numbers(self) -> None:
        rows: list[tuple[Any, ...]] = []
        ranges: list[NumberRangeSeed] = []
        for entry in self.account.incoming_numbers:
            if isinstance(entry, NumberRangeSeed):
                ranges.append(entry)
                continue
            spec = NumberSeed(phone_number=entry) if isinstance(entry, str) else entry
            e164 = self._e164(spec.phone_number)
            if e164 in self.numbers:
                raise self.fail(f"incoming number {e164} is listed twice")
            number_type, country = rules.classify_number(e164)
            sid = spec.sid or seeded_sid("PN", self.sid, "number", e164)
            name = spec.friendly_name or rules.national_format(e164)
            self.numbers[e164] = (sid, number_type, country)
            rows.append((sid, e164, name, int(spec.voice_caller_id_lookup), number_type, country))
        # Generated ranges are classified once per prefix, not per number: fast for 10k+.
        for number_range in ranges:
            generated = list(self._generate(number_range))
            number_type, country = rules.classify_number(generated[0])
            for e164 in generated:
                sid = seeded_sid("PN", self.sid, "number", e164)
                self.numbers[e164] = (sid, number_type, country)
                rows.append((sid, e164, rules.national_format(e164), 0, number_type, country))
        self.conn.executemany(
            """
            INSERT INTO phone_numbers (sid, account_sid, phone_number, friendly_name,
                voice_caller_id_lookup, number_type, iso_country, date_created, date_updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [(sid, self.sid, *rest, self.now, self.now) for sid, *rest in rows],
        )

    def _generate(self, number_range: NumberRangeSeed) -> Iterator[str]:
        """``count`` unused NANP numbers after ``prefix``, skipping N11 exchange codes."""
        prefix = number_range.prefix
        width = 12 - len(prefix)  # "+1" + 10 national digits
        produced = 0
        for n in range(2 * 10 ** (width - 1), 10**width):
            e164 = f"{prefix}{n:0{width}d}"
            exchange = e164[5:8]
            if exchange[0] in "01" or exchange[1:] == "11" or e164 in self.numbers:
                continue
            yield e164
            produced += 1
            if produced == number_range.count:
                return
        raise self.fail(f"prefix {prefix} has room for fewer than {number_range.count} numbers")

    def _caller_ids(self) -> None:
        rows = []
        for entry in self.account.outgoing_caller_ids:
            spec = CallerIdSeed(phone_number=entry) if isinstance(entry, str) else entry
            e164 = self._e164(spec.phone_number)
            sid = spec.sid or seeded_sid("PN", self.sid, "caller_id", e164)
            name = spec.friendly_name or rules.national_format(e164)
            rows.append((sid, self.sid, e164, name, self.now, self.now))
        self.conn.executemany(
            """
            INSERT INTO caller_ids (sid, account_sid, phone_number, friendly_name, date_created,
                date_updated)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            rows,
        )

    # -- bundles ----------------------------------------------------------------

    def _bundle(
        self, sid: str, kind: str, spec: BusinessProfileSeed | TrustProductSeed, policy_sid: str
    ) -> None:
        policy = POLICIES.get(policy_sid)
        if policy is None or policy.kind != kind:
            raise self.fail(f"{spec.friendly_name}: policy {policy_sid} is not a {kind} policy")
        if policy.one_per_account:
            if policy_sid in self._one_per_account:
                raise self.fail(
                    f"{spec.friendly_name}: an account has only one {policy.friendly_name} "
                    f"({self._one_per_account[policy_sid]!r} is one)"
                )
            self._one_per_account[policy_sid] = spec.friendly_name
        errors = spec.errors if isinstance(spec, TrustProductSeed) else []
        approved = spec.status == review.APPROVED
        self.conn.execute(
            """
            INSERT INTO bundles (sid, account_sid, kind, policy_sid, friendly_name, email, status,
                errors, valid_until, date_created, date_updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                sid,
                self.sid,
                kind,
                policy_sid,
                spec.friendly_name,
                spec.email,
                spec.status,
                review.errors_json(errors) if spec.status == review.REJECTED else None,
                self.now + review.VALIDITY_SECONDS if approved else None,
                self.now,
                self.now,
            ),
        )

    def _assign_number(self, bundle_sid: str, e164: str, group: str | None) -> None:
        number_sid = self.numbers[e164][0]
        self.conn.execute(
            """
            INSERT INTO channel_assignments (sid, account_sid, bundle_sid, channel_endpoint_sid,
                channel_endpoint_type, exclusive_group, date_created)
            VALUES (?, ?, ?, ?, 'phone-number', ?, ?)
            """,
            (
                seeded_sid("RA", self.sid, bundle_sid, e164),
                self.sid,
                bundle_sid,
                number_sid,
                group,
                self.now,
            ),
        )

    def _assign_entity(self, bundle_sid: str, object_sid: str) -> None:
        self.conn.execute(
            """
            INSERT INTO entity_assignments (sid, account_sid, bundle_sid, object_sid, date_created)
            VALUES (?, ?, ?, ?, ?)
            """,
            (
                seeded_sid("BV", self.sid, bundle_sid, object_sid),
                self.sid,
                bundle_sid,
                object_sid,
                self.now,
            ),
        )

    def _business_profile(self, spec: BusinessProfileSeed) -> None:
        sid = spec.sid or seeded_sid("BU", self.sid, "business_profile", spec.friendly_name)
        policy_sid = spec.policy_sid or (
            SECONDARY_PROFILE_POLICY_SID
            if PRIMARY_PROFILE_POLICY_SID in self._one_per_account
            else PRIMARY_PROFILE_POLICY_SID
        )
        self._bundle(sid, CUSTOMER_PROFILE, spec, policy_sid)
        self.profiles[spec.friendly_name] = self.profiles[sid] = sid
        if spec.business_information is not None:
            kind = "customer_profile_business_information"
            self._end_user(
                sid, kind, f"{spec.friendly_name} Business Information", spec.business_information
            )
        for value in spec.phone_numbers:
            e164 = self._e164(value)
            if e164 not in self.numbers:
                raise self.fail(f"{spec.friendly_name}: {e164} is not among incoming_numbers")
            self._assign_number(sid, e164, "customer_profile")

    def _trust_product(self, spec: TrustProductSeed) -> None:
        # Several products may share a friendly name (a CNAM replacement, a SHAKEN
        # product named like a CNAM one): the policy and an occurrence count keep
        # their derived SIDs apart and still the same for the same seed.
        key = (spec.friendly_name, spec.policy_sid)
        self._product_names[key] = occurrence = self._product_names.get(key, 0) + 1
        sid = spec.sid or seeded_sid(
            "BU", self.sid, "trust_product", spec.friendly_name, spec.policy_sid, str(occurrence)
        )
        self._bundle(sid, TRUST_PRODUCT, spec, spec.policy_sid)
        policy = POLICIES[spec.policy_sid]
        profile_sid = None
        if spec.business_profile is not None:
            profile_sid = self.profiles.get(spec.business_profile)
            if profile_sid is None:
                raise self.fail(
                    f"{spec.friendly_name}: no business profile {spec.business_profile!r}"
                )
            self._assign_entity(sid, profile_sid)
        attributes = self._end_user_attributes(spec, policy)
        if attributes is not None:
            suffix = "CNAM" if spec.policy_sid == CNAM_POLICY_SID else policy.end_users[0].name
            name = f"{spec.friendly_name} {suffix}"
            self._end_user(sid, policy.end_users[0].type, name, attributes)
        for value in spec.phone_numbers:
            self._trust_product_number(spec, sid, profile_sid, self._e164(value), policy)

    def _end_user(
        self, bundle_sid: str, end_user_type: str, name: str, attributes: dict[str, Any]
    ) -> None:
        """An end user of the bundle, assigned to it."""
        end_user = seeded_sid("IT", self.sid, end_user_type, bundle_sid)
        self.conn.execute(
            """
            INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes,
                date_created, date_updated)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            (end_user, self.sid, name, end_user_type, json.dumps(attributes), self.now, self.now),
        )
        self._assign_entity(bundle_sid, end_user)

    def _end_user_attributes(self, spec: TrustProductSeed, policy: Policy) -> dict[str, Any] | None:
        """The attributes of the product's seeded end user, checked, or None for none."""
        if spec.display_name is not None:
            if spec.policy_sid != CNAM_POLICY_SID:
                raise self.fail(f"{spec.friendly_name}: display_name needs the CNAM policy")
            problem = rules.display_name_problem(spec.display_name)
            if problem:
                raise self.fail(
                    f"{spec.friendly_name}: display name {spec.display_name!r}: {problem}"
                )
            return {"cnam_display_name": spec.display_name, **(spec.attributes or {})}
        if spec.attributes is None:
            return None
        if not policy.end_users:
            raise self.fail(f"{spec.friendly_name}: its policy has no end user to hold attributes")
        requirement = policy.end_users[0]
        if spec.status != review.DRAFT:  # it was submitted: its evaluation was compliant
            for name in requirement.required:
                if spec.attributes.get(name) in (None, ""):
                    raise self.fail(f"{spec.friendly_name}: attributes need {name}")
            for name, check in requirement.checks:
                problem = check(spec.attributes[name]) if name in spec.attributes else None
                if problem:
                    raise self.fail(f"{spec.friendly_name}: {name}: {problem}")
        return dict(spec.attributes)

    def _trust_product_number(
        self, spec: TrustProductSeed, sid: str, profile_sid: str | None, e164: str, policy: Policy
    ) -> None:
        if e164 not in self.numbers:
            raise self.fail(f"{spec.friendly_name}: {e164} is not among incoming_numbers")
        number_sid, number_type, country = self.numbers[e164]
        rule = policy.numbers
        if rule.eligibility is not None:
            reason = rule.eligibility(number_type, country)
            if reason:
                raise self.fail(f"{spec.friendly_name}: {e164}: {reason}")
        on_profile = (
            profile_sid is not None
            and self.conn.execute(
                "SELECT 1 FROM channel_assignments WHERE bundle_sid = ? AND channel_endpoint_sid = ?",
                (profile_sid, number_sid),
            ).fetchone()
        )
        if not on_profile:
            raise self.fail(
                f"{spec.friendly_name}: {e164} must be on the trust product's business profile"
            )
        group = rule.exclusive_group
        taken = (
            group is not None
            and self.conn.execute(
                "SELECT 1 FROM channel_assignments WHERE channel_endpoint_sid = ? AND exclusive_group = ?",
                (number_sid, group),
            ).fetchone()
        )
        if taken:
            raise self.fail(
                f"{spec.friendly_name}: {e164} is already on another {policy.friendly_name}"
            )
        self._assign_number(sid, e164, group)
