"""Payments: what is journaled about them (:mod:`.model`) and how they are driven.

The package's parts, each readable alone:

- :mod:`.model` — ``Payment``, ``Operation``, ``Event``: the journal's records (imported
  here, so ``from pos_app.core.payments import Payment`` is the way in);
- :mod:`.rules` — what a provider's answer means, which alert it raises, when to ask
  next: pure functions, no I/O;
- :mod:`.clock` — the one clock the drivers read and wait on (a fake in the tests);
- :mod:`.recorder` — every change written to the journal first, then told to listeners;
- :mod:`.driver` — ``PaymentDriver``: one per unsettled payment, owns its steps (send,
  recover, poll, cancel, refund);
- :mod:`.service` — ``PaymentService``: the public methods the window and the command
  line call.
"""

from pos_app.core.payments.model import Event, Operation, Payment, local_day_start, utcnow

__all__ = ["Event", "Operation", "Payment", "local_day_start", "utcnow"]
