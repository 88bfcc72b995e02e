"""What an import produces: files of documents, and what it could not declare."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnamctl.manifest.model import (
    BusinessProfile,
    CnamProfile,
    OutgoingCallerId,
    ShakenStirProfile,
    VoiceIntegrityProfile,
)

Resource = (
    BusinessProfile | CnamProfile | ShakenStirProfile | VoiceIntegrityProfile | OutgoingCallerId
)


@dataclass(frozen=True)
class ImportedDocument:
    """One validated manifest document and the comment lines written above it."""

    resource: Resource
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedFile:
    name: str  # file name inside the output directory, e.g. "acme-corp.yaml"
    documents: tuple[ImportedDocument, ...]

    def count(self, kind: type[Resource]) -> int:
        return sum(isinstance(d.resource, kind) for d in self.documents)


@dataclass(frozen=True)
class Skipped:
    """Something live that no manifest declares after the import, and why."""

    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass
class ImportResult:
    account_sid: str
    files: list[ImportedFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # imported as they are, but the next plan will propose a change for them
    notes: list[str] = field(default_factory=list)

    def count(self, kind: type[Resource]) -> int:
        return sum(f.count(kind) for f in self.files)
