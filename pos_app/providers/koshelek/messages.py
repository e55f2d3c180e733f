"""Cashier sentences for Koshelek Pay error codes (spec §8.1, §8.2; hints paraphrased from [S9])."""

from __future__ import annotations

from pos_app.i18n import Message

C = "Koshelek"

# HTTP 422 `code` values (spec §8.1).
CODE_MESSAGES: dict[str, Message] = {
    "UNKNOWN_SESSION_ID": Message(C, "The customer's code is not valid any more. Ask the "
                                     "customer to refresh it and scan again."),
    # Said of a payment and of a refund alike: no advice that fits one only (a walk: a
    # refused refund said "take another payment method").
    "UNKNOWN_TRANSACTION_ID": Message(C, "Koshelek Pay does not know this payment. "
                                         "Try again."),
    "UNKNOWN_PARTNER_ID": Message(C, "Koshelek Pay does not know this store. Ask the "
                                     "administrator to check the store id and credentials."),
    "WRONG_TRANSACTION_STATE_CHANGE": Message(C, "Koshelek Pay cannot do this in the payment's "
                                                 "current state. Its status is being checked."),
    "PAYMENT_TRANSACTION_IS_NOT_PAID": Message(C, "The payment was not completed, so there is "
                                                  "nothing to refund."),
    "CANCEL_REFUNDING_BY_BANK": Message(C, "The bank cancelled the refund. Try again later or "
                                           "handle the refund manually."),
    "TRANSACTION_FOR_SESSION_ID_ALREADY_EXISTS": Message(C, "A payment already exists for this "
                                                            "customer code. Ask the customer to "
                                                            "refresh the code in the app."),
    "TRANSACTION_FOR_SESSION_ID_ALREADY_PAYED": Message(C, "This customer code was already used "
                                                           "for a completed payment. Ask the "
                                                           "customer to refresh the code."),
    "TRANSACTION_IN_PROCESSING": Message(C, "Koshelek Pay is still processing the payment. Wait."),
    "EXTERNAL_PROVIDER_ERROR": Message(C, "The bank or payment provider reported an error. "
                                          "Try again."),
}

# `errorCode` values in 200 bodies with status/refStatus `rejected` (spec §8.2).
ERROR_CODE_MESSAGES: dict[str, Message] = {
    "NOT_ENOUGH_LIMIT_TO_PAY": Message(C, "The customer's limit is not enough for this purchase."),
    "TOTAL_AMOUNT_IS_TOO_SMALL": Message(C, "The amount is below the Koshelek Pay minimum "
                                            "(4 roubles)."),
    "EXTERNAL_PROVIDER_ERROR": CODE_MESSAGES["EXTERNAL_PROVIDER_ERROR"],
    "SUBSCRIPTION_IS_NOT_FOUND": Message(C, "The customer has no active Faster Payments link in "
                                            "the app. Take another payment method."),
    "PAYMENT_DECLINED_BY_EXTERNAL_PROVIDER": Message(C, "The customer's bank declined the "
                                                        "payment."),
    "PAYMENT_ORDER_IS_NOT_FOUND": Message(C, "The payment provider could not find the order. "
                                             "Try again."),
    "PAYMENT_TRANSACTION_IS_NOT_PAID": CODE_MESSAGES["PAYMENT_TRANSACTION_IS_NOT_PAID"],
    "TERMINAL_STATE_OF_PAYMENT_TRANSACTION": Message(C, "The payment was cancelled, declined or "
                                                        "already fully refunded."),
    "PAYMENT_TRANSACTION_IS_BEING_REFUNDED_ALREADY": Message(C, "Another refund of this payment "
                                                                "is still running. Wait until it "
                                                                "finishes."),
    "REQUESTED_REFUND_AMOUNT_IS_GREATER_THAN_AVAILABLE": Message(C, "The refund is larger than "
                                                                    "what is left to refund."),
    "UNEXPECTED_REFUND_AMOUNT_LEFT_FROM_EXTERNAL_PROVIDER": Message(C, "The payment provider "
                                                                       "reported an unexpected "
                                                                       "amount left; refund "
                                                                       "manually."),
}

UNKNOWN_CODE = Message(C, "Koshelek Pay refused the request ({code}).")
BAD_REQUEST = Message(C, "Koshelek Pay rejected the request as invalid: {details}")
CUSTOMER_CANCELLED = Message(C, "The customer cancelled the payment.")
NOT_AVAILABLE = Message(C, "Koshelek Pay is not available for this customer: {details}")
ONLY_RUB = Message(C, "Koshelek Pay accepts only roubles (RUB).")
BAD_QUANTITY = Message(C, "The quantity {quantity} of “{name}” cannot be sent to Koshelek Pay "
                          "(at most one digit after the point).")


PROBE_OK = Message(C, "Koshelek Pay answered and accepted the credentials.")


def for_code(code: str) -> Message:
    return CODE_MESSAGES.get(code) or UNKNOWN_CODE.with_params(code=code)


def for_error_code(code: str) -> Message:
    return ERROR_CODE_MESSAGES.get(code) or UNKNOWN_CODE.with_params(code=code)
