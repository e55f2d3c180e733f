"""The register's side: its live journal shipped to the head office, in batches, forever.

The shipper reads the journal on a read-only connection of its own (``Journal.read_apart``)
and never touches the payment service: a head office that is down, slow or refusing never
slows a sale.  The head office owns the cursor; each batch starts at the last event it has
(sent again, so a journal that went another way — a backup restored — is recognised) and
the answer says where to go on.  Every answer maps to one of:

- taken: go on at once while there is more, else wait for new events;
- ``refused`` in the answer (restored, diverged): stop for good, and say so (the log, and
  :attr:`Shipper.stopped`) — a person decides;
- 400/401/403 (a batch it cannot read, a credential unknown or revoked, another terminal's
  journal): stop, and say so — the same request would be refused again;
- 409 (a gap): go on from the cursor the answer gives;
- 413 (too large): go on with batches half as large;
- anything else (no connection, a timeout, a cut or unreadable answer, 5xx, 429): back off
  with jitter, at least as long as a Retry-After asks, and try again (:data:`BACKOFF`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec

from pos_app.backoff import Backoff
from pos_app.core.journal import Journal, shipping
from pos_app.headoffice.wire import Answer, Batch, Event, Row

log = logging.getLogger(__name__)

BATCH_EVENTS = 500
BACKOFF = Backoff(first_s=1.0, cap_s=300.0)  # an outage of hours: every 5 minutes at most
IDLE_S = 5.0  # how often an idle register looks for new events
FLUSH_S = 2.0  # what is left is sent for this long when the register closes
STOPPED_CODES = {400: "unreadable", 401: "credential", 403: "another_terminal"}


class Stopped(Exception):
    """The head office will take nothing more from this journal until a person acts.
    ``code``: ``restored`` or ``diverged`` (the journal), ``credential`` (401: unknown or
    revoked), ``another_terminal`` (403), ``unreadable`` (400)."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.code = code


class Shipper:
    """Ships ``journal`` (a live one: training journals are never shipped) to ``client``'s
    head office (``base_url`` and the terminal's credential set on the client)."""

    def __init__(self, journal: Journal, client: httpx.AsyncClient, *, store_id: str,
                 terminal_id: str, backoff: Backoff = BACKOFF, idle_s: float = IDLE_S,
                 batch_events: int = BATCH_EVENTS,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._journal = journal
        self.client = client  # the head office's (releases are asked for on it too)
        self._store_id, self._terminal_id = store_id, terminal_id
        self._backoff = backoff
        self._idle_s = idle_s
        self._batch_events = batch_events
        self._now = now
        self.cursor: int | None = None  # the head office's, once asked
        self.backlog = 0  # events not shipped yet, as last seen
        self.stopped: str | None = None  # why the head office takes nothing more (English)
        self.stopped_code: str | None = None  # …as Stopped.code, for a window to say it
        self.reached_at: datetime | None = None  # its last answer understood
        self.trouble: str | None = None  # why the last try did not get through (English)
        self._task: asyncio.Task[None] | None = None
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """The head office answers again (the releases reached it): try now, not at the end
        of the back-off (the tab said "does not answer" for a minute after it did)."""
        self._woken.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), seconds)
        self._woken.clear()

    def start(self) -> None:
        """:meth:`run` in the background, until :meth:`stop`."""
        self._task = asyncio.get_running_loop().create_task(self.run(), name="shipper")

    async def stop(self, *, flush_s: float = FLUSH_S) -> None:
        """Stop shipping, after sending what is left for up to ``flush_s`` (a command-line
        register lives for one command); the rest goes at the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if flush_s > 0 and self.stopped is None:
            with contextlib.suppress(Retry, Stopped, TimeoutError):
                await asyncio.wait_for(self._flush(), flush_s)
        await self.client.aclose()

    async def _flush(self) -> None:
        while await self.ship_once():
            pass

    async def run(self) -> None:
        """Ship until cancelled (or :class:`Stopped`, logged)."""
        failures = 0
        while True:
            try:
                more = await self.ship_once()
                failures, self.trouble = 0, None
            except Stopped as exc:
                self.stopped, self.stopped_code = str(exc), exc.code
                log.error("head office: shipping stopped: %s", exc)
                return
            except Retry as exc:
                failures += 1
                self.trouble = str(exc)
                wait = self._backoff.delay(failures, asked_s=exc.after_s)
                log.warning("head office: %s; trying again in %.0f s", exc, wait)
                await self._pause(wait)
                continue
            if not more:
                await asyncio.sleep(self._idle_s)

    async def ship_once(self) -> bool:
        """Send one batch; True when more events are waiting.  Raises Stopped, or Retry for
        what a later try may get through."""
        uuid = await self._journal.read_apart(shipping.journal_uuid)
        if self.cursor is None:
            self.cursor = (await self._call("GET", f"/v1/journals/{uuid}")).cursor
        cursor = self.cursor
        batch = await self._journal.read_apart(lambda conn: self._batch(conn, cursor))
        if batch.last_seq == cursor:  # all there (a file behind the cursor is sent: refused)
            self.backlog = 0
            return False
        self.backlog = batch.last_seq - cursor  # what waits, also while nothing is taken
        answer = await self._call("POST", f"/v1/journals/{uuid}/batches",
                                  content=msgspec.json.encode(batch))
        self.cursor = answer.cursor
        self.backlog = batch.last_seq - answer.cursor
        return self.backlog > 0

    def _batch(self, conn: Any, cursor: int) -> Batch:
        # From the last event the head office has: it compares that one, and so knows a
        # journal restored from a backup, or one that went another way.
        events = shipping.events_after(conn, max(cursor - 1, 0), self._batch_events + 1)
        last = shipping.last_seq(conn)
        rows = shipping.rows_described(conn, (e for e in events if e["seq"] > cursor))
        return Batch(store_id=self._store_id, terminal_id=self._terminal_id, last_seq=last,
                     from_cursor=cursor,
                     events=[Event(**e) for e in events],
                     rows=[Row(**r) for r in rows], rows_as_of=last,
                     sent_at=self._now().isoformat())

    async def _call(self, method: str, path: str, content: bytes | None = None) -> Answer:
        response = await send(self.client, method, path, content=content)
        if response.status_code == 413 and self._batch_events > 1:
            self._batch_events = max(self._batch_events // 2, 1)  # smaller batches
            raise Retry(f"the batch is too large: {self._batch_events} events from now on")
        if response.status_code == 409:
            cursor = _json(response).get("cursor")
            if isinstance(cursor, int):
                self.cursor = cursor
            raise Retry("a gap: sending from the head office's cursor")
        refuse_or_retry(response)
        try:
            answer = msgspec.json.decode(response.content, type=Answer)
        except msgspec.DecodeError:
            raise Retry("an unreadable answer") from None
        self.reached_at = self._now()
        if answer.refused:
            raise Stopped(f"the head office refuses this journal ({answer.refused}): "
                          "it is behind or unlike what was received (a backup restored?)",
                          code=answer.refused)
        return answer


async def send(client: httpx.AsyncClient, method: str, path: str, *,
               content: bytes | None = None) -> httpx.Response:
    """The head office's answer; Retry when there is none (no connection, a timeout, a cut
    answer)."""
    try:
        return await client.request(method, path, content=content, headers={
            "content-type": "application/json"} if content else None)
    except httpx.HTTPError as exc:
        raise Retry(f"no answer ({type(exc).__name__})") from None


def refuse_or_retry(response: httpx.Response) -> None:
    """Nothing for a 200.  Stopped for 400/401/403 (asked again, it is refused again: a
    request it cannot read, a credential unknown or revoked, another terminal's journal);
    Retry for anything else (429/503 not before their Retry-After)."""
    code = response.status_code
    if code == 200:
        return
    if code in (400, 401, 403):
        raise Stopped(_reason(response), code=STOPPED_CODES[code])
    raise Retry(f"HTTP {code}", after_s=_retry_after(response) if code in (429, 503) else None)


class Retry(Exception):
    """Not taken this time; the same batch may get through later (``after_s``: not before,
    as the head office asked)."""

    def __init__(self, reason: str, *, after_s: float | None = None) -> None:
        super().__init__(reason)
        self.after_s = after_s


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isascii() and value.isdigit() else None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _reason(response: httpx.Response) -> str:
    reason = _json(response).get("error")
    return f"HTTP {response.status_code}: {reason if isinstance(reason, str) else 'refused'}"
