"""The event loop's executor for blocking calls (name lookups, file writes): none may hold
the exit.  A name lookup that hangs (a dead DNS server) held closing the window, or the
second Ctrl+C, for about 18 s: asyncio waits for its default executor's threads, and the
interpreter joins a ThreadPoolExecutor's at exit.  Here each call has a daemon thread, and
shutting down waits at most ``grace`` seconds; what is still running is abandoned (a lookup's
answer is of no use any more, and every payment stays journaled for reconcile)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class QuickExitExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor by type (asyncio takes no other as its default) that starts none
    of its pooled threads: every call gets a daemon thread of its own."""

    def __init__(self, grace: float = 2.0) -> None:
        super().__init__(max_workers=1, thread_name_prefix="pos-app-unused")
        self._grace = grace
        self._running: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args, **kwargs))
                    except BaseException as exc:  # handed to whoever awaits it
                        future.set_exception(exc)
            finally:
                with self._lock:
                    self._running.discard(threading.current_thread())

        thread = threading.Thread(target=run, name="pos-app-blocking", daemon=True)
        with self._lock:
            self._running.add(thread)
        thread.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if not wait:
            return
        deadline = time.monotonic() + self._grace
        with self._lock:
            running = list(self._running)
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
