"""Every event kind the code can journal reads in words (the history's event log)."""

from __future__ import annotations

from pos_app.core.events import EventKind, describe_event, known_event, state_word
from pos_app.core.states import OperationState, PaymentState
from pos_app.i18n import set_translator
from pos_app.providers.base import RemoteState
from tests.helpers import translator


def test_every_kind_has_words() -> None:
    """Kinds are an enum the journal's writers require (mypy refuses a free string), so a
    kind written is a kind listed; each reads in words, but the shift's own events, which
    belong to no payment's history."""
    assert sorted(k for k in EventKind if not known_event(k)
                  and not k.startswith("shift_")) == []


def test_every_operation_answer_is_a_kind() -> None:
    for kind in ("cancel", "refund"):
        for state in OperationState:
            assert known_event(EventKind.of_operation(kind, state.value))


def test_words_follow_the_language_and_unknown_kinds_still_read() -> None:
    assert describe_event("refund_done") == "Refund done"
    assert describe_event("something_new") == "something new"  # written by a newer version
    set_translator(translator({"Refund done": "Возврат выполнен", "paid": "оплачен"}))
    try:
        assert describe_event("refund_done") == "Возврат выполнен"
        assert state_word("PAID") == "оплачен"
    finally:
        set_translator(None)


def test_every_state_has_words() -> None:
    for state in (*PaymentState, *RemoteState):
        assert state_word(state.value) != state.value, state
