"""cnamctl: declarative CNAM caller-ID branding for Twilio Trust Hub."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cnamctl")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"

CNAM_POLICY_SID = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
"""Twilio's static policy for CNAM trust products (same in every account)."""
