"""A Koshelek TOTP bridge program that asks a running sandbox (for integration tests).

Real deployments configure ``providers.koshelek.totp_command`` to run a bridge
around Koshelek's private library.  To run live mode against ``pos-app sandbox``,
configure instead::

    totp_command = ["python", "-m", "pos_app.providers.koshelek.totp_bridge", "--sandbox", "http://127.0.0.1:PORT"]

It speaks the same protocol: ``token`` prints a token, ``verify BARCODE`` prints
the ``barcodeVerify`` result as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import httpx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="totp_bridge")
    parser.add_argument("--sandbox", required=True, help="base URL of a running pos-app sandbox")
    parser.add_argument("action", choices=("token", "verify"))
    parser.add_argument("barcode", nargs="?", default="")
    args = parser.parse_args(argv)
    with httpx.Client(base_url=args.sandbox, timeout=5) as client:
        if args.action == "token":
            response = client.get("/_sandbox/koshelek/token")
            response.raise_for_status()
            sys.stdout.write(response.json()["token"] + "\n")
        else:
            response = client.post("/_sandbox/koshelek/verify", json={"barcode": args.barcode})
            response.raise_for_status()
            sys.stdout.write(json.dumps(response.json()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
