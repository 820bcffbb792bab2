"""ANCHOR_CHROMA_URL: the dense index in a Chroma server started with `chroma run` on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge.embed import Embedder
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.retrieve import Retriever
from tests.helpers import write_card

pytestmark = pytest.mark.chroma_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("chroma run did not start")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_index_lives_in_a_chroma_server(
    tmp_path: Path, chroma_url: str, embedder: Embedder
) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    write_card(kb, "trust-card", title="Building trust between partners")
    write_card(
        kb, "wellbeing-card", title="Looking after yourself when exhausted", tags=["wellbeing"]
    )
    index = KnowledgeIndex(kb, tmp_path / "idx", chroma_url=chroma_url, embedder=embedder)
    first = index.build()
    assert first.embedded == first.chunks > 0
    assert not (tmp_path / "idx" / "chroma").exists()  # nothing embedded locally
    again = KnowledgeIndex(kb, tmp_path / "idx2", chroma_url=chroma_url, embedder=embedder).build()
    assert again.embedded == 0  # a second replica finds the vectors already on the server
    retriever = Retriever.open(
        KnowledgeIndex(kb, tmp_path / "idx", chroma_url=chroma_url, embedder=embedder)
    )
    hits = retriever.search("I am exhausted and need to look after myself", k=2, method="dense")
    assert hits[0].card_id == "wellbeing-card"
