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

from pos_app.headoffice.shipper import STOPPED_CODES
from pos_app.i18n import msg
from pos_app.ui.head_office import journal_line, release_line
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
    ({"trouble": "HTTP 503"}, "не отвечает (последний ответ в", "does not answer (last answer"),
    ({"trouble": "no answer", "reached_at": None}, "ответа не было с момента запуска",
     "no answer since the start"),
    ({"cursor": None}, "Подключение к головному офису", "Connecting to the head office"),
    ({"backlog": 1200}, "осталось событий: 1200", "1200 events to go"),
    ({}, "Журнал передан полностью", "The journal is all sent"),
])
def test_the_journals_way(language: str, state: dict[str, object], ru: str, en: str) -> None:
    line = journal_line(shipper(**state))  # type: ignore[arg-type]
    assert (ru if language == "ru" else en) in line
    assert "HTTP" not in line  # the log's English reason stays in the log


def test_releases(language: str) -> None:
    refused = {"version": 4, "applied": False, "at": AT.isoformat(), "messages": [
        msg("Config", "{key}: {value} is outside {lo}…{hi}", key="ui.paper_width_mm", value=57,
            lo=58, hi=80).to_json()]}
    lines = [release_line("config", None, 5),
             release_line("catalog", None, None),
             release_line("config", {"version": 3, "applied": True, "at": AT.isoformat()},
                           None),
             release_line("config", refused, None)]
    if language == "ru":
        assert lines[0].startswith("Конфигурация: версия 5 получена")
        assert lines[1] == "Каталог товаров: из головного офиса ещё ничего не пришло."
        assert lines[2].startswith("Конфигурация: версия 3, применена 30.11 ")
        assert "не прошла проверки" in lines[3]
        assert "ui.paper_width_mm" in lines[3]
    else:
        assert lines[0].startswith("Configuration: version 5 has arrived")
        assert lines[1] == "Product catalog: no release from the head office yet."
        assert lines[2].startswith("Configuration: version 3, applied 30.11 ")
        assert "refused by this register's checks" in lines[3]
