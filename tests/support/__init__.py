"""What every test suite shares: seeds, served emulators, the contract guard and
the realism switch (``tests/conftest.py`` puts ``tests/`` on the import path)."""
