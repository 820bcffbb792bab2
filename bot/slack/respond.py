"""Replies to a slash command or a button by its `response_url`, through the outbox.

Bolt's `respond` posts to the response_url at once and a failure is lost; `owed_respond`
gives listeners the same call, but the reply is queued in the outbox (``bot.slack.outbox``) and
delivered by the worker with slack_sdk's webhook client and its retry handlers, so a 5xx, a
reset connection or a 429 delays it instead of losing it, and a restart does not drop it.

A response_url is a capability: anyone holding it can post as the app into that conversation,
so it is stored encrypted with the call's other arguments (and erased once delivered). Slack
honours one for 30 minutes and 5 uses (`RESPONSE_URL_MINUTES`, `RESPONSE_URL_USES`): a reply
still waiting after that is given up with that reason instead of being tried again. The stream
is the URL's keyed hash, so replies to one command keep their order and other people's replies
never wait behind them."""

from __future__ import annotations

import time
from typing import Any, Protocol

from bot.slack.conversation import once
from bot.slack.outbox import RESPOND, RESPONSE_URL_MINUTES, RESPONSE_URL_USES
from bot.slack.services import SlackServices

__all__ = ["RESPOND", "RESPONSE_URL_MINUTES", "RESPONSE_URL_USES", "OwedRespond", "owed_respond"]


class Respond(Protocol):
    """What listeners call to answer the person who typed the command or clicked."""

    async def __call__(
        self,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
    ) -> int | None: ...


class OwedRespond:
    """`respond` for one interaction: each call queues one reply to its response_url."""

    def __init__(self, services: SlackServices, response_url: str | None, owner: str) -> None:
        self.services = services
        self.response_url = response_url
        self.owner = owner
        self.issued_at = time.time()  # the interaction arrived just now

    async def __call__(
        self,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
    ) -> int | None:
        """Queue the reply; the outbox row's id (None: nothing was queued)."""
        if not self.response_url:
            raise ValueError("this interaction has no response_url to answer")
        body: dict[str, Any] = {"text": text}
        for name, value in (
            ("blocks", blocks),
            ("response_type", response_type),
            ("replace_original", replace_original),
            ("delete_original", delete_original),
        ):
            if value is not None:
                body[name] = value
        stream = f"{RESPOND}:{self.services.outbox.store.cipher.pseudonym(self.response_url)}"
        return await self.services.outbox.queue(
            RESPOND,
            channel=None,
            owner=self.owner,
            key=f"{RESPOND}:{once()}",
            stream=stream,
            url=self.response_url,
            issued_at=self.issued_at,
            body=body,
        )


def owed_respond(services: SlackServices, bolt_respond: Any, owner: str) -> OwedRespond:
    """The outbox's `respond` for the interaction Bolt's `respond` belongs to (its
    response_url), owed to `owner` (forget-me deletes it with the person's other rows)."""
    url = getattr(bolt_respond, "response_url", None)
    return OwedRespond(services, str(url) if url else None, owner)
