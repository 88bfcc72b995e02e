"""A small model of the Trust Hub and API 2010 rules a plan must respect.

It is the oracle of the ordering properties: it knows nothing of the apply graph
and states Twilio's rules on its own, from the CNAM guide and the error codes
cnamctl meets (docs/review-lifecycle.md):

* a trust product in pending-review, in-review or twilio-approved cannot gain or
  lose entity assignments, nor change its email; under review it cannot gain or
  lose numbers either (60711);
* an end user's attributes cannot change while a product it is assigned to is
  under review or approved (60711);
* a number joins a trust product only if it is already on the product's business
  profile, and at most one product of each policy (CNAM, SHAKEN/STIR, Voice
  Integrity) holds a number; a number is on at most one business profile;
* submission needs a business profile assigned, and the end user of the
  policy's type where the policy has one (cnam_information for CNAM,
  voice_integrity_information for Voice Integrity; none for SHAKEN/STIR);
* a change can only use a SID another change has already created.

Applying a change that breaks one raises ``Violation``. ``finish_reviews`` decides
every pending review (approve, or reject with a code), as Twilio would later.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.plan.model import Action, Change, is_ref

# Twilio's policies and the end user each one needs (this oracle's own table)
SHAKEN_STIR_POLICY_SID = "RN7a97559effdf62d00f4298208492a5ea"
VOICE_INTEGRITY_POLICY_SID = "RN5b3660f9598883b1df4e77f77acefba0"
END_USER_OF_POLICY = {
    CNAM_POLICY_SID: "cnam_information",
    SHAKEN_STIR_POLICY_SID: None,
    VOICE_INTEGRITY_POLICY_SID: "voice_integrity_information",
}
UNDER_REVIEW = {"pending-review", "in-review"}
FROZEN = UNDER_REVIEW | {"twilio-approved"}
EDITABLE = {"draft", "twilio-rejected"}


def stamp(order: int) -> str:
    """An ISO 8601 creation time that sorts like ``order``."""
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=order)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Violation(AssertionError):
    """A request Twilio would refuse, made by a change at a point the graph allowed."""


@dataclass
class Product:
    name: str
    status: str
    email: str
    policy_sid: str = CNAM_POLICY_SID
    errors: tuple[dict[str, Any], ...] = ()
    entities: dict[str, str] = field(default_factory=dict)  # object sid -> BV
    numbers: dict[str, str] = field(default_factory=dict)  # PN -> RA
    created: int = 0
    # what review saw: the end user's attributes at each submission ({}: no end user)
    submitted: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EndUser:
    name: str
    type: str
    attributes: dict[str, Any]
    created: int = 0


@dataclass
class ApiModel:
    account_sid: str
    numbers: dict[str, LiveNumber]
    business_profiles: dict[str, LiveBusinessProfile]
    bp_numbers: dict[str, dict[str, str]]  # BU -> PN -> RA
    products: dict[str, Product]
    end_users: dict[str, EndUser]
    caller_ids: dict[str, LiveCallerId]
    created: dict[str, str] = field(default_factory=dict)  # change address -> new SID
    log: list[str] = field(default_factory=list)
    _sids: Any = field(default_factory=lambda: itertools.count(10_000))

    # --- to and from snapshots ---------------------------------------------------------

    @classmethod
    def from_snapshot(cls, live: Snapshot) -> ApiModel:
        return cls(
            account_sid=live.account_sid,
            numbers=dict(live.numbers),
            business_profiles=dict(live.business_profiles),
            bp_numbers={
                sid: dict(bp.number_assignments) for sid, bp in live.business_profiles.items()
            },
            products={
                sid: Product(
                    p.friendly_name,
                    p.status,
                    p.email or "",
                    p.policy_sid,
                    p.errors,
                    dict(p.entity_assignments),
                    dict(p.number_assignments),
                    created=i,
                )
                for i, (sid, p) in enumerate(sorted(live.trust_products.items()))
            },
            end_users={
                sid: EndUser(u.friendly_name, u.type, dict(u.attributes), created=i)
                for i, (sid, u) in enumerate(sorted(live.end_users.items()))
            },
            caller_ids=dict(live.caller_ids),
        )

    def snapshot(self) -> Snapshot:
        """The account as ``read_snapshot`` would see it now (every policy read)."""
        live = Snapshot(account_sid=self.account_sid, policies=tuple(END_USER_OF_POLICY))
        live.numbers = dict(self.numbers)
        for sid, bp in self.business_profiles.items():
            live.business_profiles[sid] = LiveBusinessProfile(
                sid,
                bp.friendly_name,
                bp.status,
                bp.email,
                bp.policy_sid,
                dict(self.bp_numbers[sid]),
            )
        for sid, p in self.products.items():
            live.trust_products[sid] = LiveTrustProduct(
                sid,
                p.name,
                p.status,
                p.email,
                p.policy_sid,
                p.errors,
                dict(p.entities),
                dict(p.numbers),
                date_created=stamp(p.created),
            )
        for sid, u in self.end_users.items():
            live.end_users[sid] = LiveEndUser(
                sid, u.name, u.type, copy.deepcopy(u.attributes), stamp(u.created)
            )
        live.caller_ids = dict(self.caller_ids)
        return live

    # --- the API -----------------------------------------------------------------------

    def _new(self, prefix: str) -> str:
        return f"{prefix}{next(self._sids):032x}"

    def _sid(self, value: Any, change: Change) -> Any:
        if is_ref(value):
            address = value[1:]
            if address not in self.created:
                raise Violation(f"{change.address} used {value} before it was created")
            return self.created[address]
        return value

    def _product(self, sid: str, change: Change) -> Product:
        if sid not in self.products:
            raise Violation(f"{change.address}: trust product {sid} does not exist (20404)")
        return self.products[sid]

    def apply(self, change: Change) -> None:
        """Make ``change``'s request(s); raise Violation where Twilio would refuse."""
        p = {k: self._sid(v, change) for k, v in change.params.items()}
        a = change.action
        self.log.append(change.address)
        if a in (Action.UNASSIGN_CNAM_NUMBER, Action.UNASSIGN_PRODUCT_NUMBER):
            product = self._product(p["trust_product"], change)
            if product.status in UNDER_REVIEW:
                raise Violation(f"{change.address}: product is {product.status} (60711)")
            if product.numbers.get(p["number"]) != p["assignment"]:
                raise Violation(f"{change.address}: no such assignment (20404)")
            del product.numbers[p["number"]]
        elif a is Action.CREATE_END_USER:
            sid = self._new("IT")
            self.end_users[sid] = EndUser(
                p["friendly_name"], p["type"], dict(p["attributes"]), next(self._sids)
            )
            self.created[change.address] = sid
        elif a is Action.UPDATE_END_USER:
            user = p["end_user"]
            if user not in self.end_users:
                raise Violation(f"{change.address}: end user {user} does not exist")
            for sid, product in self.products.items():
                if user in product.entities and product.status in FROZEN:
                    raise Violation(
                        f"{change.address}: end user of {sid}, which is {product.status} (60711)"
                    )
            self.end_users[user].attributes = dict(p["attributes"])
        elif a is Action.CREATE_TRUST_PRODUCT:
            sid = self._new("BU")
            self.products[sid] = Product(
                p["friendly_name"], "draft", p["email"], p["policy_sid"], created=next(self._sids)
            )
            self.created[change.address] = sid
        elif a is Action.UPDATE_TRUST_PRODUCT:
            product = self._product(p["trust_product"], change)
            if product.status not in EDITABLE:
                raise Violation(f"{change.address}: product is {product.status} (60711)")
            product.email = p["email"]
        elif a is Action.ASSIGN_ENTITY:
            product = self._product(p["trust_product"], change)
            obj = p["object"]
            if product.status not in EDITABLE:
                raise Violation(f"{change.address}: product is {product.status} (60711)")
            if obj not in self.end_users and obj not in self.business_profiles:
                raise Violation(f"{change.address}: object {obj} does not exist")
            if obj in product.entities:
                raise Violation(f"{change.address}: {obj} is already assigned")
            product.entities[obj] = self._new("BV")
        elif a is Action.ASSIGN_BUSINESS_PROFILE_NUMBER:
            number = p["number"]
            if any(number in held for held in self.bp_numbers.values()):
                raise Violation(f"{change.address}: {number} is already on a business profile")
            self.bp_numbers[p["business_profile"]][number] = self._new("RA")
        elif a in (Action.ASSIGN_CNAM_NUMBER, Action.ASSIGN_PRODUCT_NUMBER):
            product = self._product(p["trust_product"], change)
            number = p["number"]
            if product.status in UNDER_REVIEW:
                raise Violation(f"{change.address}: product is {product.status} (60711)")
            profiles = [o for o in product.entities if o in self.business_profiles]
            if not profiles or number not in self.bp_numbers[profiles[0]]:
                raise Violation(f"{change.address}: {number} is not on the product's profile")
            if any(
                number in other.numbers
                for other in self.products.values()
                if other.policy_sid == product.policy_sid
            ):
                raise Violation(f"{change.address}: {number} is on another product of its policy")
            product.numbers[number] = self._new("RA")
        elif a is Action.SUBMIT_FOR_REVIEW:
            product = self._product(p["trust_product"], change)
            if product.status not in EDITABLE:
                raise Violation(f"{change.address}: product is {product.status}")
            users = [self.end_users[o] for o in product.entities if o in self.end_users]
            wanted = END_USER_OF_POLICY[product.policy_sid]
            mine = [u for u in users if u.type == wanted]
            if (wanted and not mine) or not any(
                o in self.business_profiles for o in product.entities
            ):
                raise Violation(f"{change.address}: evaluation noncompliant")
            product.status = "pending-review"
            product.errors = ()
            product.submitted.append(dict(mine[0].attributes) if mine else {})
        elif a is Action.SET_CALLER_NAME_LOOKUP:
            number = self.numbers[p["number"]]
            self.numbers[p["number"]] = LiveNumber(
                number.sid, number.phone_number, number.friendly_name, bool(p["enabled"])
            )
        elif a is Action.CREATE_VALIDATION_REQUEST:
            e164 = p["phone_number"]
            if any(c.phone_number == e164 for c in self.caller_ids.values()):
                raise Violation(f"{change.address}: {e164} is already a caller ID (21450)")
            sid = self._new("PN")  # verified at once, as the gentle emulator does
            self.caller_ids[sid] = LiveCallerId(sid, e164, p.get("friendly_name") or e164)
        elif a is Action.UPDATE_CALLER_ID:
            caller = self.caller_ids.get(p["caller_id"])
            if caller is None:
                raise Violation(f"{change.address}: no caller ID {p['caller_id']}")
            self.caller_ids[caller.sid] = LiveCallerId(
                caller.sid, caller.phone_number, p["friendly_name"]
            )
        elif a is Action.DELETE_CALLER_ID:
            if self.caller_ids.pop(p["caller_id"], None) is None:
                raise Violation(f"{change.address}: no caller ID {p['caller_id']}")
        elif a is Action.DELETE_TRUST_PRODUCT:
            product = self._product(p["trust_product"], change)
            del self.products[p["trust_product"]]
            in_use = {o for other in self.products.values() for o in other.entities}
            wanted = END_USER_OF_POLICY[product.policy_sid]
            for obj in product.entities:
                user = self.end_users.get(obj)
                if user is not None and user.type == wanted and obj not in in_use:
                    del self.end_users[obj]  # what apply's delete does after the product
        else:  # pragma: no cover - a new action needs a rule here
            raise AssertionError(f"the model has no rule for {a}")

    def under_review(self) -> bool:
        return any(p.status in UNDER_REVIEW for p in self.products.values())

    def finish_reviews(self, reject: dict[str, int] | None = None) -> None:
        """Twilio decides every review: approved, or rejected with the code given per name."""
        reject = reject or {}
        for product in self.products.values():
            if product.status in UNDER_REVIEW:
                code = reject.get(product.name)
                if code is None:
                    product.status = "twilio-approved"
                else:
                    product.status = "twilio-rejected"
                    product.errors = ({"code": code},)
