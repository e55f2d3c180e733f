"""The sandboxes on a loopback socket: how the server is set up."""

from __future__ import annotations

import socket

import httpx

from pos_app.localserver import KEEP_ALIVE_S
from pos_app.sandbox.server import SandboxServer


def test_answers_leave_without_waiting_for_an_ack() -> None:
    """asyncio disables Nagle's algorithm only on sockets created as IPPROTO_TCP; without it
    every answer of the training sandbox waited 40 ms for the client's delayed ACK."""
    with SandboxServer() as server:
        host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port))) as client:
            client.sendall(b"GET /_sandbox/credentials HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(12).startswith(b"HTTP/1.1 200")
        running = server._server
        assert running is not None
        [listener] = [s for srv in running.servers for s in srv.sockets]
        assert listener.proto == socket.IPPROTO_TCP  # so accepted connections get TCP_NODELAY


def test_idle_connections_are_kept_longer_than_the_clients_keep_them() -> None:
    """With equal times (5 s) a client could send on a connection the server was closing:
    "Server disconnected without sending a response" (once in bench_memory)."""
    client_keeps = httpx.Limits().keepalive_expiry
    assert client_keeps is not None
    assert client_keeps < KEEP_ALIVE_S
    with SandboxServer() as server:
        uvicorn_server = server._server
        assert uvicorn_server is not None
        assert uvicorn_server.config.timeout_keep_alive == KEEP_ALIVE_S
