"""SQLite state: one connection, one lock, explicit transactions.

Every request runs its reads and writes inside :meth:`Store.transaction` (handlers
reach it through ``storage/db.py``, never directly), which holds
a process-wide lock around ``BEGIN IMMEDIATE ... COMMIT``. Requests are therefore
serialisable: a check-then-insert (e.g. "this number is on no other CNAM product")
cannot interleave with another request, so a number can never be assigned twice.
The lock is held only for database work (never while sleeping for latency or reading
a request body), which keeps it short. Unique indexes back the rules up.

A file database uses WAL journaling, so it survives restarts and crashes and other
processes (``sqlite3 emulator.db``) can read it while the emulator runs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS accounts (
    sid TEXT PRIMARY KEY,
    auth_token TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    date_created REAL NOT NULL,
    owner_account_sid TEXT  -- the parent of a subaccount; NULL for a main account
);

CREATE TABLE IF NOT EXISTS api_keys (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL REFERENCES accounts(sid),
    secret TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'standard'  -- standard | main (Twilio's key types)
);

-- CustomerProfiles and TrustProducts share one table ("bundles", as Twilio calls
-- them): same SID prefix, same lifecycle, same sub-resources. review_* hold the
-- schedule of a pending review (see domain/review.py).
CREATE TABLE IF NOT EXISTS bundles (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    kind TEXT NOT NULL,
    policy_sid TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    email TEXT,
    status_callback TEXT,
    status TEXT NOT NULL,
    errors TEXT,
    valid_until REAL,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL,
    review_in_review_at REAL,
    review_decide_at REAL,
    review_outcome TEXT,
    review_errors TEXT
);
CREATE INDEX IF NOT EXISTS bundles_by_account ON bundles(account_sid, kind, sid);
CREATE INDEX IF NOT EXISTS bundles_under_review ON bundles(review_in_review_at)
    WHERE review_in_review_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS end_users (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    type TEXT NOT NULL,
    attributes TEXT NOT NULL,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS end_users_by_account ON end_users(account_sid, sid);

CREATE TABLE IF NOT EXISTS entity_assignments (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    bundle_sid TEXT NOT NULL REFERENCES bundles(sid) ON DELETE CASCADE,
    object_sid TEXT NOT NULL,
    date_created REAL NOT NULL,
    UNIQUE (bundle_sid, object_sid)
);
CREATE INDEX IF NOT EXISTS entity_assignments_by_bundle ON entity_assignments(bundle_sid, sid);
CREATE INDEX IF NOT EXISTS entity_assignments_by_object ON entity_assignments(object_sid);

-- exclusive_group is set where a number may belong to one bundle only: 'cnam' for
-- CNAM trust products, 'customer_profile' for business profiles.
CREATE TABLE IF NOT EXISTS channel_assignments (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    bundle_sid TEXT NOT NULL REFERENCES bundles(sid) ON DELETE CASCADE,
    channel_endpoint_sid TEXT NOT NULL,
    channel_endpoint_type TEXT NOT NULL,
    exclusive_group TEXT,
    date_created REAL NOT NULL,
    UNIQUE (bundle_sid, channel_endpoint_sid)
);
CREATE INDEX IF NOT EXISTS channel_assignments_by_bundle ON channel_assignments(bundle_sid, sid);
CREATE INDEX IF NOT EXISTS channel_assignments_by_endpoint
    ON channel_assignments(channel_endpoint_sid);
CREATE UNIQUE INDEX IF NOT EXISTS channel_assignments_exclusive
    ON channel_assignments(exclusive_group, channel_endpoint_sid)
    WHERE exclusive_group IS NOT NULL;

CREATE TABLE IF NOT EXISTS evaluations (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    bundle_sid TEXT NOT NULL REFERENCES bundles(sid) ON DELETE CASCADE,
    policy_sid TEXT NOT NULL,
    status TEXT NOT NULL,
    results TEXT NOT NULL,
    date_created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluations_by_bundle ON evaluations(bundle_sid, sid);

-- number_type (local | mobile | tollfree) and iso_country are classified once, when
-- the number is seeded, so the CNAM eligibility check is a column comparison.
CREATE TABLE IF NOT EXISTS phone_numbers (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    voice_caller_id_lookup INTEGER NOT NULL DEFAULT 0,
    number_type TEXT NOT NULL,
    iso_country TEXT NOT NULL,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL,
    UNIQUE (account_sid, phone_number)
);
-- The number in the index too: a list filtered by PhoneNumber (a pattern each row is
-- matched against) is then read from the index alone, in SID order.
CREATE INDEX IF NOT EXISTS phone_numbers_by_account_number
    ON phone_numbers(account_sid, sid, phone_number);
DROP INDEX IF EXISTS phone_numbers_by_account;

CREATE TABLE IF NOT EXISTS caller_ids (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL,
    UNIQUE (account_sid, phone_number)
);
CREATE INDEX IF NOT EXISTS caller_ids_by_account ON caller_ids(account_sid, sid);

CREATE TABLE IF NOT EXISTS validation_requests (
    call_sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    validation_code TEXT NOT NULL,
    date_created REAL NOT NULL,
    UNIQUE (account_sid, phone_number)
);

-- The CNAM database Lookup reads (domain/cnam_database.py): one row per name a
-- number was registered with (or NULL: the listing removed), never updated, so a
-- name keeps answering until its successor has propagated.
CREATE TABLE IF NOT EXISTS cnam_listings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone_number TEXT NOT NULL,
    caller_name TEXT,
    caller_type TEXT,
    bundle_sid TEXT,
    registered_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS cnam_listings_by_number ON cnam_listings(phone_number, id);
-- Lookup finds a number by E.164 alone, in whichever account holds it.
CREATE INDEX IF NOT EXISTS phone_numbers_by_number ON phone_numbers(phone_number);
"""


class Store:
    """The emulator's database (``":memory:"`` or a file path)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        with self._lock:
            self._conn.executescript(SCHEMA)
            _add_missing_columns(self._conn)
            self._conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION,),
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Serialised read-write transaction; rolled back if the block raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def is_empty(self) -> bool:
        """No account yet: the database was never seeded."""
        with self.transaction() as conn:
            return conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# Columns added after a database file may already exist: (table, column, declaration).
_ADDED_COLUMNS = (
    ("accounts", "owner_account_sid", "TEXT"),
    ("api_keys", "kind", "TEXT NOT NULL DEFAULT 'standard'"),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a database written by an older emulator up to the current schema."""
    for table, column, declaration in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
