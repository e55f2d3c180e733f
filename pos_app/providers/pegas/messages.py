"""Cashier sentences for Pegas-kassa answers (spec §4)."""

from __future__ import annotations

from pos_app.i18n import Message

C = "Pegas"

REJECTED = Message(C, "Pegas-kassa refused the request: {details}")
INVALID = Message(C, "Pegas-kassa refused “{path}”: {details}")
PROVIDER_ERROR = Message(C, "The payment method refused the request ({details}). Try another "
                            "deposit type or try again later.")
ACCESS_DENIED = Message(C, "Pegas-kassa does not allow this for the site (is the deposit type "
                           "enabled in the cabinet?).")
NOT_FOUND = Message(C, "Pegas-kassa does not know this transaction.")
PAYOUT_NEEDS_DESTINATION = Message(
    C, "This payout has not reached Pegas-kassa, and its destination is not kept after a "
       "restart. Repeat it with the same reference (it is sent once, with the same order id), "
       "or resolve it as not paid.")
DUPLICATE = Message(C, "Pegas-kassa already has this order id; its outcome is being checked.")
CANNOT_CANCEL = Message(C, "Pegas-kassa cannot cancel it any more; the customer probably paid.")
NOT_PAID = Message(C, "The payment did not go through.")  # its status: in the journal
EXPIRED = Message(C, "The customer did not pay in time.")
CANCELLED = Message(C, "Cancelled.")
LINK_LOST = Message(C, "The payment link was lost in a failure, so the payment was cancelled and "
                       "cannot be paid twice. Start it again.")
ORPHAN = Message(C, "Pegas-kassa has this order ({order}) but gave no id, so it cannot be "
                    "checked or cancelled here. Check it in the Pegas-kassa cabinet.")
NO_STATUS = Message(C, "Pegas-kassa offers no way to check this payment; confirm it in the "
                       "cabinet.")
BAD_TYPE = Message(C, "Unknown deposit type “{type}”.")
NEEDS_PHONE = Message(C, "This deposit type needs the payer's phone number, e.g. +79991234567.")
BAD_COMMENT = Message(C, "The comment must be 3 to 100 characters long.")
BAD_METHOD = Message(C, "Unknown payout method “{method}”; use wallet, yandex, card, nickname "
                        "or phone.")
BAD_NUMBER = Message(C, "“{number}” cannot take a payout: it needs {what}.")
# What each payout method needs, in words ("… as card" said the method's code, a walk).
PAYOUT_NUMBER = {
    "card": Message(C, "a bank card number"),
    "phone": Message(C, "a phone number"),
    "wallet": Message(C, "a QIWI wallet number"),
    "yandex": Message(C, "a YooMoney wallet number"),
    "nickname": Message(C, "a QIWI nickname"),
}
WITHDRAWAL_NO_CANCEL = Message(C, "A payout cannot be cancelled from the register.")
PROBE_OK = Message(C, "Pegas-kassa answered: the balance is {balance} RUB.")
RECEIPT_NOT_READY = Message(C, "The receipt is not ready yet; try again in a moment.")
