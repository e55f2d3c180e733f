"""All provider sandboxes under one ASGI app, plus the ``/_sandbox`` control routes.

``/koshelek/...``, and (as they are added) ``/paymega/...`` and ``/pegas/...``
follow their specs; ``/_sandbox/...`` is not part of any provider's API: it lets a
trainer, a test or a script play the customer and inject faults.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from pos_app.sandbox.common import JSONResponse, read_body
from pos_app.sandbox.faults import Fault, FaultInjector
from pos_app.sandbox.koshelek import PREFIX as KOSHELEK
from pos_app.sandbox.koshelek import TRAINING_STORE, Behaviour, KoshelekSandbox
from pos_app.sandbox.paymega import INTERNAL_ERROR, PaymegaSandbox
from pos_app.sandbox.paymega import PREFIX as PAYMEGA
from pos_app.sandbox.pegas import PREFIX as PEGAS
from pos_app.sandbox.pegas import PegasSandbox


@dataclass
class Sandbox:
    """The sandboxes' state, reachable from tests and from the control routes."""

    koshelek: KoshelekSandbox = field(default_factory=KoshelekSandbox)
    paymega: PaymegaSandbox = field(default_factory=PaymegaSandbox)
    pegas: PegasSandbox = field(default_factory=PegasSandbox)
    base_url: str = "http://sandbox"
    faults: FaultInjector | None = None

    def credentials(self) -> dict[str, Any]:
        """What a register needs to talk to these sandboxes (training values, not secrets)."""
        return {
            "base_url": self.base_url,
            "koshelek": {
                "base_url": f"{self.base_url}{KOSHELEK}",
                "login": self.koshelek.login,
                "password": self.koshelek.password,
                "store_id": TRAINING_STORE,
                "token_url": f"{self.base_url}/_sandbox/koshelek/token",
                "wallet_page": f"{self.base_url}{KOSHELEK}/wallet",
            },
            "paymega": {
                "base_url": f"{self.base_url}{PAYMEGA}",
                "login": self.paymega.login,
                "password": self.paymega.password,
                "public_key": self.paymega.public_key,
                "secret_key": self.paymega.secret_key,
                "hpp_url": f"{self.base_url}{PAYMEGA}/hpp/",
            },
            "pegas": {
                "base_url": f"{self.base_url}{PEGAS}/api/v1",
                "token": self.pegas.token,
            },
        }


def build_app(sandbox: Sandbox | None = None, *, in_process: bool = False) -> tuple[FaultInjector,
                                                                                      Sandbox]:
    """The ASGI app (wrapped in the fault injector) and its state."""
    state = sandbox or Sandbox()
    state.paymega.base_url = f"{state.base_url}{PAYMEGA}"
    state.pegas.base_url = f"{state.base_url}{PEGAS}"
    routes = [
        Mount(KOSHELEK, app=state.koshelek.routes()),
        Mount(PAYMEGA, app=state.paymega.app()),
        Mount(PEGAS, app=state.pegas.app()),
        Mount("/_sandbox", routes=_control_routes(state) + _paymega_control(state)
              + _pegas_control(state)),
    ]
    app = Starlette(routes=routes)
    injector = FaultInjector(app, in_process=in_process, error_bodies={
        PAYMEGA: lambda status: {**INTERNAL_ERROR, "errors": [
            {**INTERNAL_ERROR["errors"][0], "code": str(status)}]},
        PEGAS: {"errors": [{"code": "internal_error", "message": "Internal error"}]}})
    state.faults = injector
    return injector, state


def _paymega_control(state: Sandbox) -> list[Route]:
    p = state.paymega

    async def invoices(request: Request) -> Response:
        with p._lock:
            for invoice in p.invoices.values():
                p.advance(invoice)
            return JSONResponse([{"id": i.id, "reference_id": i.reference_id,
                                  "status": i.status, "resolution": i.resolution,
                                  "amount": str(i.amount), "service": i.service.code,
                                  "refunded_amount": str(i.refunded_amount or 0),
                                  "payer_page": f"{p.base_url}/emulator/pay/{i.sid}"}
                                 for i in p.invoices.values()])

    async def decide(request: Request) -> Response:
        body, _ = await read_body(request)
        body = body if isinstance(body, dict) else {}
        outcome = request.path_params["outcome"]
        with p._lock:
            invoice = p.invoices.get(request.path_params["id"])
            if invoice is None:
                return JSONResponse({"error": "no such invoice"}, status_code=404)
            p.advance(invoice)
            if invoice.status != "process_pending":
                return JSONResponse({"changed": False, "status": invoice.status})
            if outcome == "pay":
                amount = Decimal(str(body["amount"])) if body.get("amount") else None
                p.pay(invoice, amount)
            elif outcome == "fail":
                p.finish(invoice, "process_failed", str(body.get("resolution", "declined")))
            elif outcome == "expire":
                p.finish(invoice, p.expiry_status, "expired")
            else:
                return JSONResponse({"error": "use pay, fail or expire"}, status_code=404)
            status = invoice.status
        p.ensure_worker()
        return JSONResponse({"changed": True, "status": status})

    async def behaviour(request: Request) -> Response:
        body, _ = await read_body(request)
        if isinstance(body, dict) and body.get("mode") in ("pay", "decline", "never"):
            p.auto = {"mode": body["mode"], "delay_ms": int(body.get("delay_ms", 3000))}
        elif request.method == "POST":
            return JSONResponse({"error": "mode: pay, decline or never"}, status_code=400)
        return JSONResponse(p.auto)

    async def settings(request: Request) -> Response:
        body, _ = await read_body(request)
        allowed = {"expiry_status", "public_creation", "refunds_enabled", "refund_delay_s",
                   "callback_url", "callback_mode", "time_scale", "test_delay_s"}
        for key, value in (body if isinstance(body, dict) else {}).items():
            if key not in allowed:
                return JSONResponse({"error": f"unknown setting {key}"}, status_code=400)
            setattr(p, key, value)
        return JSONResponse({key: getattr(p, key) for key in sorted(allowed)})

    async def clock(request: Request) -> Response:
        body, _ = await read_body(request)
        body = body if isinstance(body, dict) else {}
        if "now" in body:
            p.clock_offset = float(body["now"]) - time.time()
        p.clock_offset += float(body.get("advance_s", 0))
        return JSONResponse({"now": p.now()})

    async def callbacks(request: Request) -> Response:
        return JSONResponse(p.delivered)

    return [
        Route("/paymega/invoices", invoices, methods=["GET"]),
        Route("/paymega/invoices/{id}/{outcome:str}", decide, methods=["POST"]),
        Route("/paymega/behaviour", behaviour, methods=["GET", "POST"]),
        Route("/paymega/settings", settings, methods=["GET", "POST"]),
        Route("/paymega/clock", clock, methods=["POST"]),
        Route("/paymega/callbacks", callbacks, methods=["GET"]),
    ]


def _pegas_control(state: Sandbox) -> list[Route]:
    g = state.pegas

    async def transactions(request: Request) -> Response:
        with g._lock:
            for txn in g.transactions.values():
                g.advance(txn)
            return JSONResponse([{**txn.public(), "url": txn.url, "wallet": txn.wallet,
                                  "card": txn.card} for txn in g.transactions.values()])

    async def decide(request: Request) -> Response:
        outcome = request.path_params["outcome"]
        with g._lock:
            txn = g.transactions.get(request.path_params["id"])
            if txn is None:
                return JSONResponse({"error": "no such transaction"}, status_code=404)
            if outcome == "pay":
                changed = g.pay(txn)
            elif outcome in ("fail", "expire"):
                changed = g.fail(txn, expire=outcome == "expire")
            else:
                return JSONResponse({"error": "use pay, fail or expire"}, status_code=404)
            status = txn.status
        g.ensure_worker()
        return JSONResponse({"changed": changed, "status": status})

    async def behaviour(request: Request) -> Response:
        body, _ = await read_body(request)
        if isinstance(body, dict) and body.get("mode") in ("pay", "decline", "never"):
            g.auto = {"mode": body["mode"], "delay_ms": int(body.get("delay_ms", 3000))}
        elif request.method == "POST":
            return JSONResponse({"error": "mode: pay, decline or never"}, status_code=400)
        return JSONResponse(g.auto)

    async def settings(request: Request) -> Response:
        body, _ = await read_body(request)
        allowed = {"assumed_endpoints", "receipt_delay_s", "provider_error_types",
                   "withdrawal_delay_s", "callback_url", "time_scale", "default_ttl_minutes"}
        for key, value in (body if isinstance(body, dict) else {}).items():
            if key in ("balance", "commission_rate"):
                setattr(g, key, Decimal(str(value)))
            elif key in allowed:
                setattr(g, key, value)
            else:
                return JSONResponse({"error": f"unknown setting {key}"}, status_code=400)
        return JSONResponse({**{key: getattr(g, key) for key in sorted(allowed)},
                             "balance": str(g.balance), "commission_rate": str(g.commission_rate)})

    return [
        Route("/pegas/transactions", transactions, methods=["GET"]),
        Route("/pegas/transactions/{id:int}/{outcome:str}", decide, methods=["POST"]),
        Route("/pegas/behaviour", behaviour, methods=["GET", "POST"]),
        Route("/pegas/settings", settings, methods=["GET", "POST"]),
    ]


def _control_routes(state: Sandbox) -> list[Route]:
    k = state.koshelek

    async def credentials(request: Request) -> Response:
        return JSONResponse(state.credentials())

    async def koshelek_session(request: Request) -> Response:
        body, _ = await read_body(request)
        body = body if isinstance(body, dict) else {}
        try:
            behaviour = Behaviour(**body["behaviour"]) if body.get("behaviour") else None
        except (TypeError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        session = k.new_session(registered=bool(body.get("register", True)),
                                pay_available=bool(body.get("pay_available", True)),
                                behaviour=behaviour)
        return JSONResponse(session)

    async def koshelek_verify(request: Request) -> Response:
        body, _ = await read_body(request)
        barcode = body.get("barcode", "") if isinstance(body, dict) else ""
        return JSONResponse(k.verify(str(barcode)))

    async def koshelek_token(request: Request) -> Response:
        return JSONResponse({"token": k.token()})

    async def koshelek_behaviour(request: Request) -> Response:
        body, _ = await read_body(request)
        if request.method == "POST":
            try:
                k.behaviour = Behaviour(**(body if isinstance(body, dict) else {}))
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(vars(k.behaviour))

    async def koshelek_transactions(request: Request) -> Response:
        return JSONResponse(k.snapshot())

    async def koshelek_force(request: Request) -> Response:
        body, _ = await read_body(request)
        error_code = body.get("errorCode") if isinstance(body, dict) else None
        if request.path_params["outcome"] not in ("approve", "decline"):
            return JSONResponse({"error": "use approve or decline"}, status_code=404)
        try:
            changed = k.force(request.path_params["id"], request.path_params["outcome"],
                              error_code)
        except KeyError:
            return JSONResponse({"error": "no such transaction"}, status_code=404)
        return JSONResponse({"changed": changed})

    async def koshelek_stores(request: Request) -> Response:
        body, _ = await read_body(request)
        if isinstance(body, dict) and body.get("storeId"):
            k.stores.add(str(body["storeId"]))
        return JSONResponse(sorted(k.stores))

    async def faults(request: Request) -> Response:
        assert state.faults is not None
        if request.method == "DELETE":
            state.faults.clear()
        elif request.method == "POST":
            body, _ = await read_body(request)
            try:
                state.faults.add(Fault(**(body if isinstance(body, dict) else {})))
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(state.faults.active())

    return [
        Route("/credentials", credentials, methods=["GET"]),
        Route("/koshelek/sessions", koshelek_session, methods=["POST"]),
        Route("/koshelek/verify", koshelek_verify, methods=["POST"]),
        Route("/koshelek/token", koshelek_token, methods=["GET"]),
        Route("/koshelek/behaviour", koshelek_behaviour, methods=["GET", "POST"]),
        Route("/koshelek/transactions", koshelek_transactions, methods=["GET"]),
        Route("/koshelek/transactions/{id}/{outcome:str}", koshelek_force, methods=["POST"]),
        Route("/koshelek/stores", koshelek_stores, methods=["GET", "POST"]),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
    ]
