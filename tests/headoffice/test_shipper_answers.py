"""Every answer the head office (or the way to it) can give the shipper lands in one class —
taken, try again (Retry), or stop (Stopped) — with the shipper's state as it should be after
it (issue 19; the lesson of a 429 that once stopped a payment from being followed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pos_app.core.events import EventKind
from pos_app.core.journal import Journal
from pos_app.headoffice.shipper import Retry, Shipper, Stopped
from tests.helpers import wait_until

Answer = Callable[[httpx.Request], httpx.Response]


def cut(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("peer closed the connection mid-answer", request=request)


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("no answer in time", request=request)


def refused_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def status(code: int, body: object = None, **headers: str) -> Answer:
    return lambda request: httpx.Response(code, json=body, headers=headers)


CASES: list[tuple[str, Answer, type[Exception] | None, dict[str, object]]] = [
    ("taken", status(200, {"cursor": 3}), None, {"cursor": 3, "backlog": 0}),
    ("refused: restored", status(200, {"cursor": 0, "refused": "restored"}), Stopped,
     {"cursor": 0}),
    ("an unreadable 200", lambda r: httpx.Response(200, text="<html>proxy</html>"), Retry,
     {"cursor": 0}),
    ("400 unreadable batch", status(400, {"error": "unreadable batch"}), Stopped,
     {"cursor": 0}),
    ("401", status(401, {"error": "unknown or revoked terminal credential"}), Stopped,
     {"cursor": 0}),
    ("403", status(403, {"error": "this journal belongs to another terminal"}), Stopped,
     {"cursor": 0}),
    ("409 gap", status(409, {"error": "gap", "cursor": 2}), Retry, {"cursor": 2}),
    ("413", status(413, {"error": "the batch is too large"}), Retry,
     {"cursor": 0, "_batch_events": 250}),
    ("429", status(429, {"error": "slow down"}, **{"retry-after": "30"}), Retry,
     {"cursor": 0, "after_s": 30.0}),
    ("500", status(500, {"error": "boom"}), Retry, {"cursor": 0}),
    ("502 from a proxy", lambda r: httpx.Response(502, text="Bad Gateway"), Retry,
     {"cursor": 0}),
    ("503", status(503, {"error": "the database is unreachable"}), Retry, {"cursor": 0}),
    ("connection refused", refused_connection, Retry, {"cursor": 0}),
    ("timeout", timeout, Retry, {"cursor": 0}),
    ("cut answer", cut, Retry, {"cursor": 0}),
]


@pytest.mark.parametrize(("answer", "expected", "state"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
async def test_each_answer_has_its_class_and_end_state(
        tmp_path: Path, answer: Answer, expected: type[Exception] | None,
        state: dict[str, object]) -> None:
    journal = await Journal.open(tmp_path / "journal.sqlite")
    try:
        for i in range(3):
            await journal.log_event(EventKind.RECEIPT_PRINTED, data={"copy": i})

        def route(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":  # the cursor: none yet
                return httpx.Response(200, json={"cursor": 0})
            return answer(request)

        client = httpx.AsyncClient(base_url="https://office.test",
                                   transport=httpx.MockTransport(route))
        shipper = Shipper(journal, client, store_id="S", terminal_id="T")
        caught: Exception | None = None
        try:
            more = await shipper.ship_once()
            assert more is False
        except (Retry, Stopped) as exc:
            caught = exc
        assert type(caught) is expected if expected else caught is None
        for name, value in state.items():
            if name == "after_s":
                assert isinstance(caught, Retry)
                assert caught.after_s == value
            else:
                assert getattr(shipper, name) == value, name
        await client.aclose()
    finally:
        await journal.close()


async def test_woken_it_sends_at_once_not_after_its_back_off(tmp_path: Path) -> None:
    """A walk: the head office was back and the releases reached it, yet the tab said "does
    not answer" for the rest of the shipper's back-off."""
    from pos_app.backoff import Backoff

    journal = await Journal.open(tmp_path / "journal.sqlite")
    await journal.log_event(EventKind.RECEIPT_PRINTED, data={"copy": 1})
    up = False

    def route(request: httpx.Request) -> httpx.Response:
        if not up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.method == "GET":
            return httpx.Response(200, json={"cursor": 0})
        return httpx.Response(200, json={"cursor": 1})

    client = httpx.AsyncClient(base_url="https://office.test",
                               transport=httpx.MockTransport(route))
    shipper = Shipper(journal, client, store_id="S", terminal_id="T",
                      backoff=Backoff(first_s=600, cap_s=600))
    shipper.start()
    try:
        # The first try failed: 5 to 10 minutes to wait.
        await wait_until(lambda: shipper.trouble is not None)
        up = True
        shipper.wake()
        await wait_until(lambda: shipper.trouble is None and shipper.cursor == 1)
    finally:
        await shipper.stop(flush_s=0)
        await journal.close()

