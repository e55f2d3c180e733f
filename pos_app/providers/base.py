"""The common Provider protocol and the provider-neutral data it exchanges.

Providers never import ``pos_app.core``: amounts cross this boundary as integer
minor units plus a currency code, and states as :class:`RemoteState`, which the
payment service maps onto its own state machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from msgspec import Struct, field
from msgspec.structs import asdict

from pos_app.i18n import Message


class RemoteState(StrEnum):
    """What the provider says about a payment, in provider-neutral words."""

    PENDING = "PENDING"
    PAID = "PAID"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    REFUNDING = "REFUNDING"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"
    # Part of the amount arrived (Paymega `partially_processed`): a person decides what next.
    UNDERPAID = "UNDERPAID"


class RemoteOperationState(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    REJECTED = "REJECTED"


class Capabilities(Struct, frozen=True):
    """What a provider can do; the service and the UI offer only these actions.

    What a provider *has* beyond the :class:`Provider` protocol — its own receipt files, a
    balance, a list of payments — is said by the optional protocols it implements
    (:class:`ReceiptSource`, :class:`BalanceSource`, :class:`ActivitySource`), not here."""

    cancel: bool = False
    refund: bool = False
    partial_refund: bool = False
    refund_by_items: bool = False
    register_shows_qr: bool = False
    customer_barcode: bool = False
    withdrawal: bool = False
    # ``recover`` only looks a payment up by its key (Paymega, Pegas-kassa); False: it finds
    # one by resending the create (Koshelek), so it is never used just to ask.
    lookup_by_key: bool = True


class Limits(Struct, frozen=True):
    min_minor: int
    max_minor: int


class PollPolicy(Struct, frozen=True):
    """How often to ask for the status of a payment in progress (seconds)."""

    first_delay: float
    interval: float
    slow_interval: float
    slow_after: float
    # Cancel automatically when no final status came within this time (Koshelek: 30 s).
    cancel_after: float | None = None
    # Keep asking this long after the payment's own expiry, to catch a late final status.
    grace_after_expiry: float = 120.0


class LineItem(Struct, frozen=True):
    """A sale line as providers need it. ``price_minor`` may be fractional (price per gram)."""

    name: str
    article: str
    price_minor: Decimal
    quantity: Decimal
    measure: str
    total_minor: int
    subtotal_minor: int
    discount_minor: int
    vat: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["price_minor"] = str(self.price_minor)
        data["quantity"] = str(self.quantity)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineItem:
        return cls(
            name=str(data["name"]),
            article=str(data["article"]),
            price_minor=Decimal(str(data["price_minor"])),
            quantity=Decimal(str(data["quantity"])),
            measure=str(data["measure"]),
            total_minor=int(data["total_minor"]),
            subtotal_minor=int(data["subtotal_minor"]),
            discount_minor=int(data["discount_minor"]),
            vat=str(data["vat"]),
        )


class PaymentRequest(Struct, frozen=True):
    """One payment attempt. ``key`` is its idempotency key, journaled before sending.

    ``private`` options (a payout card number) are used for the first send only and
    are never written to the journal; after a restart they are gone.
    """

    key: str
    order_id: str
    amount_minor: int
    currency: str
    description: str
    items: tuple[LineItem, ...]
    options: Mapping[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None
    private: Mapping[str, str] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal whatever their ``private`` options: the journal never holds those."""
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name)
                   for name in self.__struct_fields__ if name != "private")

    def __repr__(self) -> str:  # never the private options (a payout's card number)
        shown = ", ".join(f"{name}={getattr(self, name)!r}"
                          for name in self.__struct_fields__ if name != "private")
        return f"PaymentRequest({shown})"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "order_id": self.order_id,
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "description": self.description,
            "items": [item.to_json() for item in self.items],
            "options": dict(self.options),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PaymentRequest:
        expires = data.get("expires_at")
        return cls(
            key=str(data["key"]),
            order_id=str(data["order_id"]),
            amount_minor=int(data["amount_minor"]),
            currency=str(data["currency"]),
            description=str(data.get("description", "")),
            items=tuple(LineItem.from_json(i) for i in data.get("items", ())),
            options={str(k): str(v) for k, v in (data.get("options") or {}).items()},
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


class PaymentRef(Struct, frozen=True):
    """Everything a provider needs to address an existing payment."""

    request: PaymentRequest
    provider_ref: str | None


class RefundRequest(Struct, frozen=True):
    key: str
    amount_minor: int
    currency: str
    items: tuple[LineItem, ...]
    reason: str = ""
    # What the journal says was refunded before this refund: lets a provider judge a
    # refund whose answer was lost by the total refunded so far.
    refunded_before_minor: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "items": [item.to_json() for item in self.items],
            "reason": self.reason,
            "refunded_before_minor": self.refunded_before_minor,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RefundRequest:
        return cls(
            key=str(data["key"]),
            amount_minor=int(data["amount_minor"]),
            currency=str(data["currency"]),
            items=tuple(LineItem.from_json(i) for i in data.get("items", ())),
            reason=str(data.get("reason", "")),
            refunded_before_minor=int(data.get("refunded_before_minor", 0)),
        )


class RemotePayment(Struct, frozen=True):
    """A provider's answer about a payment, already translated into neutral terms."""

    state: RemoteState
    provider_ref: str | None = None
    raw_status: str = ""
    reason_code: str | None = None
    reason: Message | None = None
    paid_minor: int | None = None
    refunded_minor: int | None = None
    payer_url: str | None = None
    payer_text: str | None = None
    expires_at: datetime | None = None
    receipt_fields: Mapping[str, str] = field(default_factory=dict)
    # Orders provider updates; a smaller value than the last seen one is stale.
    version: int | None = None


class RemoteOperation(Struct, frozen=True):
    """A provider's answer about a cancel or a refund."""

    state: RemoteOperationState
    op_ref: str | None = None
    payment: RemotePayment | None = None
    reason_code: str | None = None
    reason: Message | None = None
    receipt_fields: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class ReceiptSource(Protocol):
    """A provider that issues its own receipt files (Pegas-kassa)."""

    async def receipt_file(self, ref: PaymentRef, fmt: str) -> tuple[bytes, str]:
        """The file and its content type; NotFound while it does not exist yet."""
        ...


class RemoteListed(Struct, frozen=True):
    """One payment as a provider's list shows it (for finding payments the journal lacks)."""

    key: str  # our idempotency key (Paymega's reference_id)
    amount_minor: int
    currency: str
    created: datetime
    remote: RemotePayment


@runtime_checkable
class ActivitySource(Protocol):
    """A provider that lists this terminal's payments of a period (Paymega)."""

    async def payments_between(self, since: datetime, until: datetime) -> list[RemoteListed]:
        ...


@runtime_checkable
class BalanceSource(Protocol):
    """A provider that reports the site's balance: ``balance_minor`` in minor units of
    ``balance_currency`` (ISO 4217, the provider's own, not necessarily the terminal's)."""

    balance_currency: str

    async def balance_minor(self) -> int: ...


class Provider(Protocol):
    """What the payment service needs from a provider adapter — the app's central contract.

    Every call answers in provider-neutral terms or raises one of the classes of
    ``pos_app/providers/errors.py``, which the driver (``pos_app/core/payments/driver.py``)
    acts on; an adapter maps *every* answer of its API (each HTTP code, a timeout, a cut or
    malformed body) to exactly one of them:

    - ``Rejected`` (and ``InvalidInput``, ``AuthFailed``, ``NotFound``): refused, nothing
      changed there;
    - ``OutcomeUnknown`` (and ``RateLimited`` with its Retry-After, ``MalformedResponse``):
      the request may have acted — asked again with the same key, never made anew;
    - ``InProgress``: still being processed there — asked again later;
    - ``NeedsPerson``: nothing automatic can settle it — the payment is flagged.

    Idempotency keys are made by :meth:`new_payment_key` / :meth:`new_operation_key` and
    journaled before the first send; a resend uses the same key and body.  The contracts:
    ``../shared/specs/koshelek-pay.md``, ``../shared/specs/paymega.md``,
    ``../shared/specs/pegas-kassa.md``.
    """

    id: str
    display_name: str
    capabilities: Capabilities
    limits: Limits
    poll_policy: PollPolicy
    # How long a payment request stays payable (the cashier's countdown); None: no expiry.
    lifetime: timedelta | None
    # Options from prepare() that are sent but never journaled (see PaymentRequest.private).
    private_options: frozenset[str]
    # What the cashier tells the customer beside its button on the choose screen.
    payment_hint: Message
    # "module:Class" of the inputs it asks for on the choose screen (a Qt widget, made with
    # the provider: ``Class(provider)``, ``.options() -> dict[str, str]``,
    # ``.retranslate()``), or None: nothing to ask before paying.  A path, so that neither
    # the core nor the command line imports Qt.
    options_widget: str | None

    def new_payment_key(self, payment_id: str) -> str:
        """The idempotency key for a new payment attempt (the provider's own format: a
        UUID for Koshelek's ``requestId``, koshelek-pay.md §3.7)."""
        ...

    def new_operation_key(self, payment_id: str, kind: str) -> str:
        """The idempotency key of a cancel or refund (``kind``) of the payment."""
        ...

    async def prepare(self, options: Mapping[str, str]) -> Mapping[str, str]:
        """Check and enrich the cashier's input (e.g. read a barcode) before any journal
        write.  Returns the options to send.  Raises ``InvalidInput`` (a sentence naming
        what is wrong); makes no payment."""
        ...

    async def create(self, request: PaymentRequest) -> RemotePayment:
        """Send the payment (checkout, invoice, deposit) under ``request.key``.  Returns its
        first state (PENDING with a link or QR, or final).  Raises ``Rejected`` (declined
        before anything was made), ``OutcomeUnknown`` (the answer was lost: :meth:`recover`
        finds out), ``InProgress`` (made, not answered yet), ``NeedsPerson``."""
        ...

    async def recover(self, request: PaymentRequest) -> RemotePayment | None:
        """Learn the outcome of a create whose answer was lost, by its key.

        ``None`` means the provider confirms nothing was created, so creating again
        with the same key is safe.  Raises ``OutcomeUnknown`` or ``InProgress`` while it
        cannot tell, ``NeedsPerson`` when no automatic way can (no lookup by key and no
        safe resend), ``Rejected`` when the create is known to have been refused.
        """
        ...

    async def status(self, ref: PaymentRef) -> RemotePayment:
        """The payment's state there now.  Raises ``NotFound`` (not known there: a person is
        asked only after several in a row), ``OutcomeUnknown`` (no answer this time; a 429
        as ``RateLimited``), ``InProgress``, ``NeedsPerson``.  A failed read decides nothing
        about the money."""
        ...

    async def cancel(self, ref: PaymentRef, key: str) -> RemoteOperation:
        """Cancel a payment in progress under idempotency ``key``.  Returns the operation:
        DONE (with the payment's state), PENDING (asked about by ``operation_status``) or
        REJECTED (typically: paid meanwhile).  Raises ``Rejected`` (the payment moved on:
        its state is read next), ``OutcomeUnknown`` (resent, same key), ``InProgress``."""
        ...

    async def refund(self, ref: PaymentRef, request: RefundRequest) -> RemoteOperation:
        """Refund ``request.amount_minor`` (or its items) under ``request.key``; a resend
        after a lost answer is the same body (koshelek-pay.md §4.7).  Returns DONE, PENDING
        or REJECTED.  Raises ``Rejected`` (refused: nothing returned), ``OutcomeUnknown``
        (resent, same key), ``InProgress``, ``NeedsPerson``."""
        ...

    async def operation_status(self, ref: PaymentRef, op_ref: str) -> RemoteOperation:
        """A cancel's or refund's state there now (``op_ref``: the provider's id of it).
        Raises as :meth:`status`; a failed read decides nothing about the operation."""
        ...

    async def warm_up(self) -> None:
        """Learn, before the first payment, what the provider's account itself allows and the
        terminal must know to offer it right (Paymega: its service's amount range, which
        narrows :attr:`limits`); nothing to learn: returns at once.  Raises nothing: a
        failure is logged, and what is learned is asked again at the payment."""
        ...

    async def probe(self) -> Message:
        """A cheap authenticated call: says the provider is reachable with these settings.
        Raises ``AuthFailed`` (credentials refused), ``OutcomeUnknown`` (unreachable)."""
        ...

    async def aclose(self) -> None:
        """Close the provider's HTTP connections."""
        ...
