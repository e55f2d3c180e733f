"""The payment rules as tables: what an answer means, which alert, when to ask next.

No journal, no network, no clock: each row is a payment as journaled, what a provider said,
and what the rules decide.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from msgspec.structs import replace

from pos_app.core.money import Money
from pos_app.core.payments import Payment, rules, utcnow
from pos_app.core.payments.messages import (
    AUTO_CANCEL,
    CANCELLED_BY_CASHIER,
    LATE_PAYMENT,
    PAID_AFTER_Z,
    RETURN_BY_PAYOUT,
    RETURN_BY_REFUND,
    RETURN_ELSEWHERE,
    UNDERPAID,
)
from pos_app.core.states import PaymentState
from pos_app.i18n import Message
from pos_app.providers.base import (
    Capabilities,
    PaymentRequest,
    PollPolicy,
    RemotePayment,
    RemoteState,
)

S = PaymentState
R = RemoteState
V = rules.Verdict
NOW = utcnow()
ELSEWHERE = Message("Test", "elsewhere")


def payment(state: PaymentState = S.PENDING, **fields: Any) -> Payment:
    request = PaymentRequest(key="k", order_id="o", amount_minor=10000, currency="RUB",
                             description="", items=(), options={})
    made = Payment(id="p", sale_id="s", provider="koshelek", state=state,
                   amount=Money(10000, "RUB"), key="k", request=request, created_at=NOW,
                   updated_at=NOW)
    return replace(made, **fields)


def answer(state: RemoteState, **fields: Any) -> RemotePayment:
    return RemotePayment(state=state, raw_status=state.value.lower(), **fields)


@pytest.mark.parametrize(("state", "target", "expected"), [
    (S.PENDING, S.PENDING, V.STAYS),
    (S.CANCELLING, S.PENDING, V.STAYS),  # a poll while the cancel is under way: nothing new
    (S.PENDING, S.PAID, V.MOVES),
    (S.UNKNOWN, S.DECLINED, V.MOVES),
    (S.CANCELLING, S.PAID, V.MOVES),  # the customer confirmed before the cancel arrived
    (S.PAID, S.PENDING, V.IMPOSSIBLE),  # a final state never moves back
    (S.DECLINED, S.PAID, V.IMPOSSIBLE),  # recorded, and flagged (paid_after_end)
    (S.CANCELLED, S.EXPIRED, V.IMPOSSIBLE),
    (S.PAID, S.REFUNDED, V.MOVES),
])
def test_verdict(state: PaymentState, target: PaymentState, expected: rules.Verdict) -> None:
    assert rules.verdict(state, target) is expected


@pytest.mark.parametrize(("state", "target", "expected"), [
    (S.PENDING, S.REFUNDED, True),  # refunded elsewhere before we looked: PAID first
    (S.CREATING, S.PARTIALLY_REFUNDED, True),
    (S.CANCELLING, S.REFUNDING, True),
    (S.PAID, S.REFUNDED, False),
    (S.PENDING, S.PAID, False),
    (S.UNKNOWN, S.REFUNDED, False),  # UNKNOWN → REFUNDED is the state machine's to refuse
])
def test_paid_first(state: PaymentState, target: PaymentState, expected: bool) -> None:
    assert rules.paid_first(state, target) is expected


@pytest.mark.parametrize(("journaled", "said", "stale"), [
    (None, 3, False), (3, None, False), (3, 3, False), (3, 4, False), (4, 3, True),
])
def test_an_older_answer_is_stale(journaled: int | None, said: int | None, stale: bool) -> None:
    assert rules.is_stale(payment(remote_version=journaled),
                          answer(R.PAID, version=said)) is stale


def test_every_remote_status_means_one_state() -> None:
    assert set(rules.STATE_OF) == set(RemoteState)
    assert rules.STATE_OF[R.UNDERPAID] is S.PENDING  # waits for a person's decision


@pytest.mark.parametrize(("journaled", "said", "keep_reason", "expected"), [
    ({}, {"provider_ref": "T1", "payer_url": "https://pay/1"}, False,
     {"provider_ref": "T1", "payer_url": "https://pay/1", "raw_status": "pending"}),
    ({"provider_ref": "T1", "raw_status": "pending"}, {}, False, {}),  # nothing new
    ({"provider_ref": "T1"}, {"provider_ref": None}, False, {"raw_status": "pending"}),
    ({"raw_status": "pending"}, {"refunded_minor": 500, "paid_minor": 10000}, False,
     {"refunded_minor": 500, "paid_minor": 10000}),
    ({"raw_status": "pending", "reason": CANCELLED_BY_CASHIER}, {"reason": ELSEWHERE,
                                                               "reason_code": "X"}, True, {}),
    ({"raw_status": "pending"}, {"reason": ELSEWHERE, "reason_code": "X"}, False,
     {"reason": ELSEWHERE, "reason_code": "X"}),
])
def test_answer_changes(journaled: dict[str, Any], said: dict[str, object],
                        keep_reason: bool, expected: dict[str, object]) -> None:
    assert rules.answer_changes(payment(**journaled), answer(R.PENDING, **said),
                                keep_reason=keep_reason) == expected


def test_a_payment_that_becomes_paid_loses_why_it_was_cancelled() -> None:
    cancelling = payment(S.CANCELLING, raw_status="paid", reason=CANCELLED_BY_CASHIER,
                         reason_code="C")
    assert rules.answer_changes(cancelling, answer(R.PAID)) == {"reason": None,
                                                                "reason_code": None}
    assert rules.answer_changes(payment(S.PAID, raw_status="paid", reason=ELSEWHERE),
                                answer(R.PAID)) == {}  # paid already: its reason stays


ADVICE = RETURN_BY_REFUND
AMOUNT = Money(10000, "RUB")
TWICE = Message("Test", "paid twice")


@pytest.mark.parametrize(("journaled", "said", "paid_twice", "shift_closed", "expected"), [
    ({}, answer(R.PAID), None, False, None),  # an ordinary payment
    ({"abandoned": True}, answer(R.PAID), None, False,
     LATE_PAYMENT.with_params(amount=AMOUNT, advice=ADVICE)),
    ({"abandoned": True}, answer(R.PAID), TWICE, False, TWICE),  # the sale was paid already
    ({}, answer(R.PAID), TWICE, False, TWICE),  # paid after its left link was (a walk)
    ({"abandoned": True}, answer(R.PAID), None, True,  # late beats after-Z: one alert
     LATE_PAYMENT.with_params(amount=AMOUNT, advice=ADVICE)),
    ({}, answer(R.PAID), None, True, PAID_AFTER_Z.with_params(amount=AMOUNT, advice=ADVICE)),
    ({"state": S.PAID}, answer(R.PAID), None, True, None),  # known paid: raised before
    ({}, answer(R.UNDERPAID, paid_minor=6000), None, False,
     UNDERPAID.with_params(paid=Money(6000, "RUB"), amount=AMOUNT)),
    ({"attention": TWICE}, answer(R.UNDERPAID, paid_minor=6000), None, False, None),  # once
    ({"abandoned": True}, answer(R.DECLINED), None, True, None),
])
def test_alert_for(journaled: dict[str, Any], said: RemotePayment,
                   paid_twice: Message | None, shift_closed: bool,
                   expected: Message | None) -> None:
    assert rules.alert_for(payment(**journaled), said, paid_twice=paid_twice,
                           shift_closed=shift_closed, advice=ADVICE) == expected


@pytest.mark.parametrize(("capabilities", "expected"), [
    (Capabilities(refund=True, withdrawal=True), RETURN_BY_REFUND),
    (Capabilities(withdrawal=True), RETURN_BY_PAYOUT),
    (Capabilities(), RETURN_ELSEWHERE.with_params(provider="Paymega")),
])
def test_return_advice_offers_only_what_is_enabled(capabilities: Capabilities,
                                                   expected: Message) -> None:
    assert rules.return_advice(capabilities, "Paymega") == expected


@pytest.mark.parametrize(("state", "wanted", "expected"), [
    (S.DECLINED, S.PAID, True), (S.CANCELLED, S.REFUNDED, True), (S.EXPIRED, S.PAID, True),
    (S.PAID, S.PENDING, False), (S.DECLINED, S.EXPIRED, False), (S.REFUNDED, S.PAID, False),
])
def test_paid_after_end(state: PaymentState, wanted: PaymentState, expected: bool) -> None:
    assert rules.paid_after_end(state, wanted) is expected


QR = Capabilities(register_shows_qr=True, cancel=True)


@pytest.mark.parametrize(("journaled", "capabilities", "expected"), [
    ({}, QR, True),  # found after a failure, nothing to show: cancelled
    ({"payer_url": "https://pay/1"}, QR, False),
    ({"payer_text": "card 1234"}, QR, False),
    ({}, Capabilities(register_shows_qr=True), False),  # cannot cancel: watched instead
    ({}, Capabilities(cancel=True), False),  # the customer's own code: nothing to show
    ({"kind": "withdrawal"}, QR, False),
    ({"state": S.PAID}, QR, False),
])
def test_link_lost(journaled: dict[str, Any], capabilities: Capabilities,
                   expected: bool) -> None:
    assert rules.link_lost(payment(**journaled), capabilities) is expected


KOSHELEK = PollPolicy(first_delay=0.3, interval=1.0, slow_interval=5.0, slow_after=120.0,
                      cancel_after=30.0)
PAYMEGA = PollPolicy(first_delay=2.0, interval=3.0, slow_interval=20.0, slow_after=300.0)


@pytest.mark.parametrize(("policy", "since_ack", "requested", "abandoned", "expected"), [
    (KOSHELEK, 10.0, False, False, None),
    (KOSHELEK, 30.0, False, False, rules.CancelDue(AUTO_CANCEL.with_params(seconds=30), True)),
    (KOSHELEK, 10.0, True, False, rules.CancelDue(CANCELLED_BY_CASHIER, False)),
    (KOSHELEK, 31.0, True, False, rules.CancelDue(CANCELLED_BY_CASHIER, True)),
    (KOSHELEK, 10.0, True, True, None),  # left to finish on its own: not cancelled again
    (PAYMEGA, 3600.0, False, False, None),  # no automatic cancel
    (PAYMEGA, 1.0, True, False, rules.CancelDue(CANCELLED_BY_CASHIER, False)),
])
def test_cancel_due(policy: PollPolicy, since_ack: float, requested: bool, abandoned: bool,
                    expected: rules.CancelDue | None) -> None:
    assert rules.cancel_due(policy, since_ack, cancel_requested=requested,
                            abandoned=abandoned) == expected


@pytest.mark.parametrize(("policy", "last", "acked", "slow", "now", "expected"), [
    (KOSHELEK, None, 100.0, False, False, 100.3),  # first read: first_delay after the ack
    (KOSHELEK, 100.3, 100.0, False, False, 101.3),
    (KOSHELEK, 129.5, 100.0, False, False, 130.0),  # never after the automatic cancel
    (KOSHELEK, 100.3, 100.0, False, True, 100.55),  # a notification: MIN_POLL_GAP
    (PAYMEGA, 50.0, 10.0, False, False, 53.0),
    (PAYMEGA, 50.0, 10.0, True, False, 70.0),  # slow: left, old or expired
    (PAYMEGA, 50.0, None, False, False, 53.0),  # after a restart: no ack time
    (PAYMEGA, None, None, False, False, 3.0),  # …and no read yet: due at once
])
def test_next_poll_at(policy: PollPolicy, last: float | None, acked: float | None,
                      slow: bool, now: bool, expected: float) -> None:
    assert rules.next_poll_at(policy, last_poll=last, acked_at=acked, slow=slow,
                              poll_now=now) == pytest.approx(expected)


@pytest.mark.parametrize(("since_ack", "left_for", "expired", "expected"), [
    (10.0, None, False, False),  # followed
    (10.0, 0.0, False, False),  # just left: the customer may be paying it now (helper-42)
    (130.0, rules.LEFT_WATCHED_S - 1, False, False),
    (130.0, rules.LEFT_WATCHED_S, False, True),  # left a while ago
    (PAYMEGA.slow_after, None, False, True),  # old
    (10.0, None, True, True),  # expired
])
def test_polled_slowly(since_ack: float, left_for: float | None, expired: bool,
                       expected: bool) -> None:
    assert rules.polled_slowly(PAYMEGA, since_ack_s=since_ack, left_for_s=left_for,
                               expired=expired) is expected


@pytest.mark.parametrize(("expires_in_s", "grace_s", "expected"), [
    (None, 0, False), (60, 0, False), (-1, 0, True), (-60, 120, False), (-121, 120, True),
])
def test_past_expiry(expires_in_s: float | None, grace_s: float, expected: bool) -> None:
    expires = NOW + timedelta(seconds=expires_in_s) if expires_in_s is not None else None
    assert rules.past_expiry(payment(expires_at=expires), NOW, grace_s) is expected
