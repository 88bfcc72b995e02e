"""How manifest messages quote what a file holds: short, inert, never a credential.

Every value a message cites comes from a file cnamctl did not write, and the
messages end up in terminals and CI logs (the shipped ``validate`` job runs on
pull requests from forks). So a cited value is

* shortened (``cnamctl.text.shorten``): a 50 MB display name is quoted as its
  first few dozen characters and its length;
* made inert (``cnamctl.text.inert``): control characters, bidirectional
  overrides and invisible characters are shown as escapes (``\\x1b``, ``\\u200b``);
* redacted where it looks like a credential: a stray ``.env`` line
  (``TWILIO_AUTH_TOKEN=...``) or a bare token is quoted as at most a short prefix
  and ``…[redacted]``.

"Looks like a credential" is a heuristic that errs on the side of hiding:

* an assignment (``=`` or ``:``) to a name containing ``token``, ``secret``,
  ``password``, ``passwd``, ``pwd``, ``apikey``/``api_key``, ``private_key``,
  ``credential`` or ``auth``: the value goes, the name stays;
* a known token shape: AWS access keys (``AKIA...``), GitHub (``ghp_...``,
  ``github_pat_...``), Slack (``xox?-...``), Stripe-style (``sk_live_...``),
  JSON Web Tokens (``eyJ...``), PEM private-key headers;
* a random-looking run: 16 or more letters, digits and ``+/_=-`` in which a
  letter and a digit stand side by side at least four times (a Twilio auth token
  is 32 hex digits; ``customer-2024-west`` has no such pair).
  Twilio SIDs (``AC``/``BU``/``SK`` and 32 hex digits) are identifiers, not
  secrets, and stay as they are.
"""

from __future__ import annotations

import re

from cnamctl.text import inert

REDACTED = "…[redacted]"
LIMIT = 60

_SECRET_WORD = r"token|secret|passw(?:or)?d|pwd|api_?key|private_?key|credential|auth"
_SECRET_NAME = rf"[A-Za-z0-9_.-]*(?:{_SECRET_WORD})[A-Za-z0-9_.-]*"
_ASSIGNMENT = re.compile(rf"(?i)(?P<name>{_SECRET_NAME})(?P<sep>\s*[=:]\s*)(?P<value>[^\s'\",;]+)")
_KNOWN_SHAPES = re.compile(
    r"AKIA[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|[rs]k_(?:live|test)_[A-Za-z0-9]{10,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
_RUN = re.compile(r"[A-Za-z0-9+/_=-]{16,}")
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_SWITCH = re.compile(r"[A-Za-z](?=[0-9])|[0-9](?=[A-Za-z])")
_MIN_SWITCHES = 4


def _random_looking(run: str) -> bool:
    if _SID.fullmatch(run):
        return False
    return len(_SWITCH.findall(run)) >= _MIN_SWITCHES


def _prefix(secret: str) -> str:
    """What may be shown of a secret: up to 4 characters, at most an eighth of it."""
    return secret[: min(4, len(secret) // 8)]


def redact(text: str) -> str:
    """``text`` with everything that looks like a credential cut to a short prefix."""
    text = _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)
    text = _KNOWN_SHAPES.sub(lambda m: _prefix(m.group(0)) + REDACTED, text)
    return _RUN.sub(
        lambda m: _prefix(m.group(0)) + REDACTED if _random_looking(m.group(0)) else m.group(0),
        text,
    )


def looks_like_credential(text: str) -> bool:
    return redact(text) != text


def cite(value: object, limit: int = LIMIT) -> str:
    """A value cited in a message: redacted, shortened to ``limit`` characters (with
    the whole length when cut), made inert, in single quotes.

    Only the first ``2 * limit`` characters are examined, so citing a huge value
    costs no more than citing a small one."""
    text = value if isinstance(value, str) else repr(value)
    window = text[: 2 * limit]
    shown = redact(window)
    if len(text) > len(window) or len(shown) > limit:
        shown = f"{shown[: limit - 1]}… ({len(text):,} characters)"
    return "'" + inert(shown, keep_lines=False) + "'"


def safe_message(message: str, limit: int = 2_000) -> str:
    """A whole message made safe to print: inert on one line, at most ``limit``
    characters. The last guard before a problem leaves the manifest package
    (values inside are already cited; this catches what a library wrote)."""
    if len(message) > limit:
        message = f"{message[: limit - 1]}… ({len(message):,} characters)"
    return inert(message, keep_lines=False)
