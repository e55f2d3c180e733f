"""The Pegas-kassa client and adapter against the in-process sandbox."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from pos_app.backoff import Backoff
from pos_app.core.logs import setup_logging
from pos_app.providers.base import PaymentRef, PaymentRequest, RemoteOperationState
from pos_app.providers.base import RemoteState as R
from pos_app.providers.errors import (
    AuthFailed,
    MalformedResponse,
    NeedsPerson,
    NotFound,
    OutcomeUnknown,
    Rejected,
)
from pos_app.providers.http import build_client
from pos_app.providers.pegas import messages
from pos_app.providers.pegas.client import PegasClient
from pos_app.providers.pegas.provider import PegasProvider
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.providers.pegas.settings import PegasSettings
from pos_app.providers.urls import HttpSettings
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL

API = "/pegas/api/v1"
TOKEN = "pegas-training-token"


def make(sandbox: SandboxTransport, *, token: str = TOKEN, **settings: Any) -> PegasProvider:
    http = build_client(base_url=f"{SANDBOX_URL}{API}", settings=HttpSettings(), live=False,
                        what="test", transport=sandbox)
    return PegasProvider(client=PegasClient(http=http, token=token),
                         settings=PegasSettings(**settings), terminal_id="POS-03",
                         backoff=Backoff(first_s=0.01, cap_s=0.01))


@pytest.fixture
async def pegas(sandbox: SandboxTransport) -> AsyncIterator[PegasProvider]:
    provider = make(sandbox)
    yield provider
    await provider.aclose()


def g(sandbox: SandboxTransport) -> PegasSandbox:
    return sandbox.sandbox.of(PegasSandbox)


def fault(sandbox: SandboxTransport, **kw: Any) -> None:
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(**kw))


async def request(provider: PegasProvider, *, amount: int = 149900,
                  **options: str) -> PaymentRequest:
    prepared = await provider.prepare(options)
    private = {k: v for k, v in prepared.items() if k in provider.private_options}
    return PaymentRequest(key=provider.new_payment_key(uuid.uuid4().hex[:12]), order_id="S1",
                          amount_minor=amount, currency="RUB", description="", items=(),
                          options={k: v for k, v in prepared.items() if k not in private},
                          private=private)


@pytest.mark.parametrize(("kind", "url", "text"), [
    ("invoice-select", True, None), ("invoice-card", True, None), ("yandex", True, None),
    ("wallet", False, "+7999"), ("wallet-card", False, "4276 0000 "),  # a card in fours
])
async def test_every_deposit_type(pegas: PegasProvider, sandbox: SandboxTransport, kind: str,
                                  url: bool, text: str | None) -> None:
    remote = await pegas.create(await request(pegas, type=kind))
    assert remote.state is R.PENDING
    assert bool(remote.payer_url) is url
    if text:
        assert remote.payer_text is not None
        assert remote.payer_text.startswith(text)
        assert remote.payer_text.endswith("1\xa0499,00\xa0₽")  # the exact amount matters here
    assert remote.expires_at is not None
    assert remote.receipt_fields["commission"] == "44.97"
    [txn] = g(sandbox).transactions.values()
    assert (txn.type, txn.amount) == (kind, Decimal(1499))
    assert txn.expires_at - txn.created_at == 15 * 60


async def test_invoice_qw_needs_a_phone(pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    with pytest.raises(Rejected, match="needs the payer's phone"):
        await request(pegas, type="invoice-qw")
    remote = await pegas.create(await request(pegas, type="invoice-qw",
                                              phone="+7 (999) 123-45-67"))
    assert remote.payer_url
    with pytest.raises(Rejected, match="Unknown deposit type"):
        await request(pegas, type="cash")


async def test_default_type_is_configurable(sandbox: SandboxTransport) -> None:
    provider = make(sandbox, deposit_type="wallet-card")
    assert (await request(provider)).options["type"] == "wallet-card"


@pytest.mark.parametrize(("status", "body", "error", "says"), [
    (401, {"errors": [{"code": "authorization_error", "message": "Invalid token"}]}, AuthFailed,
     "credentials"),
    (403, {"errors": [{"code": "access_denied"}]}, AuthFailed, "does not allow this"),
    (400, {"errors": [{"code": "parsing_error", "message": "Bad JSON"}]}, Rejected, "Bad JSON"),
    (400, {"errors": [{"code": "invalid_parameters", "validation_error": {
        "path": "amount", "message": "too big"}}]}, Rejected, "refused “amount”: too big"),
    (400, {"errors": [{"code": "provider_error", "message": "QIWI is down"}]}, Rejected,
     "payment method refused the request (QIWI is down)"),
    (200, {"errors": ["Something went wrong"]}, Rejected, "Something went wrong"),
    (200, {"error": {"code": "x", "message": "object-shaped"}}, Rejected, "object-shaped"),
    (400, {"code": "invalid_parameters", "message": "top-level"}, Rejected, "top-level"),
])
async def test_errors_in_every_shape(pegas: PegasProvider, sandbox: SandboxTransport, status: int,
                                     body: Any, error: type[Exception], says: str) -> None:
    fault(sandbox, kind="status", path=API + "/deposit", status=status, body=body)
    with pytest.raises(error) as raised:
        await pegas.create(await request(pegas))
    assert says in str(raised.value)


async def test_server_errors_are_unknown(pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="error_before", path=API, count=-1)
    with pytest.raises(OutcomeUnknown):
        await pegas.create(await request(pegas))


async def test_duplicate_order_id_is_adopted(pegas: PegasProvider,
                                             sandbox: SandboxTransport) -> None:
    req = await request(pegas)
    first = await pegas.create(req)
    again = await pegas.create(req)
    assert again.provider_ref == first.provider_ref
    assert again.payer_url is None  # the status endpoint does not return it (spec §8.3)
    assert len(g(sandbox).transactions) == 1


async def test_duplicate_without_a_status_channel_is_an_orphan(
        sandbox: SandboxTransport) -> None:
    provider = make(sandbox, status_channel="off")
    req = await request(provider)
    await provider.create(req)
    with pytest.raises(NeedsPerson) as error:
        await provider.create(req)
    assert error.value.message == messages.ORPHAN.with_params(order=req.key)


@pytest.mark.parametrize("kind", ["drop_after", "error_after", "timeout_after_commit",
                                  "malformed", "truncated"])
async def test_lost_answer_is_looked_up_not_recreated(pegas: PegasProvider,
                                                      sandbox: SandboxTransport,
                                                      kind: str) -> None:
    fault(sandbox, kind=kind, path=API + "/deposit")
    remote = await pegas.create(await request(pegas))
    [txn] = g(sandbox).transactions.values()
    assert remote.provider_ref == str(txn.id)


async def test_not_created_is_sent_again_with_the_same_order_id(
        pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="drop_before", path=API + "/deposit")
    req = await request(pegas)
    remote = await pegas.create(req)
    [txn] = g(sandbox).transactions.values()
    assert (txn.order_id, str(txn.id)) == (req.key, remote.provider_ref)


async def test_lost_answer_without_a_status_channel(sandbox: SandboxTransport) -> None:
    provider = make(sandbox, status_channel="off")
    fault(sandbox, kind="drop_after", path=API + "/deposit")
    with pytest.raises(NeedsPerson, match="cannot be checked or cancelled here"):
        await provider.create(await request(provider))
    assert len(g(sandbox).transactions) == 1  # the one resend hit the duplicate check


@pytest.mark.parametrize(("status", "state"), [
    ("waiting", R.PENDING), ("paid", R.PAID), ("success", R.PAID), ("completed", R.PAID),
    ("canceled", R.CANCELLED), ("cancelled", R.CANCELLED), ("rejected", R.CANCELLED),
    ("expired", R.EXPIRED), ("failed", R.DECLINED), ("unpaid", R.DECLINED),
    ("new", R.PENDING), ("something-new", R.PENDING),
])
async def test_status_synonyms(pegas: PegasProvider, sandbox: SandboxTransport, status: str,
                               state: R) -> None:
    req = await request(pegas)
    fault(sandbox, kind="status", path=API + "/transaction", status=200, body={
        "id": 7, "order_id": req.key, "status": status, "amount": "10.50", "errors": []})
    remote = await pegas.status(PaymentRef(request=req, provider_ref="7"))
    assert remote.state is state
    if state is R.PAID:
        assert remote.paid_minor == 1050


async def test_an_id_that_is_another_orders_is_not_taken_for_ours(
        pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    """A reset training sandbox gave a new deposit the id of an older one: reconciliation
    then read the other deposit's 300 ₽ as this 500 ₽ one's (a walk in the window)."""
    ours, theirs = await request(pegas, amount=50000), await request(pegas, amount=30000)
    mine = await pegas.create(ours)
    other = await pegas.create(theirs)
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[int(other.provider_ref or 0)])
    remote = await pegas.status(PaymentRef(request=ours, provider_ref=other.provider_ref))
    assert (remote.state, remote.provider_ref) == (R.PENDING, mine.provider_ref)
    assert remote.paid_minor is None


async def test_no_status_endpoint_falls_back_to_the_receipt(pegas: PegasProvider,
                                                           sandbox: SandboxTransport) -> None:
    g(sandbox).assumed_endpoints = False
    req = await request(pegas)
    remote = await pegas.create(req)
    ref = PaymentRef(request=req, provider_ref=remote.provider_ref)
    assert (await pegas.status(ref)).state is R.PENDING
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[int(remote.provider_ref or 0)])
    paid = await pegas.status(ref)
    assert (paid.state, paid.receipt_fields["confirmation"]) == (R.PAID, "receipt")


async def test_cancel_before_and_after_payment(pegas: PegasProvider,
                                               sandbox: SandboxTransport) -> None:
    req = await request(pegas)
    remote = await pegas.create(req)
    ref = PaymentRef(request=req, provider_ref=remote.provider_ref)
    done = await pegas.cancel(ref, "k")
    assert done.state is RemoteOperationState.DONE
    assert done.payment is not None
    assert done.payment.state is R.CANCELLED
    req2 = await request(pegas)
    paid = await pegas.create(req2)
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[int(paid.provider_ref or 0)])
    refused = await pegas.cancel(PaymentRef(request=req2, provider_ref=paid.provider_ref), "k")
    assert refused.state is RemoteOperationState.REJECTED
    assert refused.payment is not None
    assert refused.payment.state is R.PAID  # the customer was faster
    with pytest.raises(NotFound):
        await pegas.cancel(PaymentRef(request=req2, provider_ref="999"), "k")


async def test_receipts_and_balance(pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    req = await request(pegas)
    remote = await pegas.create(req)
    ref = PaymentRef(request=req, provider_ref=remote.provider_ref)
    with pytest.raises(NotFound):
        await pegas.receipt_file(ref, "pdf")
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[int(remote.provider_ref or 0)])
    pdf, kind = await pegas.receipt_file(ref, "pdf")
    assert (pdf[:5], kind) == (b"%PDF-", "application/pdf")
    jpeg, kind = await pegas.receipt_file(ref, "jpeg")
    assert (jpeg[:2], kind) == (b"\xff\xd8", "image/jpeg")
    assert await pegas.balance_minor() == 2534015 + 149900 - 4497


async def test_receipt_answered_as_json_with_a_base64_file(pegas: PegasProvider,
                                                           sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="status", path=API + "/transaction/receipt/file", status=200,
          body={"file": "JVBERi0xLjQK"})
    content, kind = await pegas.receipt_file(PaymentRef(request=await request(pegas),
                                                        provider_ref="1"), "pdf")
    assert (content, kind) == (b"%PDF-1.4\n", "application/pdf")


@pytest.mark.parametrize(("options", "says"), [
    ({"method": "cash", "number": "1"}, "Unknown payout method"),
    ({"method": "card", "number": "4111111111111112"}, "it needs a bank card number"),
    ({"method": "phone", "number": "12"}, "it needs a phone number"),
    ({"method": "card", "number": "4111111111111111", "comment": "no"}, "3 to 100"),
    ({"method": "card", "number": "4111111111111111", "comment": "x" * 101}, "3 to 100"),
])
async def test_withdrawal_is_validated_before_sending(pegas: PegasProvider,
                                                      sandbox: SandboxTransport,
                                                      options: dict[str, str], says: str) -> None:
    with pytest.raises(Rejected, match=says):
        await pegas.prepare({"operation": "withdrawal", **options})
    assert g(sandbox).transactions == {}


async def test_withdrawal(pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    req = await request(pegas, amount=10000, operation="withdrawal", method="card",
                        number="4111 1111 1111 1111", comment="Возврат покупки")
    assert req.options["number_masked"] == "4111…1111"
    assert "number" not in req.options
    remote = await pegas.create(req)
    [txn] = g(sandbox).transactions.values()
    assert (txn.operation, txn.number, txn.comment) == ("withdrawal", "4111111111111111",
                                                       "Возврат покупки")
    assert remote.state is R.PENDING
    with pytest.raises(Rejected, match="cannot be cancelled"):
        await pegas.cancel(PaymentRef(request=req, provider_ref=remote.provider_ref), "k")
    lost = replace(req, private={}, key="never-sent-order")
    # After a restart the number is gone: not resent, and not "declined" either (it may
    # never have left): a person gives the destination back (the same reference repeated).
    with pytest.raises(NeedsPerson, match="same reference"):
        await pegas.recover(lost)


async def test_insufficient_funds(pegas: PegasProvider) -> None:
    req = await request(pegas, amount=9_000_000, operation="withdrawal", method="phone",
                        number="+79991234567")
    with pytest.raises(Rejected, match="Insufficient funds"):
        await pegas.create(req)


async def test_nonsense_is_typed(pegas: PegasProvider, sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="status", path=API + "/balance", status=200, body={"balance": "lots"})
    with pytest.raises(MalformedResponse):
        await pegas.balance_minor()


async def test_the_token_never_reaches_the_logs(sandbox: SandboxTransport, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    g(sandbox).token = "Tok-3f9c1e-secret-value"
    provider = make(sandbox, token="Tok-3f9c1e-secret-value")
    log_file = setup_logging(tmp_path, console_level=None)
    caplog.set_level(logging.DEBUG)
    req = await request(provider)
    remote = await provider.create(req)
    await provider.status(PaymentRef(request=req, provider_ref=remote.provider_ref))
    fault(sandbox, kind="drop_before", path=API, count=-1)
    with pytest.raises(OutcomeUnknown) as error:
        await provider.balance_minor()
    logging.getLogger("pos_app.test").error("failed: %s", error.value, exc_info=error.value)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "/deposit?token=***" in text
    assert "Tok-3f9c1e-secret-value" not in text
    assert "Tok-3f9c1e-secret-value" not in str(error.value)
    await provider.aclose()


async def test_wrong_token(sandbox: SandboxTransport) -> None:
    provider = make(sandbox, token="wrong")
    with pytest.raises(AuthFailed):
        await provider.balance_minor()
    await provider.aclose()



def test_a_payout_card_number_is_neither_shown_nor_compared() -> None:
    """``private`` options (the card a payout goes to) never reach the journal, so neither a
    log line made from the request nor the request read back from the journal has them."""
    sent = PaymentRequest(key="k-1", order_id="S1", amount_minor=149900, currency="RUB",
                          description="", items=(), options={"type": "card"},
                          private={"card": "4276000012345678"})
    assert "4276000012345678" not in repr(sent)
    assert repr(sent).startswith("PaymentRequest(key='k-1', order_id='S1'")
    assert sent == replace(sent, private={})
    assert sent != replace(sent, amount_minor=149901)
