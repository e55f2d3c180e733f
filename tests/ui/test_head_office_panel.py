"""Each state of the head office a manager can meet has its own sentence, in both languages
(issue 19): every reason the head office stops taking the journal, no answer (with and
without an earlier one), sending, all sent; a release waiting, applied, refused (with its
reasons in the reader's language), none yet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from pos_app.core.config import ConfigError, parse_config
from pos_app.headoffice.shipper import STOPPED_CODES
from pos_app.ui.head_office import journal_line, release_lines
from pos_app.ui.translations import Translations

AT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
CODES = ["restored", "diverged", *STOPPED_CODES.values()]


def shipper(**state: object) -> SimpleNamespace:
    base = {"stopped_code": None, "trouble": None, "reached_at": AT, "cursor": 10,
            "backlog": 0}
    return SimpleNamespace(**{**base, **state})


@pytest.fixture(params=["ru", "en"])
def language(request: pytest.FixtureRequest, qapp: object, tmp_path: Path) -> Iterator[str]:
    translations = Translations(tmp_path / "qm")
    translations.use(request.param)
    yield str(request.param)
    translations.use("en")  # the translator is global: the next test starts in English


def test_every_stop_has_its_own_sentence(language: str) -> None:
    lines = [journal_line(shipper(stopped_code=code)) for code in CODES]  # type: ignore[arg-type]
    assert len(set(lines)) == len(CODES)
    go_on = "Платежи принимаются как обычно." if language == "ru" else \
        "Payments go on as usual."
    assert all(line.endswith(go_on) for line in lines)


@pytest.mark.parametrize(("state", "ru", "en"), [
    ({"trouble": "HTTP 503", "backlog": 42}, "Ждут передачи событий: 42",
     "42 events wait here"),
    ({"trouble": "HTTP 503"}, "не отвечает (последний ответ в", "does not answer (last answer"),
    ({"trouble": "no answer", "reached_at": None, "cursor": None},
     "ответа не было с момента запуска", "no answer since the start"),
    ({"cursor": None}, "Подключение к головному офису", "Connecting to the head office"),
    ({"backlog": 1200}, "осталось событий: 1200", "1200 events to go"),
    ({}, "Журнал передан полностью", "The journal is all sent"),
])
def test_the_journals_way(language: str, state: dict[str, object], ru: str, en: str) -> None:
    line = journal_line(shipper(**state))  # type: ignore[arg-type]
    assert (ru if language == "ru" else en) in line
    assert "HTTP" not in line  # the log's English reason stays in the log


def test_releases(language: str) -> None:
    applied = {"version": 3, "at": AT.isoformat(), "changed": ["ui.paper_width_mm"],
               "messages": []}
    with pytest.raises(ConfigError) as wrong:  # the register's own check, as a release meets it
        parse_config({"ui": {"paper_width_mm": 57}})
    refused = {"version": 4, "at": AT.isoformat(), "changed": [],
               "messages": [m.to_json() for m in wrong.value.problems]}
    none_yet = release_lines("catalog", None, None)
    waiting = release_lines("config", {"applied": applied, "refused": None}, 5)
    both = release_lines("config", {"applied": applied, "refused": refused}, None)
    if language == "ru":
        assert none_yet == ["Каталог товаров: ещё не получено ничего из головного офиса."]
        assert waiting[0].startswith("Конфигурация: версия 3, применена 30.11 ")
        assert waiting[0].endswith("Изменено: ui.paper_width_mm.")
        assert waiting[1].startswith("Конфигурация: версия 5 получена")
        assert "закрыты Настройки" in waiting[1]
        assert both[0].startswith("Конфигурация: версия 3, применена")  # what it runs
        assert "версия 4 не прошла проверки" in both[1]
        assert "57 вне пределов 58…80" in both[1]  # the reason in Russian too
    else:
        assert none_yet == ["Product catalog: no release from the head office in use yet."]
        assert waiting[1].startswith("Configuration: version 5 has arrived")
        assert "refused by this register's checks" in both[1]
