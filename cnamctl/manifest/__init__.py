"""Manifests: models, YAML loading with file:line, validation rules."""

from cnamctl.manifest.files import ManifestPaths
from cnamctl.manifest.limits import Limits
from cnamctl.manifest.loader import load_manifests, load_workspace
from cnamctl.manifest.model import (
    API_VERSION,
    KINDS,
    Account,
    BusinessProfile,
    CnamProfile,
    ManifestSet,
    OutgoingCallerId,
    PruneSettings,
    SafetySettings,
    Settings,
    ShakenStirProfile,
    TrustProfile,
    VoiceIntegrityProfile,
)
from cnamctl.manifest.schema import manifest_json_schema

__all__ = [
    "API_VERSION",
    "KINDS",
    "Account",
    "BusinessProfile",
    "CnamProfile",
    "Limits",
    "ManifestPaths",
    "ManifestSet",
    "OutgoingCallerId",
    "PruneSettings",
    "SafetySettings",
    "Settings",
    "ShakenStirProfile",
    "TrustProfile",
    "VoiceIntegrityProfile",
    "load_manifests",
    "load_workspace",
    "manifest_json_schema",
]
