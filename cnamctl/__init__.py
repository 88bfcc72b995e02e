"""cnamctl: declarative CNAM caller-ID branding for Twilio Trust Hub."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cnamctl")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"

from cnamctl.policies import CNAM_POLICY_SID

__all__ = ["CNAM_POLICY_SID", "__version__"]
