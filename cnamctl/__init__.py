"""cnamctl: declarative CNAM caller-ID branding for Twilio Trust Hub."""

from __future__ import annotations

from cnamctl.policies import CNAM_POLICY_SID

__all__ = ["CNAM_POLICY_SID", "__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata when first asked
    for: importlib.metadata would cost every command about 40 ms of start-up."""
    if name != "__version__":
        raise AttributeError(f"module 'cnamctl' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("cnamctl")
    except PackageNotFoundError:  # running from a source tree without install
        found = "0.0.0+local"
    globals()["__version__"] = found
    return found
