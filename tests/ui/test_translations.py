"""The Russian translation is complete, current, keeps every placeholder, and loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.i18n import msg, tr
from pos_app.ui import translations as t
from pos_app.ui.translations import FORMS, Translations, all_texts, read_ts, ts_path, write_ts

PLACEHOLDER = re.compile(r"\{(\w*)\}")


def test_every_text_is_translated_and_the_ts_file_is_current(tmp_path: Path) -> None:
    texts = all_texts()
    committed = read_ts(ts_path("ru"))
    untranslated = [f"[{x.context}] {x.source}" for x in texts
                    if (x.context, x.source) not in committed]
    assert untranslated == [], "run: uv run python -m pos_app.ui.translations"
    fresh = tmp_path / "ru.ts"
    write_ts(fresh, "ru", texts, committed)
    assert fresh.read_text(encoding="utf-8") == ts_path("ru").read_text(encoding="utf-8"), (
        "the .ts file is out of date: run uv run python -m pos_app.ui.translations")


# Texts passed on, not written here: the helpers that carry a Message further.
PASSED_ON = {"pos_app/i18n.py", "pos_app/redact.py"}
# Issue 20 (English in the Russian UI): texts built at run time, not translated yet.
NOT_YET: set[str] = set()  # every text is read from the code


def test_every_text_can_be_read_from_the_code() -> None:
    """A context imported from another module made the Settings options English: the texts
    were never found, and "0 untranslated" said nothing (a walk found it)."""
    unread = [where for where in t.texts_not_read()
              if where.rpartition(":")[0] not in PASSED_ON | NOT_YET]
    assert unread == [], "give each tr()/msg() a literal or a module-level context constant"


def test_translations_keep_every_placeholder() -> None:
    for (context, source), russian in read_ts(ts_path("ru")).items():
        for form in russian.split(FORMS):  # each plural form keeps them all, %n too
            assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(source)), (
                context, source, form)
            assert ("%n" in form) == ("%n" in source), (context, source, form)


def test_the_texts_are_found_in_the_code(tmp_path: Path) -> None:
    module = tmp_path / "pos_app" / "screen.py"
    module.parent.mkdir()
    module.write_text('C = "Screen"\n'
                      'a = tr(C, "Hello {name}", name=x)\n'
                      'b = msg("Other", "Bye")\n'
                      'c = tr(C, variable)\n'
                      'from pos_app.ui.settings_box import C as SETTINGS\n'
                      'd = tr(SETTINGS, "Refunds")\n', encoding="utf-8")
    found = {(x.context, x.source) for x in t.texts_in(module, root=tmp_path)}
    assert found == {("Screen", "Hello {name}"), ("Other", "Bye")}
    assert t.texts_not_read(module.parent) == ["pos_app/screen.py:4", "pos_app/screen.py:6"]


def test_russian_is_built_and_loaded(qtbot: QtBot, tmp_path: Path) -> None:
    translations = Translations(tmp_path)
    try:
        translations.use("ru")
        assert translations.language == "ru"
        assert tr("Sale", "Pay") == "Оплатить"
        assert tr("Pin", "Wrong PIN. {n} tries left.", n=3) == "Неверный PIN. Осталось попыток: 3."
        assert msg("MainWindow", "History").render() == "История"
        assert msg("MainWindow", "History").english() == "History"
        assert list(tmp_path.glob("pos_app_ru-*.qm")), "the .qm is built into the cache"
    finally:
        translations.use("en")
    assert tr("Sale", "Pay") == "Pay"


def test_a_missing_translation_keeps_english(qtbot: QtBot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(t, "ts_path", lambda language: tmp_path / "nowhere.ts")
    translations = Translations(tmp_path)
    translations.use("ru")
    assert translations.language == "en"
    assert tr("Sale", "Pay") == "Pay"
    assert "could not be built" in caplog.text


def test_qts_own_buttons_are_russian_too(qtbot: QtBot, tmp_path: Path) -> None:
    """Issue 20: a Russian confirmation said "Yes" and "No" (Qt's qtbase_ru was never
    loaded); and English again after switching back."""
    from pos_app.ui.qt import QMessageBox

    translations = Translations(tmp_path)
    try:
        translations.use("ru")
        fresh = QMessageBox()
        qtbot.addWidget(fresh)
        fresh.setStandardButtons(QMessageBox.StandardButton.Yes |
                                 QMessageBox.StandardButton.No)
        assert [fresh.button(b).text() for b in (QMessageBox.StandardButton.Yes,
                                                 QMessageBox.StandardButton.No)] == [
            "&Да", "&Нет"]
    finally:
        translations.use("en")
    again = QMessageBox()
    qtbot.addWidget(again)
    again.setStandardButtons(QMessageBox.StandardButton.Yes)
    assert again.button(QMessageBox.StandardButton.Yes).text() == "&Yes"


def test_settings_choices_are_words_not_codes(qtbot: QtBot, tmp_path: Path) -> None:
    """Issue 20: Settings showed invoice-select, auto/on/off, private/public, SBP and "80 mm"
    in the Russian window.  Shown in words now; the file keeps the codes."""
    from pos_app.core.config import TerminalConfig
    from pos_app.core.secrets import SecretStore
    from pos_app.providers.pegas.settings import PegasSettings
    from pos_app.ui.qt import QComboBox
    from pos_app.ui.settings import SettingsForm

    translations = Translations(tmp_path)
    try:
        translations.use("ru")
        form = SettingsForm(SecretStore(environ={}), show_security=False)
        qtbot.addWidget(form)
        config = TerminalConfig().with_provider(PegasSettings(deposit_type="wallet-card"))
        form.load(config)

        def shown(name: str) -> list[str]:
            widget = form.findChild(QComboBox, name)
            assert widget is not None, name
            return [widget.itemText(i) for i in range(widget.count())]

        assert shown("koshelek_payment_type") == ["СБП (Система быстрых платежей)",
                                                  "Долями (оплата частями)"]
        assert shown("paymega_api") == ["Закрытый (логин и пароль)",
                                        "Публичный (только публичный ключ)"]
        assert "Перевод на номер карты" in shown("pegas_deposit_type")
        assert shown("pegas_status_channel")[0] == "Использовать, если есть на сайте"
        assert shown("paperWidthSetting") == ["80 мм", "58 мм"]
        again = form.to_config()
        assert again.settings(PegasSettings).deposit_type == "wallet-card"  # the code
        assert again.ui.paper_width_mm == 80
    finally:
        translations.use("en")


def test_a_configuration_problem_reads_in_russian(qapp: object, tmp_path: Path) -> None:
    """Config errors were English in the Russian UI (issue 20 #1): "expected a number, got
    'abc'"."""
    from pos_app.core.config import ConfigError, parse_config
    from pos_app.ui.translations import Translations

    translations = Translations(tmp_path / "qm")
    translations.use("ru")
    try:
        with pytest.raises(ConfigError) as wrong:
            parse_config({"ui": {"paper_width_mm": "wide", "colour": "red"}})
        said = [p.render() for p in wrong.value.problems]
        english = [p.english() for p in wrong.value.problems]
    finally:
        translations.use("en")
    assert said == ["ui.paper_width_mm: ожидается целое число, указано 'wide'",
                    "ui.colour: неизвестная настройка (опечатка?)"]
    assert english == ["ui.paper_width_mm: expected a whole number, got 'wide'",
                       "ui.colour: unknown setting (a typo?)"]


@pytest.mark.parametrize(("n", "russian", "english"), [
    (1, "Сверка: 1 расхождение требует решения.", "Reconciliation: 1 difference to resolve."),
    (3, "Сверка: 3 расхождения требуют решения.", "Reconciliation: 3 differences to resolve."),
    (5, "Сверка: 5 расхождений требуют решения.", "Reconciliation: 5 differences to resolve."),
    (21, "Сверка: 21 расхождение требует решения.",
     "Reconciliation: 21 differences to resolve."),
])
def test_plurals_follow_the_count(qapp: object, tmp_path: Path, n: int, russian: str,
                                  english: str) -> None:
    """Issue 20 #4: "{n} difference(s)" by hand; Russian has three forms (Qt's %n)."""
    from pos_app.i18n import trn
    from pos_app.ui.translations import Translations

    text = "Reconciliation: %n difference(s) to resolve."
    translations = Translations(tmp_path / "qm")
    translations.use("ru")
    try:
        said = trn("ShiftScreen", text, n)
    finally:
        translations.use("en")
    assert (said, trn("ShiftScreen", text, n)) == (russian, english)
