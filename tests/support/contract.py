"""Check emulator responses against Twilio's OpenAPI specs (the contract).

Finds the operation by method and path template, takes the response schema for the
status, turns OAS 3.0 ``nullable`` into JSON Schema, and validates - with format
checks for the formats the specs use (ISO 8601 and RFC 2822 dates, URIs, E.164).
Error bodies (4xx/5xx, which the specs do not describe) must be exactly Twilio's
``{code, message, more_info, status}``.

The specs are the subset vendored in ``twilio_oai/`` (regenerated from Twilio's
twilio-oai by ``vendor_twilio_oai.py``), so the checks run in every clone;
``$TWILIO_OAI_DIR`` points them at other copies. Where Twilio's own printed
responses differ from its specs, the printed responses are accepted (and only
those differences): :data:`KNOWN_DEVIATIONS`.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SPEC_FILES = ("twilio_trusthub_v1.json", "twilio_api_v2010.json", "twilio_lookups_v2.json")
SPEC_DIR = Path(os.environ.get("TWILIO_OAI_DIR", Path(__file__).resolve().parent / "twilio_oai"))

EMPTY_STRING = {"type": "string", "maxLength": 0}
NULL = {"type": "null"}

# schema -> (what Twilio answers besides what the spec allows, for these properties):
# - "" where the spec's format or pattern does not allow it (the IncomingPhoneNumber
#   responses printed in Twilio's CNAM guide);
# - null for Lookup's data packages not asked for, its validation_errors of a valid
#   number and a caller name's missing parts (the spec's own examples `fetch`,
#   `fetchInvalid`, `fetchCallerName`; twilio.com/docs/lookup/v2-api/caller-name:
#   caller_name and caller_type "will be null" when not available).
KNOWN_DEVIATIONS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "api.v2010.account.incoming_phone_number": (
        EMPTY_STRING,
        (
            "sms_url",
            "sms_fallback_url",
            "status_callback",
            "sms_application_sid",
            "voice_application_sid",
        ),
    ),
    "LookupResponse": (
        NULL,
        (
            "validation_errors",
            "caller_name",
            "sim_swap",
            "call_forwarding",
            "line_type_intelligence",
            "line_status",
            "identity_match",
            "reassigned_number",
            "sms_pumping_risk",
        ),
    ),
    "CallerNameInfo": (NULL, ("caller_name", "caller_type", "error_code")),
}

# Where the absolute URLs of a response must point, by the path's prefix.
URL_BASES = {"/v1/": "https://trusthub.twilio.com/v1/", "/v2/": "https://lookups.twilio.com/v2/"}

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} \+0000$"
)
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_PARAM = re.compile(r"\{[A-Za-z]+\}")

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time")
def _is_iso(value: object) -> bool:
    return not isinstance(value, str) or bool(_ISO.match(value))


@FORMATS.checks("date-time-rfc-2822")
def _is_rfc2822(value: object) -> bool:
    return not isinstance(value, str) or bool(_RFC2822.match(value))


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    # Twilio's own 2010 *_page_uri fields are relative, so a path counts too.
    return not isinstance(value, str) or value.startswith(("https://", "http://", "/"))


@FORMATS.checks("phone-number")
def _is_e164(value: object) -> bool:
    return not isinstance(value, str) or bool(_E164.match(value))


ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "more_info", "status"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string", "minLength": 1},
        "more_info": {"type": "string", "pattern": r"^https://www\.twilio\.com/docs/errors/\d+$"},
        "status": {"type": "integer"},
    },
}


ERROR_VALIDATOR = jsonschema.Draft4Validator(ERROR_SCHEMA)


def load_spec(name: str) -> dict[str, Any]:
    """A spec, with Twilio's known deviations from it allowed."""
    spec = copy.deepcopy(_read_spec(name))
    schemas = spec.get("components", {}).get("schemas", {})
    for schema, (extra, properties) in KNOWN_DEVIATIONS.items():
        for prop in properties:
            if schema in schemas and prop in schemas[schema].get("properties", {}):
                original = schemas[schema]["properties"][prop]
                schemas[schema]["properties"][prop] = {"anyOf": [original, extra]}
    return spec


@cache
def _read_spec(name: str) -> dict[str, Any]:
    path = SPEC_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run tests/support/vendor_twilio_oai.py to regenerate it"
        )
    return dict(json.loads(path.read_text(encoding="utf-8")))


class OpenApi:
    """The specs of SPEC_FILES, indexed by path template."""

    def __init__(self) -> None:
        self.specs = [load_spec(name) for name in SPEC_FILES]
        self._templates: list[tuple[re.Pattern[str], str, dict[str, Any], dict[str, Any]]] = []
        self._validators: dict[tuple[str, str, int], jsonschema.Draft4Validator | None] = {}
        for spec in self.specs:
            for template, item in spec["paths"].items():
                pattern = "[^/]+".join(re.escape(part) for part in _PARAM.split(template))
                self._templates.append((re.compile(f"^{pattern}$"), template, item, spec))

    def operation(
        self, method: str, path: str
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """(template, operation, spec) of the spec operation serving ``method path``."""
        for pattern, template, item, spec in self._templates:
            if pattern.match(path) and method.lower() in item:
                return template, item[method.lower()], spec
        return None

    def validator(self, method: str, path: str, status: int) -> jsonschema.Draft4Validator | None:
        """The (cached) validator of the response schema for ``status``, if documented."""
        found = self.operation(method, path)
        if found is None:
            return None
        template, op, spec = found
        key = (method.lower(), template, status)
        if key not in self._validators:
            response = op.get("responses", {}).get(str(status)) or {}
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            self._validators[key] = (
                None
                if schema is None
                else jsonschema.Draft4Validator(
                    _Converter(spec).convert(schema), format_checker=FORMATS
                )
            )
        return self._validators[key]

    def problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Why ``body`` does not conform (empty when it does)."""
        if status >= 400:
            validator = ERROR_VALIDATOR
            extra = (
                []
                if not isinstance(body, dict) or body.get("status") == status
                else [f"error body status {body.get('status')} != HTTP {status}"]
            )
        else:
            if self.operation(method, path) is None:
                return [f"{method} {path}: no such operation in the specs"]
            found_validator = self.validator(method, path, status)
            if found_validator is None:
                return [] if body is None else [f"{method} {path} {status}: undocumented status"]
            validator = found_validator
            extra = _absolute_urls(path, body)
        found = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(body)
        ]
        return found[:10] + extra


def _absolute_urls(path: str, body: Any) -> list[str]:
    """v1 ``url`` fields and meta links must point at https://trusthub.twilio.com, v2
    (Lookup) ones at https://lookups.twilio.com (``URL_BASES``); an end user's
    ``attributes`` are the customer's data (a ``website_url`` there is theirs)."""
    base = next((b for prefix, b in URL_BASES.items() if path.startswith(prefix)), None)
    if base is None:
        return []
    bad: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "attributes":
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif (
            isinstance(node, str)
            and (
                key == "url"
                or key.endswith("_url")
                or key.startswith("trust_products_")
                or key.startswith("customer_profiles_")
            )
            and not node.startswith(base)
            and not node.startswith(("/EndUserTypes/", "/SupportingDocumentTypes/"))  # as Twilio
        ):
            bad.append(f"{key}: {node!r} is not on {base}")

    walk(body)
    return bad


class _Converter:
    """OAS 3.0 schema -> JSON Schema: inline $refs, nullable -> type [..., "null"].

    Objects with listed properties become closed and complete: Twilio answers every
    field of a resource (null when unset) and nothing else, so a field the spec does
    not have, or one it has that is missing, is a contract breach.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._cache: dict[str, Any] = {}

    def convert(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            if ref not in self._cache:
                target: Any = self.spec
                for part in ref.lstrip("#/").split("/"):
                    target = target[part]
                self._cache[ref] = self.convert(target)
            return self._cache[ref]
        out = {
            k: self.convert(v)
            for k, v in node.items()
            if not k.startswith("x-") and k != "nullable"
        }
        if node.get("type") == "object" and isinstance(node.get("properties"), dict):
            out.setdefault("required", sorted(node["properties"]))
            out.setdefault("additionalProperties", False)
        if node.get("nullable"):
            if "type" in out:
                out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        return out


@dataclass
class SchemaGuard:
    """WSGI middleware: validate every Twilio-path response against the specs.

    Problems are collected; the fixture that made the guard fails the test with
    them at teardown.
    """

    app: Callable[..., Any]
    oas: OpenApi
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen: dict[str, int] = {}

        def capture(status: str, headers: Any, exc_info: Any = None) -> Any:
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        chunks = list(self.app(environ, capture))  # a dropped connection raises through
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if not path.startswith("/_emulator"):
            raw = b"".join(chunks)
            self.check(method, path, seen["status"], json.loads(raw) if raw else None)
        return chunks

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        self.checked += 1
        found = self.oas.problems(method, path, status, body)
        if found:
            self.problems.append(f"{method} {path} -> {status}: {found}")


@cache
def shared_openapi() -> OpenApi:
    """One OpenApi per test process (building validators is the costly part)."""
    return OpenApi()
