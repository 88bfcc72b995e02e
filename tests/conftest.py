"""Shared test support. pytest puts ``tests/`` (this file's directory) on the import
path, so every suite imports ``support``; its suite-wide fixtures are these."""

from support.fixtures import emulators, oas

__all__ = ["emulators", "oas"]
