"""Build the Bolt app: a Web API client that honours Slack's 429 Retry-After, a middleware that
counts requests, and the listeners registered per kind."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.slack.listeners import register_listeners
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 3
BOLT_VERIFICATION_LOGGER = "slack_bolt.RequestVerification"


class SlackConfigError(Exception):
    """A Slack setting is missing or wrong; the message says which and how to fix it."""


def require(value: Any, name: str, where: str) -> str:
    secret = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    if not secret:
        raise SlackConfigError(f"{name} is not set. {where}")
    return str(secret)


def bot_token(settings: Settings) -> str:
    token = require(
        settings.slack_bot_token,
        "SLACK_BOT_TOKEN",
        "Copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page.",
    )
    if not token.startswith("xoxb-"):
        raise SlackConfigError("SLACK_BOT_TOKEN should be a bot token starting with xoxb-.")
    return token


def signing_secret(settings: Settings) -> str:
    return require(
        settings.slack_signing_secret,
        "SLACK_SIGNING_SECRET",
        "Copy the Signing Secret from your app's Basic Information page.",
    )


def make_client(settings: Settings) -> AsyncWebClient:
    """A Web API client on SLACK_API_URL that waits out a 429 for as long as Retry-After says."""
    client = AsyncWebClient(token=bot_token(settings), base_url=settings.slack_api_url)
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


class OneWorkspace:
    """Bolt's `authorize` for a single workspace: auth.test once (one call even when many
    requests arrive together at start-up), then the cached answer for every request."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.result: AuthorizeResult | None = None
        self._lock: asyncio.Lock | None = None

    async def get(self) -> AuthorizeResult:
        if self.result is not None:
            return self.result
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self.result is None:
                answer = await self.client.auth_test()
                self.result = AuthorizeResult.from_auth_test_response(
                    auth_test_response=answer, bot_token=self.client.token
                )
        return self.result

    def function(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """As Bolt wants it: a plain function (Bolt injects arguments by parameter name)."""

        async def authorize(team_id: str | None) -> AuthorizeResult:
            return await self.get()

        return authorize


def unhandled(body: dict[str, Any]) -> str:
    """What an unhandled request was, by its ids alone (never what anyone wrote)."""
    kind = event_kind(body)
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return f"{kind} {actions[0].get('action_id')}"
    view = body.get("view")
    if isinstance(view, dict):
        return f"{kind} {view.get('callback_id')}"
    return kind


def event_kind(body: dict[str, Any]) -> str:
    kind = str(body.get("type") or "unknown")
    if kind == "event_callback":
        return str((body.get("event") or {}).get("type") or "event")
    if "command" in body:
        return "slash_command"
    return kind


def build_app(
    settings: Settings,
    services: SlackServices,
    *,
    socket_mode: bool = False,
    client: AsyncWebClient | None = None,
    authorize: OneWorkspace | None = None,
) -> AsyncApp:
    """The Bolt app. HTTP mode verifies every request with SLACK_SIGNING_SECRET; Socket Mode
    needs no signing secret (Slack's connection is authenticated by SLACK_APP_TOKEN)."""
    secret = None if socket_mode else signing_secret(settings)
    api = client or make_client(settings)
    # Bolt gives each request its own client with the token from `authorize`; this one only
    # lends it the base URL, retry handlers and (once the server starts) the HTTP session
    requests_client = AsyncWebClient(
        base_url=api.base_url, retry_handlers=list(api.retry_handlers), timeout=api.timeout
    )
    app = AsyncApp(
        client=requests_client,
        authorize=(authorize or OneWorkspace(api)).function(),
        signing_secret=secret,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
        # an event, action or view no listener takes goes to `on_error` (acknowledged there)
        # rather than Bolt's 404, which Slack counts as a failure and retries
        raise_error_for_unhandled_request=True,
    )
    # Bolt's verification logs the whole body of a request it refuses, at INFO; the server has
    # already verified every request (and logs only why), so Bolt's check never speaks
    logging.getLogger(BOLT_VERIFICATION_LOGGER).setLevel(logging.WARNING)

    async def count(
        body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        services.metrics.inc("events", kind=event_kind(body))
        return await next()

    async def on_error(error: Exception, request: AsyncBoltRequest) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            log.debug("acknowledged a request no listener takes: %s", unhandled(request.body))
            return BoltResponse(status=200, body="")
        services.metrics.inc("errors")
        log.error("listener failed (%s)", type(error).__name__, exc_info=error)
        return None

    app.middleware(count)
    app.error(on_error)
    register_listeners(app, services)
    return app
