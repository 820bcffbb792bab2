"""Moves the wall clock in the processes a test starts (`anchor serve`, `python -m bot`), when
the suite runs with `pytest --clock-offset DAYS`: tests/conftest.py puts this folder first on
PYTHONPATH and sets TEST_CLOCK_OFFSET_DAYS, and Python imports this module at start-up."""

from __future__ import annotations

import os

_DAYS = os.environ.get("TEST_CLOCK_OFFSET_DAYS")
if _DAYS:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(days=float(_DAYS)), tick=True).start()
