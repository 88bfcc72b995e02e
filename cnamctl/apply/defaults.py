"""Apply's defaults, in a module of their own: `cnamctl apply --help` shows them
without importing the executor (cli/app.py loads commands without their work)."""

DEFAULT_CONCURRENCY = 16
DEFAULT_MAX_RPS = 50.0
DEFAULT_SETTLE_SECONDS = 2.0
DEFAULT_ACCOUNTS_AT_ONCE = 4  # accounts read, planned or applied at the same time (workspace.py)
