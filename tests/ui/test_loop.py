"""The window's event loop (pos_app/ui/loop.py): qasync's, its callbacks on QBasicTimer.

Every async test under tests/ui runs on it (conftest), so the payments' and the screens'
tests exercise it throughout; these pin what the timers themselves promise."""

from __future__ import annotations

import asyncio


async def test_callbacks_run_once_each_in_the_order_they_fall_due() -> None:
    loop = asyncio.get_running_loop()
    ran: list[str] = []
    done = loop.create_future()
    loop.call_later(0.04, done.set_result, None)
    loop.call_later(0.03, ran.append, "later")
    loop.call_later(0.01, ran.append, "sooner")
    loop.call_soon(ran.append, "first")
    loop.call_soon(ran.append, "second")
    await done
    assert ran == ["first", "second", "sooner", "later"]


async def test_a_cancelled_callback_does_not_run() -> None:
    loop = asyncio.get_running_loop()
    ran: list[str] = []
    cancelled = loop.call_later(0.01, ran.append, "cancelled")
    done = loop.create_future()
    loop.call_later(0.03, done.set_result, None)
    cancelled.cancel()
    await done
    assert ran == []

