"""Every answer of every provider call maps to one of the four classes the service acts on.

provider × call × answer (each HTTP code, a Retry-After, a timeout, a cut connection, an
unreadable body): the exact class raised, or the exact result when the adapter is meant to
carry on (Pegas-kassa without a status channel).  The service's end states for the classes
are in tests/core/test_read_faults.py.  Every request of the call meets the answer (resends
and look-ups too), so what comes out is the adapter's last word on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pos_app.providers.base import LineItem, PaymentRef, PaymentRequest, RefundRequest
from pos_app.providers.errors import (
    ACTED_ON,
    AuthFailed,
    MalformedResponse,
    NeedsPerson,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    Rejected,
)
from pos_app.providers.paymega.client import Unclear
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.providers import test_koshelek_client, test_paymega, test_pegas

# answer name -> the fault that gives it
ANSWERS: dict[str, dict[str, Any]] = {
    "timeout": {"kind": "timeout_after_commit"},
    "cut before": {"kind": "drop_before"},
    "cut after": {"kind": "drop_after"},
    "broken JSON": {"kind": "malformed"},
    "an HTML page": {"kind": "wrong_content_type"},
    "half a body": {"kind": "truncated"},
    **{str(code): {"kind": "status", "status": code}
       for code in (400, 401, 403, 404, 405, 409, 410, 422, 429, 500, 502, 503, 504)},
    "429 Retry-After 7": {"kind": "status", "status": 429, "retry_after": "7"},
}
UNKNOWN = {"timeout": OutcomeUnknown, "cut before": OutcomeUnknown, "cut after": OutcomeUnknown,
           "broken JSON": MalformedResponse, "an HTML page": MalformedResponse,
           "half a body": MalformedResponse, "429": RateLimited, "429 Retry-After 7": RateLimited,
           "500": OutcomeUnknown, "502": OutcomeUnknown, "503": OutcomeUnknown,
           "504": OutcomeUnknown}
AUTH = {"401": AuthFailed, "403": AuthFailed}
# Per provider, what its spec's error table makes of each answer (koshelek-pay.md §3.5,
# paymega.md §4, pegas-kassa.md §4); undocumented 4xx may have been acted on: unknown.
EXPECTED: dict[str, dict[str, type[ProviderError] | str]] = {
    "koshelek": {**UNKNOWN, **AUTH, "400": Rejected, "404": NotFound,
                 "405": MalformedResponse, "409": MalformedResponse, "410": MalformedResponse,
                 "422": MalformedResponse},  # a 422 without Koshelek's error object
    "paymega": {**UNKNOWN, **AUTH, "400": Unclear, "404": NotFound, "405": Rejected,
                "409": MalformedResponse, "410": MalformedResponse, "422": Rejected},
    "pegas": {**UNKNOWN, **AUTH, "400": Rejected, "404": NotFound,
              "405": MalformedResponse, "409": MalformedResponse, "410": MalformedResponse,
              "422": MalformedResponse},
}
# Where a call means something else by an answer than the table above.
OVERRIDES: dict[tuple[str, str, str], type[ProviderError] | str] = {
    # Pegas-kassa: a 404 on the status path means "no status channel"; the receipt probe
    # (404 too) then says "no receipt yet", i.e. still pending.
    ("pegas", "status", "404"): "PENDING",
    # ... and a look-up by order id without a status channel is a person's job.
    ("pegas", "look-up", "404"): NeedsPerson,
}


class Call:
    """One provider call against the sandbox, set up before the fault is injected."""

    def __init__(self, provider: Any, run: Callable[[], Awaitable[Any]]) -> None:
        self.provider = provider
        self.run = run


def refund_of(amount_minor: int, items: tuple[LineItem, ...] = ()) -> RefundRequest:
    return RefundRequest(key=str(uuid.uuid4()), amount_minor=amount_minor, currency="RUB",
                         items=items)


async def koshelek_call(sandbox: SandboxTransport, call: str) -> Call:
    provider = test_koshelek_client.make_provider(sandbox)
    request = await test_koshelek_client.request_for(provider, sandbox, delay_ms=0)
    paid = await provider.create(request)  # paid at once by this training customer
    ref = PaymentRef(request, paid.provider_ref)
    one = request.items[:1]  # Koshelek returns items: the first line, whole
    refunded = await provider.refund(ref, refund_of(one[0].total_minor, one))
    assert refunded.op_ref
    fresh = await test_koshelek_client.request_for(provider, sandbox, delay_ms=0)
    runs = {"create": lambda: provider.create(fresh),
            "status": lambda: provider.status(ref),
            "cancel": lambda: provider.cancel(ref, str(uuid.uuid4())),
            "refund": lambda: provider.refund(ref, refund_of(one[0].total_minor, one)),
            "refund status": lambda: provider.operation_status(ref, refunded.op_ref or "")}
    return Call(provider, runs[call])


async def paymega_call(sandbox: SandboxTransport, call: str) -> Call:
    provider = test_paymega.make(sandbox)
    request = test_paymega.request(provider)
    created = await provider.create(request)
    invoices = test_paymega.pm(sandbox)
    with invoices._lock:
        invoices.pay(invoices.invoices[created.provider_ref or ""])
    ref = PaymentRef(request, created.provider_ref)
    refunded = await provider.refund(ref, refund_of(100))
    fresh = test_paymega.request(provider)
    runs = {"create": lambda: provider.create(fresh),
            "look-up": lambda: provider.recover(request),
            "status": lambda: provider.status(ref),
            "refund": lambda: provider.refund(ref, refund_of(100)),
            "refund status": lambda: provider.operation_status(ref, refunded.op_ref or "")}
    return Call(provider, runs[call])


async def pegas_call(sandbox: SandboxTransport, call: str) -> Call:
    provider = test_pegas.make(sandbox, status_channel="on")
    request = await test_pegas.request(provider)
    created = await provider.create(request)
    payout: PaymentRequest = await test_pegas.request(
        provider, amount=1000, operation="withdrawal", method="card",
        number="4111 1111 1111 1111")
    ref = PaymentRef(request, created.provider_ref)
    fresh = await test_pegas.request(provider)
    runs = {"create": lambda: provider.create(fresh),
            "look-up": lambda: provider.recover(request),
            "status": lambda: provider.status(ref),
            "cancel": lambda: provider.cancel(ref, str(uuid.uuid4())),
            "payout": lambda: provider.create(payout)}
    return Call(provider, runs[call])


MAKERS = {"koshelek": koshelek_call, "paymega": paymega_call, "pegas": pegas_call}
CALLS = {"koshelek": ("create", "status", "cancel", "refund", "refund status"),
         "paymega": ("create", "look-up", "status", "refund", "refund status"),
         "pegas": ("create", "look-up", "status", "cancel", "payout")}
PREFIX = {"koshelek": "/koshelek/api", "paymega": "/paymega/api", "pegas": "/pegas/api"}
CASES = [(provider, call, answer) for provider, calls in CALLS.items() for call in calls
         for answer in ANSWERS]


def expected(provider: str, call: str, answer: str) -> type[ProviderError] | str:
    return OVERRIDES.get((provider, call, answer), EXPECTED[provider][answer])


@pytest.mark.parametrize(("provider", "call", "answer"), CASES)
async def test_every_answer_has_its_class(sandbox: SandboxTransport, provider: str, call: str,
                                          answer: str) -> None:
    made = await MAKERS[provider](sandbox, call)
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(path=PREFIX[provider], count=-1, **ANSWERS[answer]))
    want = expected(provider, call, answer)
    try:
        if isinstance(want, str):
            result = await made.run()
            assert result.state.value == want, result
            return
        with pytest.raises(ProviderError) as raised:
            await made.run()
    finally:
        await made.provider.aclose()
    assert type(raised.value) is want, (raised.value, raised.value.code)
    assert isinstance(raised.value, ACTED_ON)
    if answer == "429 Retry-After 7":
        assert isinstance(raised.value, RateLimited)
        assert raised.value.retry_after == 7.0


def test_every_provider_error_class_is_one_the_service_acts_on() -> None:
    """No error class outside the four: each subclass, wherever defined, is one of them."""
    def subclasses(cls: type) -> set[type]:
        found: set[type] = set(cls.__subclasses__())
        for sub in list(found):
            found |= subclasses(sub)
        return found

    strays = [c for c in subclasses(ProviderError) if not issubclass(c, ACTED_ON)]
    assert strays == []
