"""A database file written before a column existed still opens and serves."""

from __future__ import annotations

import sqlite3

from cnamctl.emulator.storage.store import Store


def test_older_database_gains_the_owner_column(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE accounts (sid TEXT PRIMARY KEY, auth_token TEXT NOT NULL, "
        "friendly_name TEXT NOT NULL, date_created REAL NOT NULL)"
    )
    conn.execute("INSERT INTO accounts VALUES ('AC1', 't', 'old', 0)")
    conn.commit()
    conn.close()

    store = Store(path)
    try:
        with store.transaction() as db:
            row = db.execute("SELECT sid, owner_account_sid FROM accounts").fetchone()
        assert tuple(row) == ("AC1", None)
    finally:
        store.close()
