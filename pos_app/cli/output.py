"""What the command line says: the exit codes (the integration contract), JSON and text."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from pos_app.core.payments import Operation, Payment
from pos_app.core.states import PaymentState, describe_state
from pos_app.i18n import UserError

if TYPE_CHECKING:
    pass


EXIT_OK, EXIT_NOT_PAID, EXIT_USAGE, EXIT_UNKNOWN, EXIT_PROVIDER = 0, 1, 2, 3, 4


# The reason codes of a provider refusing the terminal's credentials (providers.errors
# auth_failed, Pegas-kassa's access and authorization errors, Koshelek's token bridge).
REFUSED_CREDENTIALS = {"HTTP_401", "HTTP_403", "access_denied", "authorization_error",
                        "TOKEN"}


EXIT_FOR_STATE = {
    PaymentState.PAID: EXIT_OK,
    PaymentState.PARTIALLY_REFUNDED: EXIT_OK,
    PaymentState.REFUNDED: EXIT_OK,
    PaymentState.DECLINED: EXIT_NOT_PAID,
    PaymentState.EXPIRED: EXIT_NOT_PAID,
    PaymentState.CANCELLED: EXIT_NOT_PAID,
}


class Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "provider": payment.provider,
        "state": payment.state.value,
        "amount": payment.amount.plain(),
        "amount_minor": payment.amount.minor,
        "currency": payment.amount.currency,
        "refunded_minor": payment.refunded_minor,
        "paid_minor": payment.paid_minor,
        "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
        "provider_transaction_id": payment.provider_ref,
        "idempotency_key": payment.key,
        "order_id": payment.request.order_id,
        "created_at": payment.created_at.isoformat(),
        "reason": payment.reason.render() if payment.reason else None,
        "reason_code": payment.reason_code,
        "attention": payment.attention.render() if payment.attention else None,
        "payer_url": payment.payer_url,
        "receipt": dict(payment.receipt_fields),
        "training": payment.training,
    }


def operation_json(operation: Operation) -> dict[str, Any]:
    return {
        "operation_id": operation.id,
        "kind": operation.kind.value,
        "state": operation.state.value,
        "amount_minor": operation.amount_minor,
        "provider_reference": operation.op_ref,
        "reason": operation.reason.render() if operation.reason else None,
        "reason_code": operation.reason_code,
        "reference": operation.reference or None,
    }


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def journal_upgrade(done: int, total: int) -> None:
    """An upgrade of a large journal takes seconds: said, step by step, on stderr."""
    say(f"Updating the journal for this version of pos-app: step {done} of {total}…"
         if done < total else "The journal is up to date.")


def print_payment(payment: Payment, as_json: bool, *, reference: str = "") -> None:
    if as_json:
        extra = {"reference": reference} if reference else {}
        print(json.dumps(payment_json(payment) | extra, ensure_ascii=False))
        return
    print(f"{payment.id}  {payment.provider}  {payment.amount}  {payment.state.value}")
    if reference:
        print(f"  reference: {reference}")
    print(f"  {describe_state(payment.state).render()}")
    if payment.reason:
        print(f"  {payment.reason.render()}")
    if payment.provider_ref:
        print(f"  transaction: {payment.provider_ref}")
    for name, value in payment.receipt_fields.items():
        print(f"  {name}: {value}")
    if payment.attention:
        print(f"  ATTENTION: {payment.attention.render()}")


def report_error(code: int, error: UserError | str, as_json: bool) -> int:
    text = error.message.render() if isinstance(error, UserError) else error
    if as_json:
        print(json.dumps({"error": text, "code": getattr(error, "code", None),
                          "exit_code": code}, ensure_ascii=False))
    else:
        say(f"pos-app: {text}")
    return code


def fail(code: int, error: UserError | str, as_json: bool) -> NoReturn:
    raise Exit(report_error(code, error, as_json))
