"""Russian first (issue 20 #1): what the cashier mistypes is told in Russian, in the real
window — the amount errors were English sentences in the Russian UI."""

from __future__ import annotations

from collections.abc import Callable

from tests.window import flows
from tests.window.app import App, Snapshot
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


def test_an_amount_typed_on_the_russian_layout_is_taken(make_app: MakeApp) -> None:
    """A walk: the key of the US comma types "б" under the Russian layout, and "13б50" was
    "not an amount"."""
    app = make_app(language="ru")
    app.focus_on("amountField")
    app.x.layout("us", "ru", active=1)  # Russian
    try:
        app.x.scanner("13,50", per_key_ms=150)  # a person's pace, the US comma's key, Enter
        app.wait(lambda s: "13,50" in s.text("saleTotal"), what="13,50 added")
    finally:
        app.x.layout("us")
    assert app.snapshot().text("saleMessage") == ""


def test_the_language_chosen_in_the_top_bar_is_kept_after_a_restart(make_app: MakeApp) -> None:
    """Issue 20 #3: the top bar's choice was lost on restart.  Settings saved without
    touching the language keep it (a walk: saving the paper width switched a Russian window
    to English); a language the manager changes there is used at once, and at the start."""
    app = make_app(language="en")
    app.click("languageButton")
    app.wait(lambda s: s.text("saleTotal").startswith("Итого"), what="Russian")
    app.stop()
    app.start()
    snap = app.snapshot()
    assert snap.text("saleTotal").startswith("Итого"), snap.text("saleTotal")
    assert snap.text("languageButton") == "English"
    save_settings(app, ok="Сохранено")  # nothing changed in them: still Russian
    assert app.snapshot().text("settingsBack") == "Назад"
    app.click("settingsBack")
    app.on_screen("saleScreen")
    save_settings(app, ok="Сохранено", language="Русский")  # changed there: en → ru
    app.click("settingsBack")
    app.on_screen("saleScreen")
    app.click("languageButton")  # and the top bar once more, for this session only…
    app.wait(lambda s: s.text("saleTotal").startswith("Total"), what="English")
    app.stop()
    app.start()  # …kept across starts as the cashier's choice
    assert app.snapshot().text("saleTotal").startswith("Total")


def save_settings(app: App, *, ok: str, language: str | None = None) -> None:
    """Settings (the training PIN), the language chosen if given, Save, OK."""
    flows.open_settings(app)
    if language is not None:
        app.choose_in("language", language)
    app.click("saveSettings")
    app.message(contains=ok)
    app.click("ok", window="infoBox")
    app.no_modal()
