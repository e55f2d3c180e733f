"""The Paymega client and adapter against the in-process sandbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from pos_app.backoff import Backoff
from pos_app.providers.base import (
    Limits,
    PaymentRef,
    PaymentRequest,
    RefundRequest,
    RemoteOperationState,
)
from pos_app.providers.base import RemoteState as R
from pos_app.providers.errors import (
    AuthFailed,
    InvalidInput,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    Rejected,
)
from pos_app.providers.http import build_client
from pos_app.providers.paymega import callbacks, messages
from pos_app.providers.paymega.client import PaymegaClient
from pos_app.providers.paymega.models import Invoice
from pos_app.providers.paymega.provider import PaymegaProvider, invoice_state
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.paymega.settings import PaymegaSettings
from pos_app.providers.urls import HttpSettings
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL

API = "/paymega/api/payment-invoices"
HPP = f"{SANDBOX_URL}/paymega/hpp/"


def make(sandbox: SandboxTransport, *, auth: tuple[str, str] | None = ("coma_training",
                                                                       "sk_training_api"),
         currency: str = "RUB", **settings: Any) -> PaymegaProvider:
    http = build_client(base_url=f"{SANDBOX_URL}/paymega", settings=HttpSettings(), live=False,
                        what="test", auth=auth, transport=sandbox)
    client = PaymegaClient(http=http, public_key="pk_test_training",
                           has_credentials=auth is not None)
    defaults: dict[str, Any] = {"hpp_url": HPP, "refunds": True}
    return PaymegaProvider(client=client, settings=PaymegaSettings(**{**defaults, **settings}),
                           terminal_id="POS-03", currency=currency,
                           backoff=Backoff(first_s=0.01, cap_s=0.01))


@pytest.fixture
async def paymega(sandbox: SandboxTransport) -> AsyncIterator[PaymegaProvider]:
    provider = make(sandbox)
    yield provider
    await provider.aclose()


def pm(sandbox: SandboxTransport) -> PaymegaSandbox:
    return sandbox.sandbox.of(PaymegaSandbox)


def fault(sandbox: SandboxTransport, **kw: Any) -> None:
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(**kw))


def request(provider: PaymegaProvider, amount: int = 149900, **kw: Any) -> PaymentRequest:
    return PaymentRequest(key=provider.new_payment_key(uuid.uuid4().hex[:12]),
                          order_id="S000153-abc", amount_minor=amount, currency="RUB",
                          description="Check 000153", items=(),
                          options={"service": "payment_card_rub_hpp"},
                          expires_at=datetime.now(UTC) + timedelta(minutes=15), **kw)


def ref(remote_ref: str | None, req: PaymentRequest) -> PaymentRef:
    return PaymentRef(request=req, provider_ref=remote_ref)


async def test_create_shows_the_hosted_page(paymega: PaymegaProvider,
                                            sandbox: SandboxTransport) -> None:
    req = request(paymega)
    remote = await paymega.create(req)
    assert remote.state is R.PENDING
    assert remote.payer_url == f"{HPP}?cpi={remote.provider_ref}"
    assert remote.version is not None
    [invoice] = pm(sandbox).invoices.values()
    assert invoice.reference_id == req.key
    assert invoice.amount == Decimal("1499.00")
    assert invoice.metadata == {"till": "POS-03", "order": "S000153-abc"}
    assert req.expires_at is not None
    assert abs(invoice.expires_at - req.expires_at.timestamp()) < 1


def test_keys_are_safe_and_unique() -> None:
    provider = PaymegaProvider(client=None,  # type: ignore[arg-type]
                               terminal_id="Касса №3 / POS 03")
    key = provider.new_payment_key("abc123")
    assert key.startswith("3POS03-")
    assert key.endswith("-abc123")
    assert len(provider.new_operation_key("abc123", "refund")) <= 64


def test_lifetime_is_clamped_to_what_paymega_accepts() -> None:
    short = PaymegaProvider(client=None,  # type: ignore[arg-type]
                            settings=PaymegaSettings(lifetime_minutes=5))
    long = PaymegaProvider(client=None,  # type: ignore[arg-type]
                           settings=PaymegaSettings(lifetime_minutes=9 * 24 * 60))
    assert (short.lifetime, long.lifetime) == (timedelta(minutes=14), timedelta(days=2))


def make_invoice(status: str, resolution: str = "ok", paid: str | None = None,
                 **kw: Any) -> Invoice:
    fields: dict[str, Any] = {
        "id": "cpi_x", "status": status, "resolution": resolution, "currency": "RUB",
        "amount": Decimal(100), "payment_amount": Decimal(100),
        "processed_amount": Decimal(paid) if paid else None, "refunded_amount": None,
        "reference_id": "r", "flow_action": None, "flow_method": None,
        "flow_has_params": False, "updated": 1}
    return Invoice(**{**fields, **kw})


@pytest.mark.parametrize(("status", "resolution", "paid", "state"), [
    ("created", "ok", None, R.PENDING),
    ("processing", "ok", None, R.PENDING),
    ("process_pending", "ok", None, R.PENDING),
    ("process_error", "provider_error", None, R.PENDING),
    ("processed", "ok", "100", R.PAID),
    ("processed", "ok", "60", R.UNDERPAID),
    ("partially_processed", "ok", "60", R.UNDERPAID),
    ("process_failed", "insufficient_funds", None, R.DECLINED),
    ("process_failed", "expired", None, R.EXPIRED),
    ("expired", "ok", None, R.EXPIRED),
    ("terminated", "ok", None, R.CANCELLED),
    ("refund_pending", "ok", "100", R.REFUNDING),
    ("refunding", "ok", "100", R.REFUNDING),
    ("refund_error", "ok", "100", R.REFUNDING),
    ("partially_refunded", "ok", "100", R.PARTIALLY_REFUNDED),
    ("refunded", "ok", "100", R.REFUNDED),
    ("refund_failed", "ok", "100", R.PAID),
    ("charged_back", "ok", "100", R.REFUNDED),
    ("brand_new_status", "ok", None, R.PENDING),
    ("authorize_failed", "ok", None, R.DECLINED),
])
def test_status_table(status: str, resolution: str, paid: str | None, state: R) -> None:
    assert invoice_state(make_invoice(status, resolution, paid))[0] is state


def test_decline_reasons_are_sentences() -> None:
    _, reason = invoice_state(make_invoice("process_failed", "insufficient_funds"))
    assert reason == messages.RESOLUTIONS["insufficient_funds"]
    _, reason = invoice_state(make_invoice("process_failed", "some_new_reason"))
    assert reason is not None
    assert "some_new_reason" in reason.english()


async def test_paid_with_details(paymega: PaymegaProvider, sandbox: SandboxTransport) -> None:
    req = request(paymega)
    remote = await paymega.create(req)
    with pm(sandbox)._lock:
        pm(sandbox).pay(pm(sandbox).invoices[remote.provider_ref or ""],
                        card="5519283812030000")
    paid = await paymega.status(ref(remote.provider_ref, req))
    assert (paid.state, paid.paid_minor) == (R.PAID, 149900)
    assert paid.receipt_fields["card"] == "551928******0000"
    assert paid.receipt_fields["rrn"]
    assert paid.version is not None
    assert remote.version is not None
    assert paid.version > remote.version


async def test_409_adopts_the_existing_invoice(paymega: PaymegaProvider,
                                               sandbox: SandboxTransport) -> None:
    req = request(paymega)
    first = await paymega.create(req)
    again = await paymega.create(req)
    assert again.provider_ref == first.provider_ref
    assert len(pm(sandbox).invoices) == 1


@pytest.mark.parametrize("kind", ["error_after", "drop_after", "timeout_after_commit",
                                  "malformed", "truncated", "wrong_content_type"])
async def test_lost_answer_is_reconciled_before_any_resend(
        paymega: PaymegaProvider, sandbox: SandboxTransport, kind: str) -> None:
    fault(sandbox, kind=kind, path=API, method="POST", status=502)
    remote = await paymega.create(request(paymega))
    assert len(pm(sandbox).invoices) == 1  # no second invoice
    assert remote.provider_ref in pm(sandbox).invoices


@pytest.mark.parametrize("kind", ["error_before", "drop_before"])
async def test_not_created_is_created_again_with_the_same_reference(
        paymega: PaymegaProvider, sandbox: SandboxTransport, kind: str) -> None:
    fault(sandbox, kind=kind, path=API, method="POST", status=503)
    req = request(paymega)
    remote = await paymega.create(req)
    [invoice] = pm(sandbox).invoices.values()
    assert (invoice.id, invoice.reference_id) == (remote.provider_ref, req.key)


async def test_unknown_when_even_the_lookup_fails(paymega: PaymegaProvider,
                                                  sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="error_after", path=API, method="POST", count=-1)
    fault(sandbox, kind="error_before", path=API, method="GET", count=-1)
    with pytest.raises(OutcomeUnknown):
        await paymega.create(request(paymega))
    assert len(pm(sandbox).invoices) == 1


async def test_recover(paymega: PaymegaProvider) -> None:
    req = request(paymega)
    assert await paymega.recover(req) is None  # confirmed absent: safe to create
    created = await paymega.create(req)
    found = await paymega.recover(req)
    assert found is not None
    assert found.provider_ref == created.provider_ref


@pytest.mark.parametrize(("status", "body", "error", "says"), [
    (401, {"errors": [{"status": "Unauthorized", "code": "401"}]}, AuthFailed, "credentials"),
    (403, {"errors": [{"status": "Forbidden", "code": "403"}]}, AuthFailed, "credentials"),
    (422, {"errors": {"amount": "This value should be greater than 0.",
                      "service": "Service is not available."}}, Rejected,
     "amount: This value should be greater than 0.; service: Service is not available."),
    (405, {"errors": [{"status": "Method Not Allowed", "code": "405"}]}, Rejected,
     "Method Not Allowed"),
    (400, {"errors": [{"title": "bad_request", "detail": "Malformed JSON."}]}, Rejected,
     "Malformed JSON."),
])
async def test_4xx_become_sentences(paymega: PaymegaProvider, sandbox: SandboxTransport,
                                    status: int, body: Any, error: type[Exception],
                                    says: str) -> None:
    fault(sandbox, kind="status", path=API, method="POST", status=status, body=body)
    with pytest.raises(error) as raised:
        await paymega.create(request(paymega))
    assert says in str(raised.value)


async def test_real_validation_errors(paymega: PaymegaProvider) -> None:
    with pytest.raises(Rejected, match="amount: Amount should be between 10 and 600000"):
        await paymega.create(request(paymega, amount=500))


async def test_tolerant_reading(paymega: PaymegaProvider, sandbox: SandboxTransport) -> None:
    body = {"data": {"type": "payment-invoices", "id": "cpi_tolerant00000", "attributes": {
        "status": "processed", "resolution": "OK", "amount": "1499.00",
        "payment_amount": 1499, "processed_amount": "1499", "currency": "RUB",
        "metadata": [], "flow_data": [], "payload": [], "callback_logs": [],
        "brand_new_field": {"x": 1}, "updated": "1741775513"}, "relationships": []}}
    fault(sandbox, kind="status", path=API + "/cpi_tolerant00000", status=200, body=body)
    remote = await paymega.status(ref("cpi_tolerant00000", request(paymega)))
    assert (remote.state, remote.paid_minor, remote.version) == (R.PAID, 149900, 1741775513)


async def test_nonsense_is_a_typed_error(paymega: PaymegaProvider,
                                         sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="status", path=API + "/cpi_bad", status=200,
          body={"data": {"id": 7, "attributes": "no"}})
    with pytest.raises(MalformedResponse):
        await paymega.status(ref("cpi_bad", request(paymega)))
    with pytest.raises(NotFound):
        await paymega.status(ref("cpi_missing", request(paymega)))


async def test_payer_url_without_hpp(sandbox: SandboxTransport) -> None:
    provider = make(sandbox, hpp=False)
    remote = await provider.create(request(provider))
    invoice = pm(sandbox).invoices[remote.provider_ref or ""]
    assert remote.payer_url == f"{SANDBOX_URL}/paymega/emulator/pay/{invoice.sid}"
    form = make_invoice("process_pending", flow_has_params=True, flow_action="https://x",
                        flow_method="POST")
    assert provider.payer_url(form) is None
    assert provider._remote(form).reason == messages.NO_QR
    await provider.aclose()


async def test_refunds(paymega: PaymegaProvider, sandbox: SandboxTransport) -> None:
    req = request(paymega)
    remote = await paymega.create(req)
    with pm(sandbox)._lock:
        pm(sandbox).pay(pm(sandbox).invoices[remote.provider_ref or ""])
    r = ref(remote.provider_ref, req)
    part = await paymega.refund(r, RefundRequest(key="rf-1", amount_minor=50000, currency="RUB",
                                                 items=()))
    assert part.state is RemoteOperationState.DONE
    assert part.op_ref
    assert part.op_ref.startswith("ref_")
    # The answer to a refund was lost; the resend hits 409 and the invoice decides.
    again = await paymega.refund(r, RefundRequest(key="rf-1", amount_minor=50000,
                                                  currency="RUB", items=()))
    assert again.state is RemoteOperationState.DONE
    never_sent = await paymega.refund(r, RefundRequest(key="rf-1", amount_minor=1000,
                                                       currency="RUB", items=(),
                                                       refunded_before_minor=50000))
    assert never_sent.state is RemoteOperationState.REJECTED  # 409 but the total is not there
    with pytest.raises(Rejected, match="should not exceed 999"):
        await paymega.refund(r, RefundRequest(key="rf-2", amount_minor=100000, currency="RUB",
                                              items=()))
    status = await paymega.status(r)
    assert (status.state, status.refunded_minor) == (R.PARTIALLY_REFUNDED, 50000)


async def test_slow_refund(paymega: PaymegaProvider, sandbox: SandboxTransport) -> None:
    pm(sandbox).refund_delay_s = 60
    req = request(paymega)
    remote = await paymega.create(req)
    with pm(sandbox)._lock:
        pm(sandbox).pay(pm(sandbox).invoices[remote.provider_ref or ""])
    r = ref(remote.provider_ref, req)
    started = await paymega.refund(r, RefundRequest(key="rf", amount_minor=149900,
                                                    currency="RUB", items=()))
    assert started.state is RemoteOperationState.PENDING
    assert started.op_ref
    pm(sandbox).clock_offset += 61
    done = await paymega.operation_status(r, started.op_ref)
    assert done.state is RemoteOperationState.DONE


async def test_public_api(sandbox: SandboxTransport) -> None:
    provider = make(sandbox, api="public", auth=None)
    req = request(provider)
    remote = await provider.create(req)
    assert remote.state is R.PENDING
    with pm(sandbox)._lock:
        pm(sandbox).pay(pm(sandbox).invoices[remote.provider_ref or ""])
    assert (await provider.status(ref(remote.provider_ref, req))).state is R.PAID
    with pytest.raises(OutcomeUnknown, match="private API credentials are needed"):
        await provider.recover(req)
    services = (await provider.client.public_prerequest("RUB")).services
    assert "payment_card_rub_hpp" in services
    await provider.aclose()


async def test_the_public_api_lists_the_services_of_the_terminals_currency(
        sandbox: SandboxTransport) -> None:
    """The services were read for RUB whatever the terminal's currency: a USD terminal was
    told its own card service does not exist."""
    provider = make(sandbox, api="public", auth=None, currency="USD")
    assert await provider.prepare({"service": "payment_card_usd_hpp"})
    with pytest.raises(InvalidInput) as refused:
        await provider.prepare({"service": "payment_card_rub_hpp"})
    assert refused.value.code == "SERVICE"
    await provider.aclose()


async def test_services_list(paymega: PaymegaProvider) -> None:
    services = await paymega.client.services()
    assert {s.attributes.service for s in services} >= {"payment_card_usd_hpp", "test_usd_test",
                                                        "applepay_usd_hpp", "test_xts_test",
                                                        "payment_card_rub_hpp"}


def test_signature_vector_from_the_spec() -> None:
    body = (b'{"data":{"type":"payment-invoices","id":"cpi_Z3kq81LmPa0XbT2c","attributes":'
            b'{"serial_number":"Z3kq81LmPa0XbT2c","status":"processed","resolution":"ok",'
            b'"moderation_required":false,"amount":1499,"payment_amount":1499,"currency":"RUB",'
            b'"service_currency":"RUB","reference_id":"pos-0007-20250312-000153-a1",'
            b'"test_mode":true,"fee":0,"deposit":1499,"processed":1741775512,'
            b'"processed_amount":1499,"refunded_amount":null,"processed_fee":0,'
            b'"processed_deposit":1499,"metadata":{"till":"7","check":"000153"},"flow_data":'
            b'{"action":"https://cardgate.example/hpp/cgi_Qw12Er34Ty56Ui78","method":"GET",'
            b'"params":[]},"flow":"hpp","payment_flow":"charge","created":1741775400,'
            b'"updated":1741775513,"payload":[]},"relationships":{"payment-service":{"data":'
            b'{"type":"payment-services","id":"payment_card_rub_hpp"}},"payment-method":{"data":'
            b'{"type":"payment-methods","id":"payment_card"}}},"links":{"self":'
            b'"/api/payment-invoices/cpi_Z3kq81LmPa0XbT2c"}}}')
    secret = "sk_test_EXAMPLEsecret"
    assert callbacks.signature(secret, body) == "TDnS0rRkKP2MKLqhe18O6sQC4Ws="
    assert callbacks.verify(secret, body, "TDnS0rRkKP2MKLqhe18O6sQC4Ws=")
    assert not callbacks.verify(secret, body + b" ", "TDnS0rRkKP2MKLqhe18O6sQC4Ws=")
    assert not callbacks.verify("sk_test_other", body, "TDnS0rRkKP2MKLqhe18O6sQC4Ws=")
    assert not callbacks.verify(secret, body, None)
    assert not callbacks.verify("", body, "TDnS0rRkKP2MKLqhe18O6sQC4Ws=")
    assert callbacks.invoice_id(body) == "cpi_Z3kq81LmPa0XbT2c"
    assert callbacks.invoice_id(b"garbage") is None
    assert callbacks.invoice_id(b'{"data": {"id": "evil"}}') is None


async def test_logs_never_show_the_basic_credentials(paymega: PaymegaProvider,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    import logging
    caplog.set_level(logging.DEBUG)
    await paymega.create(request(paymega))
    text = caplog.text
    assert "/api/payment-invoices" in text
    assert "sk_training_api" not in text
    assert httpx.BasicAuth("coma_training", "sk_training_api")._auth_header not in text


CONFIGURED = Limits(min_minor=100, max_minor=9_999_999_999)  # PaymegaSettings' defaults


@pytest.mark.parametrize(("api", "auth"), [("private", ("coma_training", "sk_training_api")),
                                           ("public", None)])
async def test_the_configured_services_own_amounts_narrow_the_limits(
        sandbox: SandboxTransport, api: str, auth: tuple[str, str] | None) -> None:
    """A walk: the card service takes 10 to 600 000 ₽ (spec §5.1, §5.2: ``amount_min``,
    ``amount_max``), the configured limits were 1,00 to 99 999 999,99 ₽: 2,00 ₽ was offered,
    then refused by Paymega (422)."""
    provider = make(sandbox, api=api, auth=auth)
    assert provider.limits == CONFIGURED
    await provider.warm_up()
    assert provider.limits == Limits(min_minor=1000, max_minor=60_000_000)
    await provider.aclose()


async def test_limits_stay_configured_when_the_services_say_nothing_for_this_terminal(
        sandbox: SandboxTransport) -> None:
    """Unreadable services (a 503, a 429: logged, read again at the payment), a service in
    another currency than the terminal's, or one whose range misses the configured one: the
    configured limits, never a range in the wrong units or none at all."""
    unreadable = make(sandbox)
    for status in (503, 429):
        fault(sandbox, kind="error_before", path="/paymega/api/payment-services",
              status=status, retry_after="1" if status == 429 else None)
        await unreadable.warm_up()  # raises nothing
        assert unreadable.limits == CONFIGURED
    await unreadable.warm_up()
    assert unreadable.limits.min_minor == 1000  # read again, then learned
    await unreadable.aclose()

    dollars = make(sandbox, service="payment_card_usd_hpp")  # on a RUB terminal
    await dollars.warm_up()
    assert dollars.limits == CONFIGURED
    await dollars.aclose()

    above = make(sandbox, min_amount_minor=70_000_000, max_amount_minor=80_000_000)
    await above.warm_up()
    assert above.limits == Limits(min_minor=70_000_000, max_minor=80_000_000)
    await above.aclose()


async def test_the_services_a_payment_may_use_are_read_once_and_classified(
        sandbox: SandboxTransport) -> None:
    """An unknown service is refused before anything is sent; an answer that lists no
    services is malformed (not "none offered", which would refuse every service), and the
    code then goes unchecked for Paymega itself to judge."""
    provider = make(sandbox, api="public", auth=None)
    with pytest.raises(InvalidInput, match="does not offer the service “payment_card_xyz_hpp”"):
        await provider.prepare({"service": "payment_card_xyz_hpp"})
    assert (await provider.prepare({}))["service"] == "payment_card_rub_hpp"
    await provider.aclose()

    provider = make(sandbox, api="public", auth=None)
    fault(sandbox, kind="status", path="/paymega/public-api/payment-prerequest", method="POST",
          status=200, body={"data": {"currency": "RUB"}}, count=-1)
    with pytest.raises(MalformedResponse):
        await provider.probe()
    assert (await provider.prepare({"service": "payment_card_xyz_hpp"}))["service"] == \
        "payment_card_xyz_hpp"  # unchecked: Paymega's own 422 refuses it, nothing charged
    await provider.aclose()
