"""The HTTP server: an ASGI app (Starlette) with Slack's endpoint, health, readiness and metrics,
a periodic follow-up task, and a shutdown that finishes the work in hand. Socket Mode too."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.slack import housekeeping, inbound
from bot.slack.app import (
    OneWorkspace,
    SlackConfigError,
    build_app,
    make_client,
    require,
    signing_secret,
)
from bot.slack.outbox import delivery_client
from bot.slack.services import SlackServices
from bot.slack.workshops import posting

log = logging.getLogger(__name__)
QUIET_AFTER_ACK = 0.5  # a listener starts within a loop tick of its ack; wait this long for it
HTTP_CONNECTIONS = 100


async def check_token(client: AsyncWebClient) -> str:
    """auth.test, turned into a clear message when Slack rejects the token."""
    try:
        result = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        raise SlackConfigError(
            f"Slack rejected SLACK_BOT_TOKEN ({error}). Reinstall the app to your workspace and "
            "copy the Bot User OAuth Token again."
        ) from None
    except Exception as exc:
        raise SlackConfigError(
            f"Could not reach Slack at {client.base_url} ({type(exc).__name__}). "
            "Check the network, or SLACK_API_URL if you set it."
        ) from None
    return f"{result.get('user')} in {result.get('team')}"


@asynccontextmanager
async def background(
    services: SlackServices,
    app: AsyncApp,
    api: AsyncWebClient,
    authorize: OneWorkspace,
    *,
    close: bool,
) -> AsyncIterator[None]:
    """While serving: one pooled HTTP session for every Web API call, auth.test done once up
    front, and housekeeping. On the way out: finish the work in hand first."""
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=HTTP_CONNECTIONS))
    api.session = session
    app.client.session = session
    try:
        await authorize.get()
    except Exception as exc:  # Slack unreachable now: the first request will try again
        log.warning("auth.test at start-up failed (%s)", type(exc).__name__)
    # the index, models and libraries loaded at start-up live as long as the process: keep
    # them out of the garbage collector's full passes, which would otherwise stall every
    # request for a few hundred milliseconds now and then
    gc.collect()
    gc.freeze()
    tasks = housekeeping.start(services, api)
    sender = delivery_client(services.settings, services.metrics, str(api.token))
    sender.session = session
    # its own threads (the default executor), so deliveries never queue behind coaching turns
    posting.follow_deliveries(services)
    services.outbox.start(sender, asyncio.to_thread)
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        started = time.monotonic()
        finished = await services.work.drain(
            services.settings.slack_shutdown_timeout, quiet=QUIET_AFTER_ACK
        )
        if not finished:
            log.warning("stopped with %d turn(s) unfinished", services.work.in_hand)
        # what is due now goes out before the session closes; the rest waits for a restart
        left = services.settings.slack_shutdown_timeout - (time.monotonic() - started)
        await services.outbox.stop(max(0.0, left))
        await session.close()
        if close:
            services.close()


def create_http_app(settings: Settings, services: SlackServices | None = None) -> Starlette:
    """The ASGI app for `anchor serve --http` (routes /slack/events, /healthz, /readyz,
    /metrics). Services passed in stay open after shutdown; ones it opens, it closes."""
    owned = services is None
    services = services or SlackServices.open(settings)
    api = make_client(settings)
    authorize = OneWorkspace(api)
    bolt = build_app(settings, services, client=api, authorize=authorize)
    verifier = inbound.Verifier(signing_secret(settings))
    limit = settings.slack_max_body_bytes

    async def events(request: Request) -> Response:
        """Read (capped), verify, parse and check the request here, then hand it to Bolt."""
        started = time.perf_counter()
        signed = False
        try:
            inbound.check_headers(request.headers)
            raw = await inbound.read_body(request, limit)
            verifier.check(request.headers, raw)
            signed = True
            text, payload = inbound.parse(raw, request.headers.get("content-type", ""))
            inbound.check(payload)
            bolt_request = inbound.bolt_request(request, text, payload)
        except inbound.Rejected as refusal:
            # one line, the reason only; refusals of unsigned requests are not worth a warning
            # (anyone can send them) and never count as errors
            log.log(
                logging.WARNING if signed else logging.INFO,
                "refused a request (%s): %s (HTTP %d)",
                "signed" if signed else "not verified",
                refusal.reason,
                refusal.status,
            )
            services.metrics.inc("rejected", status=str(refusal.status))
            return PlainTextResponse(refusal.reason, status_code=refusal.status)
        response = to_starlette_response(await bolt.async_dispatch(bolt_request))
        services.work.acked()
        services.metrics.observe_ack(time.perf_counter() - started)
        return response

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_: Request) -> Response:
        checks = await services.work.run(services.readiness)
        ready = all(value == "ok" for value in checks.values())
        body: dict[str, object] = {"ready": ready, "checks": checks}
        if checks.get("database") == "ok":
            # reported, not judged: a backlog means Slack is failing, for every replica alike
            body["outbox"] = await services.work.run(services.backlog)
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        body, content_type = services.metrics.render(request.headers.get("accept", ""))
        return Response(body, media_type=content_type)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with background(services, bolt, api, authorize, close=owned):
            yield

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


async def run_socket_mode(settings: Settings) -> None:
    """`anchor serve --socket`: connect out to Slack over a WebSocket (no public URL needed)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    app_token = require(
        settings.slack_app_token,
        "SLACK_APP_TOKEN",
        "Create an app-level token with the connections:write scope on your app's Basic "
        "Information page (Socket Mode needs it).",
    )
    if not app_token.startswith("xapp-"):
        raise SlackConfigError("SLACK_APP_TOKEN should be an app-level token starting with xapp-.")
    api = make_client(settings)
    who = await check_token(api)
    services = SlackServices.open(settings)
    authorize = OneWorkspace(api)
    bolt = build_app(settings, services, socket_mode=True, client=api, authorize=authorize)
    log.warning("Anchor connected to Slack as %s (Socket Mode)", who)
    handler = AsyncSocketModeHandler(bolt, app_token)
    async with background(services, bolt, api, authorize, close=True):
        await handler.connect_async()  # type: ignore[no-untyped-call]
        try:
            await asyncio.Event().wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
