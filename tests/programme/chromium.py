"""Headless Chromium driven over the DevTools protocol (aiohttp's WebSocket client): open a
page, collect console errors and uncaught exceptions, take a screenshot. No downloads."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


@dataclass
class PageVisit:
    errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def visit(browser: str, page: Path, width: int = 1200, height: int = 1600) -> PageVisit:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="anchor-chromium-") as profile:
        process = subprocess.Popen(
            [
                browser,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            target = _page_target(port)
            return asyncio.run(_drive(target, page.resolve().as_uri()))
        finally:
            process.terminate()
            process.wait(timeout=20)


def _page_target(port: int) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("Chromium did not start its DevTools endpoint")


async def _drive(ws_url: str, url: str) -> PageVisit:
    result = PageVisit()
    ids = itertools.count(1)
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url, max_msg_size=0) as ws:
        waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        loaded = asyncio.Event()

        async def reader() -> None:
            async for message in ws:
                data = json.loads(message.data)
                if "id" in data and data["id"] in waiting:
                    waiting.pop(data["id"]).set_result(data)
                    continue
                method, params = data.get("method"), data.get("params", {})
                if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                    result.errors.append(json.dumps(params.get("args", []))[:300])
                elif method == "Runtime.exceptionThrown":
                    result.errors.append(str(params.get("exceptionDetails", {}))[:300])
                elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                    result.errors.append(str(params["entry"].get("text"))[:300])
                elif method == "Page.loadEventFired":
                    loaded.set()

        async def call(method: str, **params: Any) -> dict[str, Any]:
            n = next(ids)
            waiting[n] = asyncio.get_running_loop().create_future()
            await ws.send_str(json.dumps({"id": n, "method": method, "params": params}))
            return await asyncio.wait_for(waiting[n], 30)

        task = asyncio.create_task(reader())
        for domain in ("Page", "Runtime", "Log"):
            await call(f"{domain}.enable")
        await call("Page.navigate", url=url)
        await asyncio.wait_for(loaded.wait(), 30)
        await asyncio.sleep(0.3)  # late console messages
        shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        result.screenshot = base64.b64decode(shot["result"]["data"])
        task.cancel()
    return result
