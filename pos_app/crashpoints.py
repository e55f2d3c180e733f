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
from collections.abc import Callable, Iterable

_SPEC = os.environ.get("POS_APP_CRASH_AT") or None
_lock = threading.Lock()
_seen = 0


def _parse(spec: str) -> tuple[str, str, int]:
    point, _, nth = spec.partition("#")
    where, _, what = point.partition(":")
    return where, what, int(nth or 1)


def _crash_if(where: str, matches: Callable[[str], bool]) -> None:
    """SIGKILL when the spec names ``where`` and its ``what`` matches, the n-th time."""
    global _seen
    if _SPEC is None:
        return
    spec_where, what, nth = _parse(_SPEC)
    if spec_where != where or not matches(what):
        return
    with _lock:
        _seen += 1
        if _seen < nth:
            return
    os.kill(os.getpid(), signal.SIGKILL)


def journaled(events: Iterable[str]) -> None:
    _crash_if("journal", lambda what: what in events)


def answered(path: str) -> None:
    _crash_if("answer", lambda what: what in path)
