"""``pos-app sandbox``: the training sandboxes as a server."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def cmd_sandbox(args: argparse.Namespace) -> int:
    from pos_app.sandbox.server import serve

    return serve(host=args.host, port=args.port, until_stdin_closes=args.until_stdin_closes)
