"""A fourth provider, whole in one folder: what adding a provider takes (the registry line is
added by ``tests/test_fourth_provider.py``).  "Fourth Pay" issues a payment link for the QR;
the payer pays it on their phone.  Its wire is deliberately small: ``POST /payments``
(``{"key", "amount_minor"}`` → ``{"id", "status", "url"}``), ``GET /payments/{id}``, and a
``?key=`` lookup for recovery."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

import httpx
from msgspec.structs import replace
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.i18n import Message
from pos_app.providers.base import (
    Capabilities,
    Limits,
    PaymentRef,
    PaymentRequest,
    PollPolicy,
    RefundRequest,
    RemoteOperation,
    RemotePayment,
    RemoteState,
)
from pos_app.providers.errors import NotFound, OutcomeUnknown
from pos_app.providers.http import build_client
from pos_app.providers.registry import (
    BuildContext,
    CallbackCheck,
    PayOption,
    ProviderPlugin,
    Secret,
)
from pos_app.providers.settings import ProviderSettings, Section, read_common
from pos_app.redact import same_secret
from pos_app.ui.qt import QSpinBox
from pos_app.ui.settings_box import ProviderBox

STATES = {"pending": RemoteState.PENDING, "paid": RemoteState.PAID,
          "failed": RemoteState.DECLINED}


class FourthSettings(ProviderSettings, frozen=True):
    provider: ClassVar[str] = "fourth"

    lifetime_minutes: int = 10


def read_settings(section: Section, currency: str) -> FourthSettings:
    return FourthSettings(**read_common(section, currency=currency, min_default=100,
                                        max_default=100_000_00),
                          lifetime_minutes=section.whole("lifetime_minutes", 10, lo=1, hi=60))


class FourthProvider:
    id = "fourth"
    display_name = "Fourth Pay"
    payment_hint = Message("Payment", "The customer scans a QR code and pays on their phone.")
    options_widget: str | None = None
    private_options: frozenset[str] = frozenset()
    capabilities = Capabilities(register_shows_qr=True)

    def __init__(self, http: httpx.AsyncClient, settings: FourthSettings) -> None:
        self._http = http
        self.limits = Limits(settings.min_amount_minor, settings.max_amount_minor)
        self.lifetime: timedelta | None = timedelta(minutes=settings.lifetime_minutes)
        self.poll_policy = PollPolicy(first_delay=0.05, interval=0.05, slow_interval=0.5,
                                      slow_after=self.lifetime.total_seconds())

    def new_payment_key(self, payment_id: str) -> str:
        return f"f4-{payment_id}"

    def new_operation_key(self, payment_id: str, kind: str) -> str:
        return f"f4-{payment_id}-{kind}"

    async def prepare(self, options: Mapping[str, str]) -> Mapping[str, str]:
        return options

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(Message("Provider", "No answer."), code="NETWORK") from exc
        if response.status_code == 404:
            raise NotFound(Message("Provider", "Not found."), code="404")
        if response.status_code != 200:
            raise OutcomeUnknown(Message("Provider", "No answer."), code=str(response.status_code))
        return response.json()

    def _remote(self, data: Mapping[str, Any]) -> RemotePayment:
        return RemotePayment(state=STATES[data["status"]], provider_ref=data["id"],
                             raw_status=data["status"], payer_url=data["url"])

    async def create(self, request: PaymentRequest) -> RemotePayment:
        return self._remote(await self._call("POST", "/payments", json={
            "key": request.key, "amount_minor": request.amount_minor}))

    async def recover(self, request: PaymentRequest) -> RemotePayment | None:
        found = await self._call("GET", "/payments", params={"key": request.key})
        return self._remote(found) if found else None

    async def status(self, ref: PaymentRef) -> RemotePayment:
        return self._remote(await self._call("GET", f"/payments/{ref.provider_ref}"))

    async def cancel(self, ref: PaymentRef, key: str) -> RemoteOperation:
        raise NotImplementedError  # capabilities: no cancel

    async def refund(self, ref: PaymentRef, request: RefundRequest) -> RemoteOperation:
        raise NotImplementedError  # capabilities: no refund

    async def operation_status(self, ref: PaymentRef, op_ref: str) -> RemoteOperation:
        raise NotImplementedError

    async def warm_up(self) -> None:
        """Nothing to learn before the first payment: its limits are the configured ones."""

    async def probe(self) -> Message:
        await self._call("GET", "/payments", params={"key": "-"})
        return Message("Provider", "Connected.")

    async def aclose(self) -> None:
        await self._http.aclose()


class FourthSandbox:
    """Fourth Pay's double: payments in memory; the training payer decides them."""

    name = "fourth"
    base_url = "http://sandbox/fourth"

    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def bind(self, base_url: str) -> None:
        self.base_url = base_url

    def credentials(self) -> dict[str, str]:
        return {"base_url": self.base_url, "api_key": "f4-training-key"}

    def error_body(self, status: int) -> Any:
        return None

    def app(self) -> Starlette:
        async def create(request: Request) -> Response:
            body = await request.json()
            for payment in self.payments.values():
                if payment["key"] == body["key"]:  # the same key: the same payment
                    return JSONResponse(payment)
            ref = f"P{next(self._ids):05d}"
            self.payments[ref] = {"id": ref, "key": body["key"], "status": "pending",
                                  "amount_minor": body["amount_minor"],
                                  "url": f"{self.base_url}/pay/{ref}"}
            return JSONResponse(self.payments[ref])

        async def find(request: Request) -> Response:
            key = request.query_params.get("key")
            found = [p for p in self.payments.values() if p["key"] == key]
            return JSONResponse(found[0] if found else None)

        async def read(request: Request) -> Response:
            payment = self.payments.get(request.path_params["id"])
            return JSONResponse(payment, status_code=200 if payment else 404)

        return Starlette(routes=[Route("/payments", create, methods=["POST"]),
                                 Route("/payments", find, methods=["GET"]),
                                 Route("/payments/{id}", read, methods=["GET"])])

    def control_routes(self) -> list[BaseRoute]:
        async def decide(request: Request) -> Response:
            payment = self.payments[request.path_params["id"]]
            if payment["status"] == "pending":  # a decided payment stays as it is
                payment["status"] = {"pay": "paid"}.get(request.path_params["outcome"],
                                                        "failed")
            return JSONResponse(payment)

        return [Route("/payments/{id}/{outcome}", decide, methods=["POST"])]


class FourthBox(ProviderBox):
    def add_options(self) -> None:
        spin = QSpinBox()
        spin.setRange(1, 60)
        self.add_option("lifetime_minutes", spin)

    def option_texts(self) -> dict[str, str]:
        return {"lifetime_minutes": "Link lifetime, minutes"}

    def load_options(self, settings: FourthSettings) -> None:
        spin = self.options["lifetime_minutes"]
        assert isinstance(spin, QSpinBox)
        spin.setValue(settings.lifetime_minutes)

    def read_options(self, settings: FourthSettings) -> dict[str, Any]:
        spin = self.options["lifetime_minutes"]
        assert isinstance(spin, QSpinBox)
        return {"lifetime_minutes": spin.value()}


class FourthPlugin:
    name = "fourth"
    title = "Fourth Pay"
    settings_type = FourthSettings
    secrets: tuple[str, ...] = ("api_key",)
    listener_secrets: tuple[str, ...] = ()
    methods: Mapping[str, Message] = {}  # its services' codes, shown as they are
    pay_options: tuple[PayOption, ...] = ()

    def read_settings(self, section: Section, currency: str) -> FourthSettings:
        return read_settings(section, currency)

    def needed_secrets(self, settings: FourthSettings) -> tuple[str, ...]:
        return self.secrets

    def live_problems(self, settings: FourthSettings) -> list[Message]:
        return []

    def build(self, settings: FourthSettings, context: BuildContext) -> FourthProvider:
        http = build_client(base_url=settings.base_url, settings=settings.http,
                            live=context.live, what="providers.fourth.base_url",
                            transport=context.transport)
        http.headers["X-Api-Key"] = context.secret("api_key") or ""
        return FourthProvider(http, settings)

    def for_training(self, settings: FourthSettings,
                     credentials: Mapping[str, str]) -> FourthSettings:
        return replace(settings, enabled=True, base_url=credentials["base_url"])

    def callback(self, secret: Secret) -> CallbackCheck:
        key = secret("api_key") or ""
        return CallbackCheck(
            authentic=lambda headers, body: bool(key) and same_secret(
                headers.get("x-api-key", ""), key),
            reference=lambda body: body.decode(errors="replace") or None)

    def sandbox(self) -> FourthSandbox:
        return FourthSandbox()

    def settings_box(self) -> type[ProviderBox]:
        return FourthBox


PLUGIN: ProviderPlugin[FourthSettings] = FourthPlugin()
