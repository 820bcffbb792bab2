"""Who may do what: programme team members see themes and engagement reports; facilitators run
workshops. Both are named in settings by Slack user ID (U...) or user-group ID (S...). The
services check these roles themselves, whatever the surface that called them.

Group membership comes from Slack (the Slack layer keeps it fresh with `set_group`); a person
is in a role if they are named, or are in a named group. Terminal operators (`cli:` actors)
run the server and hold its database and key already, so the CLI acts with both roles.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

CLI_PREFIX = "cli:"
SLACK_PREFIX = "slack:"


def cli_actor(name: str) -> str:
    return f"{CLI_PREFIX}{name}"


class Roles:
    def __init__(self, programme_team: Sequence[str], facilitators: Sequence[str]) -> None:
        self.programme_team = tuple(programme_team)
        self.facilitators = tuple(facilitators)
        self._groups: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    @property
    def groups(self) -> list[str]:
        """The user-group ids named in either role (their members are looked up in Slack)."""
        named = [*self.programme_team, *self.facilitators]
        return sorted({i for i in named if i.startswith("S")})

    def set_group(self, group_id: str, members: Iterable[str]) -> None:
        with self._lock:
            self._groups[group_id] = frozenset(members)

    def _has(self, actor: str, named: Sequence[str]) -> bool:
        if actor.startswith(CLI_PREFIX):
            return True
        user = actor.removeprefix(SLACK_PREFIX)
        if user in named:
            return True
        with self._lock:
            return any(user in self._groups.get(g, frozenset()) for g in named if g[:1] == "S")

    def is_programme(self, actor: str) -> bool:
        return self._has(actor, self.programme_team)

    def is_facilitator(self, actor: str) -> bool:
        return self._has(actor, self.facilitators)
