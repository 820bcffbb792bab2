"""The workspace directory: people's names for the scrubber (read with `users.list`, kept in
memory only, refreshed on a schedule), and user-group membership for roles."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)
PAGE = 200
GROUP_TTL = 300.0


def names_of(member: dict[str, Any]) -> list[str]:
    """The names a person goes by in the directory: full, display and first/last names."""
    if member.get("is_bot") or member.get("deleted") or member.get("id") == "USLACKBOT":
        return []
    profile = member.get("profile") or {}
    found = [
        member.get("real_name"),
        profile.get("real_name"),
        profile.get("display_name"),
        profile.get("first_name"),
        profile.get("last_name"),
    ]
    return sorted({str(n).strip() for n in found if n and str(n).strip()})


async def directory_names(client: AsyncWebClient) -> list[str]:
    """Every person's names in the workspace, page by page."""
    names: set[str] = set()
    cursor: str | None = None
    while True:
        page = await client.users_list(limit=PAGE, cursor=cursor)
        for member in page.get("members") or []:
            names.update(names_of(member))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return sorted(names)


class GroupMembers:
    """Who is in a Slack user group, asked of Slack and remembered for a few minutes."""

    def __init__(self, client: AsyncWebClient, ttl: float = GROUP_TTL) -> None:
        self.client = client
        self.ttl = ttl
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}

    async def members(self, group_id: str) -> frozenset[str]:
        cached = self._cache.get(group_id)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        try:
            answer = await self.client.usergroups_users_list(usergroup=group_id)
            members = frozenset(str(u) for u in answer.get("users") or [])
        except SlackApiError as exc:
            log.warning("usergroups.users.list failed (%s)", exc.response.get("error"))
            members = cached[1] if cached is not None else frozenset()
        self._cache[group_id] = (time.monotonic(), members)
        return members

    async def expand(self, ids: list[str]) -> frozenset[str]:
        """User ids named directly, plus the members of any user groups (S...) named."""
        users = {i for i in ids if not i.startswith("S")}
        for group in (i for i in ids if i.startswith("S")):
            users |= await self.members(group)
        return frozenset(users)
