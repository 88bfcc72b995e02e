"""Pydantic models of the manifest kinds: the user-facing contract.

YAML keys are camelCase (``friendlyName``); Python attributes are snake_case.
Extra keys are forbidden. Each loaded object remembers where it came from
(``source``) and where each of its fields sits (``loc(field)``), so problems
found later, even by Twilio, can be reported as ``file:line``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import PydanticCustomError

from cnamctl.errors import Location
from cnamctl.manifest import rules
from cnamctl.manifest.locations import nearest_location
from cnamctl.manifest.rules.display_name import MAX_LENGTH as DISPLAY_NAME_MAX_LENGTH
from cnamctl.manifest.rules.display_name import PATTERN as DISPLAY_NAME_PATTERN
from cnamctl.manifest.rules.phone import read_caller_id, read_long_code, read_us_number
from cnamctl.policies import SPECS, ProductSpec

API_VERSION = "cnamctl/v1"
_KIND = "The kind of resource this document declares."


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
        field_title_generator=lambda name, _info: to_camel(name),
    )


class _Resource(_Model):
    """Fields every document has, plus where it was loaded from."""

    api_version: Literal["cnamctl/v1"] = Field(description="Always `cnamctl/v1`.")
    kind: str = Field(description=_KIND)

    _source: Location | None = PrivateAttr(default=None)
    _field_lines: Mapping[str, int] = PrivateAttr(default_factory=dict)

    def attach_locations(self, source: Location, fields: Mapping[str, int]) -> None:
        """Called by the loader; ``fields`` maps dotted camelCase paths (``phoneNumbers.1``)
        to lines of ``source.file``. Kept as given, not copied."""
        self._source = source
        self._field_lines = fields

    @property
    def source(self) -> Location | None:
        return self._source

    def loc(self, path: str | None = None) -> Location | None:
        """Location of a camelCase field path (``displayName``, ``phoneNumbers.2``),
        falling back to the nearest enclosing field, then the document itself."""
        # read from pydantic's store of private attributes: a plan of 10,000 changes
        # asks for 20,000 locations, and each attribute read goes through __getattr__
        private = self.__pydantic_private__
        assert private is not None
        return nearest_location(private["_field_lines"], path, private["_source"])


def _rule(check: Callable[[str], str | None]) -> AfterValidator:
    """Turn a pure rule (message or None) into a validator with that exact message."""

    def validate(value: str) -> str:
        problem = check(value)
        if problem:
            raise PydanticCustomError("cnamctl", "{problem}", {"problem": problem})
        return value

    return AfterValidator(validate)


def _reading(read: Callable[[str], tuple[str | None, str | None]]) -> AfterValidator:
    """Turn a reader (normalised value or the reason why not) into a validator that
    checks and normalises in one pass (a manifest set can hold 100,000 numbers)."""

    def validate(value: str) -> str:
        normal, problem = read(value)
        if normal is None:
            raise PydanticCustomError("cnamctl", "{problem}", {"problem": problem})
        return normal

    return AfterValidator(validate)


NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SID_PATTERN = r"^BU[0-9a-fA-F]{32}$"

Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=NAME_PATTERN,
        description="Local key, unique per kind: letters, digits, '.', '_', '-'.",
    ),
]
PhoneNumberText = Annotated[
    str,
    Field(
        min_length=1,
        description="A US standard long-code number, E.164 (`+14155550100`) or national "
        "(`(415) 555-0100`); normalised to E.164. ASCII digits only: letters, other "
        "scripts' digits, invisible characters and extensions are refused.",
    ),
]
LongCode = Annotated[PhoneNumberText, _reading(read_long_code)]
"""A US standard long code (CNAM-eligible), normalised to E.164."""
USNumber = Annotated[
    str,
    Field(
        min_length=1,
        description="A US number, long code or toll-free, E.164 (`+14155550100`) or national "
        "(`(415) 555-0100`); normalised to E.164. ASCII digits only: letters, other "
        "scripts' digits, invisible characters and extensions are refused.",
    ),
    _reading(read_us_number),
]
"""A US long code or toll-free number (SHAKEN/STIR and Voice Integrity), in E.164."""
CallerIdNumber = Annotated[
    str,
    Field(
        min_length=1,
        description="Any valid number, E.164 (`+442071838750`) or US national "
        "(`(415) 555-0100`); normalised to E.164. ASCII digits only: letters, other "
        "scripts' digits, invisible characters and extensions are refused.",
    ),
    _reading(read_caller_id),
]
"""Any valid phone number (national formats read as US), normalised to E.164."""
FriendlyName = Annotated[str, Field(min_length=1, max_length=64)]
BusinessProfileSid = Annotated[str, Field(pattern=SID_PATTERN)]
DisplayName = Annotated[
    str,
    Field(
        description="CNAM display name: at most 15 characters, starts with a letter; "
        "letters, digits, periods, commas and spaces; not a city or state, no "
        "law-enforcement or government terms.",
        json_schema_extra={"maxLength": DISPLAY_NAME_MAX_LENGTH, "pattern": DISPLAY_NAME_PATTERN},
    ),
    _rule(rules.display_name_problem),
]
Email = Annotated[
    str,
    Field(description="Receives Trust Hub status updates.", json_schema_extra={"format": "email"}),
    _rule(rules.email_problem),
]


class BusinessProfile(_Resource):
    """A vetted Trust Hub Business Profile (made in the Console) and the numbers
    cnamctl keeps assigned to it."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["friendlyName"]}, {"required": ["sid"]}]}
    )

    kind: Literal["BusinessProfile"] = Field(description=_KIND)
    name: Name
    friendly_name: FriendlyName | None = Field(
        default=None, description="Finds the live profile by its friendly name."
    )
    sid: BusinessProfileSid | None = Field(
        default=None, description="Pins the live profile by SID (BU...)."
    )
    phone_numbers: list[LongCode] = Field(
        default_factory=list,
        description="Numbers cnamctl keeps assigned to the profile (numbers of its "
        "CnamProfiles, ShakenStirProfiles and VoiceIntegrityProfiles are implied).",
    )

    @model_validator(mode="after")
    def _needs_identity(self) -> Self:
        if self.friendly_name is None and self.sid is None:
            raise PydanticCustomError(
                "cnamctl",
                "BusinessProfile '{name}' needs friendlyName or sid to find the live profile",
                {"name": self.name},
            )
        return self


class CnamProfile(_Resource):
    """A CNAM trust product: display name, contact email, and branded numbers."""

    kind: Literal["CnamProfile"] = Field(description=_KIND)
    name: Name = Field(description="Becomes the trust product's friendly name.")
    business_profile: Name = Field(description="`name` of a BusinessProfile manifest.")
    display_name: DisplayName
    email: Email
    phone_numbers: list[LongCode] = Field(
        default_factory=list, description="Numbers to brand with this display name."
    )
    caller_name_lookup: bool | None = Field(
        default=None,
        description="Set VoiceCallerIdLookup on these numbers (unset: left as it is).",
    )


class _TrustedCallingProfile(_Resource):
    """What a SHAKEN/STIR and a Voice Integrity profile have in common."""

    name: Name = Field(description="Becomes the trust product's friendly name.")
    business_profile: Name = Field(description="`name` of a BusinessProfile manifest.")
    email: Email


class ShakenStirProfile(_TrustedCallingProfile):
    """A SHAKEN/STIR trust product: calls from its numbers are signed with A-level
    attestation once it and the business profile are approved."""

    kind: Literal["ShakenStirProfile"] = Field(description=_KIND)
    phone_numbers: list[USNumber] = Field(
        default_factory=list,
        description="Numbers whose calls are signed (each must belong to the business profile; "
        "numbers listed here are implied members of it).",
    )


class VoiceIntegrityProfile(_TrustedCallingProfile):
    """A Voice Integrity trust product: its numbers are registered with the carriers'
    call analytics engines, to remediate spam labels. The calling information goes
    into its ``voice_integrity_information`` end user."""

    kind: Literal["VoiceIntegrityProfile"] = Field(description=_KIND)
    use_case: Annotated[str, Field(min_length=1, max_length=255)] = Field(
        description="What the calls are for (`use_case`), e.g. `Appointment reminders`."
    )
    business_employee_count: Annotated[int, Field(ge=1, le=10_000_000)] = Field(
        description="How many people the business employs (`business_employee_count`)."
    )
    average_business_day_call_volume: Annotated[int, Field(ge=1, le=100_000_000)] = Field(
        description="Outbound calls on an average business day, across these numbers "
        "(`average_business_day_call_volume`)."
    )
    notes: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="Anything else the reviewer should know (unset: left as it is)."
    )
    phone_numbers: list[USNumber] = Field(
        default_factory=list,
        description="Numbers to register (each must belong to the business profile; numbers "
        "listed here are implied members of it).",
    )


TrustProfile = CnamProfile | ShakenStirProfile | VoiceIntegrityProfile
"""A declared trust product of one of the policies in ``cnamctl.policies``."""
PROFILE_KINDS: dict[str, type[CnamProfile | ShakenStirProfile | VoiceIntegrityProfile]] = {
    "CnamProfile": CnamProfile,
    "ShakenStirProfile": ShakenStirProfile,
    "VoiceIntegrityProfile": VoiceIntegrityProfile,
}
assert set(PROFILE_KINDS) == {spec.kind for spec in SPECS}


class OutgoingCallerId(_Resource):
    """A verified outgoing caller ID."""

    kind: Literal["OutgoingCallerId"] = Field(description=_KIND)
    phone_number: CallerIdNumber
    friendly_name: FriendlyName | None = Field(
        default=None, description="Label shown in Twilio (default: the formatted number)."
    )


class PruneSettings(_Model):
    """What cnamctl may remove when it is not declared. All off by default."""

    cnam_profiles: bool = Field(
        default=False, description="Delete CNAM trust products whose name no manifest declares."
    )
    cnam_numbers: bool = Field(
        default=False,
        description="Unassign numbers from declared CNAM profiles when not listed there.",
    )
    outgoing_caller_ids: bool = Field(
        default=False, description="Delete outgoing caller IDs that no manifest declares."
    )
    shaken_stir_profiles: bool = Field(
        default=False,
        description="Delete SHAKEN/STIR trust products whose name no manifest declares.",
    )
    shaken_stir_numbers: bool = Field(
        default=False,
        description="Unassign numbers from declared SHAKEN/STIR profiles when not listed there.",
    )
    voice_integrity_profiles: bool = Field(
        default=False,
        description="Delete Voice Integrity trust products whose name no manifest declares.",
    )
    voice_integrity_numbers: bool = Field(
        default=False,
        description="Unassign numbers from declared Voice Integrity profiles when not listed "
        "there.",
    )

    def products(self, spec: ProductSpec) -> bool:
        """Whether undeclared products of ``spec``'s policy may be deleted."""
        return bool(getattr(self, to_snake(spec.prune_products)))

    def numbers(self, spec: ProductSpec) -> bool:
        """Whether undeclared numbers may be unassigned from ``spec``'s declared products."""
        return bool(getattr(self, to_snake(spec.prune_numbers)))


class SafetySettings(_Model):
    """octoDNS-style thresholds: a plan that removes more than these shares of what
    exists is refused without --force. They only apply from ``min_existing`` items up."""

    max_delete_percent: float = Field(
        default=30.0,
        ge=0,
        le=100,
        description="Most of the existing managed objects a plan may delete, in percent.",
    )
    max_unassign_percent: float = Field(
        default=30.0,
        ge=0,
        le=100,
        description="Most of the existing number assignments of managed trust products (CNAM, "
        "and SHAKEN/STIR and Voice Integrity where declared) a plan may remove, in percent.",
    )
    min_existing: int = Field(
        default=10, ge=0, description="The thresholds apply only from this many existing items."
    )


class Settings(_Resource):
    """Pruning and safety settings (at most one Settings document)."""

    kind: Literal["Settings"] = Field(description=_KIND)
    prune: PruneSettings = Field(
        default_factory=PruneSettings, description="What may be removed when undeclared."
    )
    safety: SafetySettings = Field(
        default_factory=SafetySettings, description="Thresholds that make a plan need --force."
    )


ACCOUNT_SID_PATTERN = r"^AC[0-9a-fA-F]{32}$"
ENV_VAR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
EnvVarName = Annotated[str, Field(pattern=ENV_VAR_PATTERN)]


class AccountCredentials(_Model):
    """Names of environment variables holding this account's own credentials.
    Secrets never go in manifests; only the variables' names do."""

    auth_token_env: EnvVarName | None = Field(
        default=None, description="Variable holding the account's auth token."
    )
    api_key_env: EnvVarName | None = Field(
        default=None, description="Variable holding an API key SID (SK...) of the account."
    )
    api_secret_env: EnvVarName | None = Field(
        default=None, description="Variable holding that API key's secret."
    )

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        key = (self.api_key_env is None, self.api_secret_env is None)
        if key[0] != key[1]:
            raise PydanticCustomError("cnamctl", "apiKeyEnv and apiSecretEnv go together", {})
        if self.auth_token_env is None and self.api_key_env is None:
            raise PydanticCustomError(
                "cnamctl", "give authTokenEnv, or apiKeyEnv with apiSecretEnv", {}
            )
        return self


class Account(_Resource):
    """A Twilio account. Every other document in this file's directory (and below)
    belongs to it, so one repository can manage several accounts."""

    kind: Literal["Account"] = Field(description=_KIND)
    name: Name = Field(description="Local key, unique among Accounts.")
    sid: Annotated[str, Field(pattern=ACCOUNT_SID_PATTERN)] = Field(
        description="The account SID (AC...)."
    )
    credentials: AccountCredentials | None = Field(
        default=None,
        description="Where this account's own credentials are (environment variable "
        "names). Unset: the parent account's credentials (TWILIO_ACCOUNT_SID with "
        "TWILIO_AUTH_TOKEN, or TWILIO_API_KEY/TWILIO_API_SECRET) act on it as a subaccount.",
    )


Document = Annotated[
    BusinessProfile
    | CnamProfile
    | ShakenStirProfile
    | VoiceIntegrityProfile
    | OutgoingCallerId
    | Settings
    | Account,
    Field(discriminator="kind"),
]
KINDS: dict[str, type[_Resource]] = {
    "BusinessProfile": BusinessProfile,
    "CnamProfile": CnamProfile,
    "ShakenStirProfile": ShakenStirProfile,
    "VoiceIntegrityProfile": VoiceIntegrityProfile,
    "OutgoingCallerId": OutgoingCallerId,
    "Settings": Settings,
    "Account": Account,
}


class ManifestSet(_Model):
    """Everything the manifests declare, validated and keyed.

    Phone numbers in every model are already normalised to E.164 by the time a
    ManifestSet exists.
    """

    model_config = ConfigDict(frozen=False, extra="forbid")

    business_profiles: dict[str, BusinessProfile] = Field(default_factory=dict)
    cnam_profiles: dict[str, CnamProfile] = Field(default_factory=dict)
    shaken_stir_profiles: dict[str, ShakenStirProfile] = Field(default_factory=dict)
    voice_integrity_profiles: dict[str, VoiceIntegrityProfile] = Field(default_factory=dict)
    caller_ids: dict[str, OutgoingCallerId] = Field(
        default_factory=dict, description="Keyed by E.164 phone number."
    )
    settings: Settings | None = None
    account: Account | None = Field(
        default=None,
        description="The Account these documents belong to (None: from the environment).",
    )
    files: list[str] = Field(default_factory=list)

    def profiles(self, spec: ProductSpec) -> dict[str, TrustProfile]:
        """The declared profiles of ``spec``'s kind, by name."""
        found: dict[str, TrustProfile] = getattr(self, _PROFILE_SETS[spec.kind])
        return found

    def trust_profiles(self) -> list[TrustProfile]:
        """Every declared trust profile: by kind (the order of ``SPECS``), then name."""
        return [p for spec in SPECS for _, p in sorted(self.profiles(spec).items())]

    @property
    def prune(self) -> PruneSettings:
        return self.settings.prune if self.settings else PruneSettings()

    @property
    def safety(self) -> SafetySettings:
        return self.settings.safety if self.settings else SafetySettings()

    @property
    def label(self) -> str:
        """The account these documents are for, as output names it."""
        return f"{self.account.name} ({self.account.sid})" if self.account else "default account"


_PROFILE_SETS = {
    "CnamProfile": "cnam_profiles",
    "ShakenStirProfile": "shaken_stir_profiles",
    "VoiceIntegrityProfile": "voice_integrity_profiles",
}
