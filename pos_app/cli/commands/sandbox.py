"""``pos-app sandbox``: the training sandboxes as a server."""

from __future__ import annotations

import argparse

from msgspec import Struct


class SandboxOptions(Struct, frozen=True):
    """``pos-app sandbox`` has none of the common options."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port (said in the first line printed)
    until_stdin_closes: bool = False  # started by a register: end with it

    @classmethod
    def of(cls, line: argparse.Namespace) -> SandboxOptions:
        return cls(host=line.host, port=line.port, until_stdin_closes=line.until_stdin_closes)


def cmd_sandbox(line: argparse.Namespace) -> int:
    from pos_app.sandbox.server import serve

    args = SandboxOptions.of(line)
    return serve(host=args.host, port=args.port, until_stdin_closes=args.until_stdin_closes)
