"""Many registers shipping their journals into one head office on this machine (issue 19).

    uv run python -m tests.bench.bench_chain [--registers 40] [--events 5000] [--senders 16]

Each register is a real SQLite journal filled with events (a day's kinds and sizes) whose
shipper has not sent anything yet: the backlog after an outage.  They all ship at once, in
batches of 500, to the head office's service (``pos-app office serve``, a process of its
own) over loopback HTTP into a throwaway PostgreSQL cluster with fsync on (durable
commits).  Prints the events ingested per second, the time to drain, and what that makes
of the target's outage: 1,000 stores × 2 hours ≈ 14 M events.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from pos_app.headoffice.cluster import free_port

OUTAGE_EVENTS = 14_000_000  # 1,000 stores × 2 hours at a busy chain's rate


def _fill(path: Path, events: int, number: int) -> None:
    """``events`` events as a register writes them, without running the payments: the
    journal's own schema (made by Journal.open), rows inserted directly."""
    start = datetime.now(UTC) - timedelta(hours=2)
    conn = sqlite3.connect(path)
    kinds = ("payment_created", "create_sent", "create_answered", "status", "receipt_printed")
    rows = []
    for i in range(events):
        payment = f"{number:04d}{i // 5:08d}"
        data = {"status": "processed", "amount_minor": 15000 + i % 900, "provider": "paymega",
                "reference": f"T{number}-{i}"}
        rows.append(((start + timedelta(seconds=i * 0.7)).isoformat(timespec="milliseconds"),
                     kinds[i % 5], payment, None, None, None, json.dumps(data)))
    with conn:
        conn.executemany("INSERT INTO events (at, kind, payment_id, operation_id, from_state, "
                         "to_state, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.close()


async def _journals(folder: Path, registers: int, events: int) -> list[Path]:
    from pos_app.core.journal import Journal

    paths = []
    for number in range(registers):
        path = folder / f"register-{number}.sqlite"
        journal = await Journal.open(path)
        await journal.close()
        await asyncio.to_thread(_fill, path, events, number)
        paths.append(path)
    return paths


async def _ship(paths: list[Path], office: str, database_url: str, senders: int) -> float:
    import psycopg

    from pos_app.core.journal import Journal
    from pos_app.headoffice import database
    from pos_app.headoffice.shipper import Retry, Shipper

    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        credentials = [await database.enrol(conn, f"store-{i // 2}", f"till-{i}")
                       for i in range(len(paths))]
    journals = [await Journal.open(path) for path in paths]
    limits = httpx.Limits(max_connections=senders)
    gate = asyncio.Semaphore(senders)

    async def drain(i: int) -> None:
        client = httpx.AsyncClient(base_url=office, limits=limits, timeout=60, headers={
            "authorization": f"Bearer {credentials[i]}"})
        shipper = Shipper(journals[i], client, store_id=f"store-{i // 2}",
                          terminal_id=f"till-{i}")
        more = True
        while more:
            async with gate:
                try:
                    more = await shipper.ship_once()
                except Retry:
                    more = True
        await client.aclose()

    began = time.perf_counter()
    await asyncio.gather(*(drain(i) for i in range(len(paths))))
    took = time.perf_counter() - began
    for journal in journals:
        await journal.close()
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registers", type=int, default=40)
    parser.add_argument("--events", type=int, default=5000, help="per register")
    parser.add_argument("--senders", type=int, default=16, help="batches in flight at once")
    args = parser.parse_args(argv)
    from pos_app.headoffice.cluster import cluster

    with cluster(durable=True) as pg, tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "pos_app", "office", "serve",
                                   "--database", pg.url(), "--port", str(port)],
                                  stderr=subprocess.DEVNULL, env={**os.environ})
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    continue
            made = time.perf_counter()
            paths = asyncio.run(_journals(Path(folder), args.registers, args.events))
            sys.stdout.write(f"{args.registers} journals of {args.events} events made in "
                             f"{time.perf_counter() - made:.1f} s\n")
            took = asyncio.run(_ship(paths, f"http://127.0.0.1:{port}", pg.url(),
                                     args.senders))
        finally:
            server.terminate()
            server.wait(10)
    total = args.registers * args.events
    rate = total / took
    sys.stdout.write(f"drained {total} events from {args.registers} registers in {took:.1f} s: "
                     f"{rate:,.0f} events/s\n")
    sys.stdout.write(f"at this rate the 2-hour outage of 1,000 stores "
                     f"({OUTAGE_EVENTS / 1e6:.0f} M events) drains in "
                     f"{OUTAGE_EVENTS / rate / 60:.1f} min\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
