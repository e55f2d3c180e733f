"""Russian first (issue 20 #1): what the cashier mistypes is told in Russian, in the real
window — the amount errors were English sentences in the Russian UI."""

from __future__ import annotations

from collections.abc import Callable

from tests.window import flows
from tests.window.app import Snapshot
from tests.window.conftest import MakeApp


def message_is(said: str) -> Callable[[Snapshot], bool]:
    return lambda snap: snap.text("saleMessage") == said


def test_a_mistyped_amount_is_told_in_russian(make_app: MakeApp) -> None:
    app = make_app(language="ru")
    app.focus_on("amountField")
    for typed, said in (
            ("abc", "«abc» — не сумма. Введите цифры и не больше одной запятой."),
            ("12,345", "В 12,345 больше 2 знаков после запятой."),
            ("0", "Сумма должна быть больше нуля.")):
        app.type(typed)
        app.key("Return")
        app.wait(message_is(said), what=f"the error for {typed}")
        app.key("ctrl+a", "BackSpace")
    app.shot("amount-error-ru")


def test_the_language_chosen_in_the_top_bar_is_kept_after_a_restart(make_app: MakeApp) -> None:
    """Issue 20 #3: the top bar's choice was lost on restart."""
    app = make_app(language="en")
    app.click("languageButton")
    app.wait(lambda s: s.text("saleTotal").startswith("Итого"), what="Russian")
    app.stop()
    app.start()
    snap = app.snapshot()
    assert snap.text("saleTotal").startswith("Итого"), snap.text("saleTotal")
    assert snap.text("languageButton") == "English"
    # The manager sets the terminal's language in Settings: that wins, now and after a start.
    app.click("settingsButton")
    flows.enter_pin(app)
    app.on_screen("settingsScreen")
    app.choose_in("language", "English")
    app.click("saveSettings")
    app.message(contains="Сохранено")
    app.click("ok", window="infoBox")
    app.wait(lambda s: s.text("settingsBack") == "Back", what="English")
    app.stop()
    app.start()
    assert app.snapshot().text("saleTotal").startswith("Total")
