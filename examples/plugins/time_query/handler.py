# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers what time it is, optionally in a named time zone."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def run(params: dict) -> dict:
    name = params.get("timezone")
    try:
        tz = ZoneInfo(name) if name else timezone.utc
    except ZoneInfoNotFoundError:
        return {"error": f"unknown time zone {name!r}"}
    now = datetime.now(tz)
    return {"iso": now.isoformat(timespec="seconds"), "timezone": str(tz)}
