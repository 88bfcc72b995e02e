"""One imported file as YAML: documents in order, each under its comment lines."""

from __future__ import annotations

from typing import Any

import yaml

from cnamctl.importer.model import ImportedDocument, ImportedFile, ImportResult


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, and phone numbers
    double-quoted, as the manifest docs write them (an unquoted ``+14155550100``
    would be a YAML integer)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if value.startswith("+") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render_files(result: ImportResult) -> dict[str, str]:
    """``{file name: text}`` for every file of the import."""
    header = (f"Imported from Twilio account {result.account_sid} by `cnamctl import`.",)
    return {file.name: render_file(file, header) for file in result.files}


def render_file(file: ImportedFile, header: tuple[str, ...] = ()) -> str:
    """The file's text: ``header`` comment lines, then the documents separated by ``---``."""
    parts = [_render_document(doc) for doc in file.documents]
    return "".join(f"# {line}\n" for line in header) + "---\n".join(parts)


def _render_document(doc: ImportedDocument) -> str:
    data: dict[str, Any] = doc.resource.model_dump(
        mode="json", by_alias=True, exclude_defaults=True
    )
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1000,
        default_flow_style=False,
    )
    return "".join(f"# {line}\n" for line in doc.comments) + body
