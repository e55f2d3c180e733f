"""Messages are translated when shown, also when they are kept in the journal."""

from __future__ import annotations

import json

from pos_app.i18n import Message, set_translator
from tests.helpers import translator


def test_a_message_inside_a_message_is_kept_and_translated_when_shown() -> None:
    inner = Message("Events", "paid")
    outer = Message("Reconciliation", "{state} {amount}", {"state": inner, "amount": "5 ₽"})
    stored = json.loads(json.dumps(outer.to_json()))  # as the journal keeps it
    assert Message.from_json(stored) == outer
    set_translator(translator({"paid": "оплачен"}))
    try:
        assert Message.from_json(stored).render() == "оплачен 5 ₽"
    finally:
        set_translator(None)
