"""A fake OpenAI-compatible chat completions server on loopback, recording what it receives.

Each request pops the next behaviour from `script`: ("ok", content), ("slow", seconds),
("status", code) or ("raw", body). With an empty script it answers ("ok", default).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    def __init__(self, default: str = '{"reply": "ok?", "cited_card_ids": []}') -> None:
        self.script: deque[tuple[str, Any]] = deque()
        self.default = default
        self.received: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.received.append(body)
                kind, value = fake.script.popleft() if fake.script else ("ok", fake.default)
                if kind == "slow":
                    time.sleep(float(value))
                    kind, value = "ok", fake.default
                if kind == "status":
                    self._send(
                        int(value),
                        {"error": {"message": "nope", "type": "server_error"}},
                        {"Retry-After": "0"},
                    )
                elif kind == "raw":
                    self._send_bytes(200, str(value).encode())
                else:
                    self._send(200, completion(str(value), body.get("model", "fake")))

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                self._send_bytes(status, data, headers)

            def _send_bytes(
                self, status: int, data: bytes, headers: dict[str, str] | None = None
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def sent_text(self) -> str:
        """Everything the client sent, as one string, for asserting what left the process."""
        return json.dumps(self.received)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
