"""One YAML document -> one validated resource, or the problems that prevent it."""

from __future__ import annotations

from pydantic import ValidationError

from cnamctl.errors import Problem
from cnamctl.manifest.excerpts import cite
from cnamctl.manifest.locations import nearest_location
from cnamctl.manifest.messages import describe, kind_of, validation_problems
from cnamctl.manifest.model import API_VERSION, KINDS, _Resource
from cnamctl.manifest.suggest import close_match, did_you_mean
from cnamctl.manifest.yamlsource import RawDocument

_HEADER_KEYS = ("apiVersion", "kind")
_NOT_OURS = (
    "not a cnamctl manifest: no 'apiVersion: {api}' and no cnamctl kind ({kinds}); this "
    "may be another tool's file, so nothing in it is quoted"
)


def build_resource(doc: RawDocument) -> tuple[_Resource | None, list[Problem]]:
    """Validate ``doc`` against the model its ``kind`` names; locations attached.

    A document that does not say it is a cnamctl manifest (a token file, another
    tool's YAML, reached by a stray file or a link) is refused without quoting
    anything it holds: only what kind of value it is."""
    if not isinstance(doc.data, dict):
        message = f"a manifest document must be a mapping, found {kind_of(doc.data)}"
        return None, [Problem(doc.source, message)]
    if not _claims_to_be_a_manifest(doc.data):
        message = _NOT_OURS.format(api=API_VERSION, kinds=", ".join(KINDS))
        return None, [Problem(doc.source, message)]
    problems = _header_problems(doc)
    model = KINDS.get(doc.data["kind"]) if isinstance(doc.data.get("kind"), str) else None
    if model is None:
        return None, problems
    try:
        resource = model.model_validate(doc.data, strict=True, by_alias=True, by_name=False)
    except ValidationError as err:
        errors = [e for e in err.errors() if not (e["loc"] and e["loc"][0] in _HEADER_KEYS)]
        problems.extend(validation_problems(errors, doc, model))
        return None, problems
    resource.attach_locations(doc.source, doc.fields)
    return resource, problems


def _claims_to_be_a_manifest(data: dict[object, object]) -> bool:
    """Ours by its header, a near miss of it, or no header at all (a manifest whose
    header was forgotten: the missing keys are reported, nothing is quoted)."""
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if "apiVersion" not in data and "kind" not in data:
        return True
    if isinstance(api_version, str) and api_version.startswith("cnamctl/"):
        return True
    return isinstance(kind, str) and (kind in KINDS or close_match(kind, KINDS) is not None)


def _header_problems(doc: RawDocument) -> list[Problem]:
    """``apiVersion`` and ``kind``: reported once, here, with what was expected."""
    problems = []
    kinds = list(KINDS)
    api_version = doc.data.get("apiVersion")
    if "apiVersion" not in doc.data:
        message = f"missing required key 'apiVersion' (expected '{API_VERSION}')"
        problems.append(Problem(doc.source, message))
    elif api_version != API_VERSION:
        shown = cite(api_version) if isinstance(api_version, str) else describe(api_version)
        message = f"unsupported apiVersion {shown} (expected '{API_VERSION}')"
        problems.append(Problem(nearest_location(doc.fields, "apiVersion", doc.source), message))
    kind = doc.data.get("kind")
    if "kind" not in doc.data:
        message = f"missing required key 'kind' (one of {', '.join(kinds)})"
        problems.append(Problem(doc.source, message))
    elif not isinstance(kind, str) or kind not in KINDS:
        shown = cite(kind) if isinstance(kind, str) else describe(kind)
        hint = did_you_mean(kind, kinds) if isinstance(kind, str) else ""
        expected = " (expected one of " + ", ".join(kinds) + ")"
        message = f"unknown kind {shown}{hint or expected}"
        problems.append(Problem(nearest_location(doc.fields, "kind", doc.source), message))
    return problems
