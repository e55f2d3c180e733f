"""Deliberate crashes at step boundaries, for the reliability tests (never set in a store).

``POS_APP_CRASH_AT=<where>:<what>[#n]`` kills this process with SIGKILL — no cleanup, no
flush, as a power cut would — the n-th time (default: the first) it reaches:

* ``journal:<event>`` — right after a journal transaction that wrote ``<event>`` committed
  (e.g. ``journal:create_sent``: the intent is on disk, the request not sent yet);
* ``answer:<path>`` — right after a provider answered a request whose path contains
  ``<path>``, before anything of the answer is journaled (the provider acted; we forgot).

Without the variable every check is one comparison with None.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterable

_SPEC = os.environ.get("POS_APP_CRASH_AT") or None
_lock = threading.Lock()
_seen = 0


def _parse(spec: str) -> tuple[str, str, int]:
    point, _, nth = spec.partition("#")
    where, _, what = point.partition(":")
    return where, what, int(nth or 1)


def _crash_if(where: str, matches: bool) -> None:
    global _seen
    if not matches:
        return
    with _lock:
        _seen += 1
        if _seen < _parse(_SPEC or "")[2]:
            return
    os.kill(os.getpid(), signal.SIGKILL)


def journaled(events: Iterable[str]) -> None:
    if _SPEC is None:
        return
    where, what, _ = _parse(_SPEC)
    if where == "journal":
        _crash_if(where, what in events)


def answered(path: str) -> None:
    if _SPEC is None:
        return
    where, what, _ = _parse(_SPEC)
    if where == "answer":
        _crash_if(where, what in path)
