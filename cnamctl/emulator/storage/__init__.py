"""The emulator's state: the SQLite store, the one read/write path, paging, seeds."""
