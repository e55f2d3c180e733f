"""Every event kind the code can journal reads in words (the history's event log)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pos_app
from pos_app.core.events import describe_event, known_event, state_word
from pos_app.core.states import OperationState, PaymentState
from pos_app.i18n import set_translator
from pos_app.providers.base import RemoteState

KIND = re.compile(r"[a-z]+(_[a-z]+)+|[a-z]+")
WRITERS = {"_move", "_apply", "insert_event", "log_event", "update_payment", "add_operation",
           "update_operation"}


def written_kinds() -> set[str]:
    """Kinds passed as literals to the journal's writers (positionally or as ``event=``)."""
    kinds: set[str] = set()
    for path in Path(pos_app.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            values = [k.value for k in node.keywords if k.arg == "event"]
            if name in WRITERS:
                values += node.args
            kinds |= {v.value for v in values if isinstance(v, ast.Constant)
                      and isinstance(v.value, str) and KIND.fullmatch(v.value)}
    # Operations journal "<kind>_<state>" (Recorder.finish_operation).
    kinds |= {f"{kind}_{state.value.lower()}" for kind in ("cancel", "refund")
              for state in OperationState}
    return kinds


def test_every_kind_written_has_words() -> None:
    kinds = written_kinds()
    assert {"payment_created", "refund_done", "cancel_sent", "resolved_manually"} <= kinds
    assert sorted(k for k in kinds if not known_event(k)
                  and not k.startswith("shift_")) == []  # shift events belong to no payment


def test_words_follow_the_language_and_unknown_kinds_still_read() -> None:
    assert describe_event("refund_done") == "Refund done"
    assert describe_event("something_new") == "something new"  # written by a newer version
    set_translator(lambda context, text: {"Refund done": "Возврат выполнен",
                                          "paid": "оплачен"}.get(text, text))
    try:
        assert describe_event("refund_done") == "Возврат выполнен"
        assert state_word("PAID") == "оплачен"
    finally:
        set_translator(None)


def test_every_state_has_words() -> None:
    for state in (*PaymentState, *RemoteState):
        assert state_word(state.value) != state.value, state
