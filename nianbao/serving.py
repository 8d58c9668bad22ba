"""What every way into the assistant from outside shares (the app, the OpenAI-compatible endpoint, the MCP server):
who may reach a server without a key, and how a conversation's earlier questions become a follow-up's history."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
from collections.abc import Callable, Sequence

from answering.limits import MAX_REPLAYED_TURNS
from answering.models import Answer


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve anywhere
        return False


def replay(ask: Callable[..., Answer], question: str, earlier: Sequence[str]) -> Answer:
    """Ask `question` after the last MAX_REPLAYED_TURNS earlier questions, each answered in turn, so “那2020年呢？”
    reads as in the app. The questions are replayed rather than the answers' text read back: a client may keep any
    part of the text, and replaying gives back the plans the follow-up leans on."""
    history: list[Answer] = []
    for turn in list(earlier)[-MAX_REPLAYED_TURNS:]:
        history.append(ask(turn, history=list(history)))
    return ask(question, history=history)


def free_port() -> int:
    """A port on loopback nobody listens on now (for servers the load bench and the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server started as a child: asked first, killed if it does not go within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
