"""Koshelek Pay wire models (spec §4, §5). Unknown response fields are ignored (spec §3.1)."""

from __future__ import annotations

import msgspec


class Slip(msgspec.Struct, rename="camel", omit_defaults=True):
    """Bank/provider operation data (spec §5.6). Partial before a final status."""

    id: str | None = None
    payment_type: str | None = None
    store_id: str | None = None
    terminal_id: str | None = None
    order_id: str | None = None
    payment_transaction_id: str | None = None
    refund_transaction_id: str | None = None
    merchant_id: str | None = None
    operation_date_time: str | None = None
    operation_id: str | None = None
    qrc_id: str | None = None
    kzo: str | None = None
    total_amount: int | None = None
    currency: str | None = None

    def receipt_fields(self) -> dict[str, str]:
        """The slip fields the spec asks to print (§5.6), plus the operation details."""
        fields = {
            "orderId": self.order_id,
            "paymentTransactionId": self.payment_transaction_id,
            "refundTransactionId": self.refund_transaction_id,
            "paymentType": self.payment_type,
            "qrcId": self.qrc_id,
            "kzo": self.kzo,
            "operationId": self.operation_id,
            "merchantId": self.merchant_id,
            "operationDateTime": self.operation_date_time,
        }
        return {k: v for k, v in fields.items() if v}


class ErrorBody(msgspec.Struct):
    """HTTP 422 body (spec §3.6)."""

    code: str
    details: str = ""


class CheckoutResponse(msgspec.Struct, rename="camel"):
    transaction_id: str
    status: str
    request_id: str = ""
    slip: Slip | None = None
    error_code: str | None = None


class StatusResponse(msgspec.Struct, rename="camel"):
    status: str = ""
    transaction_id: str = ""
    request_id: str = ""
    ref_transaction_id: str | None = None
    payment_group: str | None = None
    payment_provider: str | None = None
    slip: Slip | None = None
    ref_status: str | None = None
    error_code: str | None = None


class OperationResponse(msgspec.Struct, rename="camel"):
    """Answer to cancel and refund (spec §4.6, §4.7)."""

    ref_status: str
    request_id: str = ""
    ref_transaction_id: str | None = None
    transaction_id: str = ""
    status: str = ""
    slip: Slip | None = None
    error_code: str | None = None


class AvailabilityInfo(msgspec.Struct, rename="camel"):
    payment_type: str
    available: bool
    message: str = ""


class AvailabilityResponse(msgspec.Struct, rename="camel"):
    koshelek_pay_is_default: bool
    payment_type_availability_info_list: list[AvailabilityInfo]
