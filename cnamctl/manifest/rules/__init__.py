"""Pure validation rules: each ``*_problem`` function returns a message or None.

The messages name the offending value but not the field, so callers (the
manifest models, the planner) can prefix whatever location they have.
"""

from cnamctl.manifest.rules.display_name import display_name_problem
from cnamctl.manifest.rules.email import email_problem
from cnamctl.manifest.rules.phone import (
    caller_id_problem,
    long_code_problem,
    to_e164,
    us_number_problem,
)

__all__ = [
    "caller_id_problem",
    "display_name_problem",
    "email_problem",
    "long_code_problem",
    "to_e164",
    "us_number_problem",
]
