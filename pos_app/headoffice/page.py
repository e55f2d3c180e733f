"""The head office's page (``GET /?lang=ru|en``): what an owner looks at first, read from the
documented views (``schema/*.sql``), in Russian (the default) or English.

1. registers: last heard from, backlog, clock offset, stopped journals, wrong clocks;
2. money at risk: payments unknown or flagged for over 15 minutes, by store, with amounts;
3. reconciliation differences not resolved, orphans first;
4. shift discipline, the missing Z reports: shifts open for over 24 hours, and shifts closed
   without their Z report;
5. today's takings per store and provider against the same weekday last week.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from pos_app.providers.registry import plugin

LANGUAGES = ("ru", "en")
LIMIT = 50  # rows shown per list; the views have them all

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Головной офис", "made": "Данные на {time} (UTC)",
        "registers": "Кассы", "store": "Магазин", "terminal": "Касса",
        "last_seen": "На связи", "backlog": "Не передано событий", "clock": "Часы кассы",
        "state": "Состояние", "ok": "в порядке", "restored": "журнал восстановлен из копии — "
        "приём остановлен", "diverged": "журнал расходится с полученным — приём остановлен",
        "wrong_clock": "часы кассы неверны ({day})", "ago": "{n} мин назад",
        "revoked": "учётные данные отозваны — касса не передаёт журнал",
        "runs": "Конфигурация / каталог (версии)",
        "seconds": "{n} с", "days": "{n} дн",
        "at_risk": "Деньги под вопросом (дольше 15 минут)",
        "payment": "Платёж", "provider": "Сервис", "amount": "Сумма", "since": "С",
        "unknown": "исход неизвестен", "flagged": "требует внимания", "total": "Итого",
        "differences": "Расхождения сверки", "kind": "Что", "ref": "Ссылка",
        "found": "Найдено", "orphan": "оплачено у сервиса, нет в журнале",
        "missing": "в журнале оплачен, сервис не знает", "state_diff": "состояние разное",
        "amount_diff": "сумма разная", "balance": "баланс не сходится",
        "unchecked": "не проверено",
        "shifts": "Нет Z-отчёта: смены открыты дольше суток или закрыты без него",
        "open_long": "открыта дольше суток", "closed_no_z": "закрыта {when} без Z-отчёта",
        "shift": "Смена", "cashier": "Кассир", "opened": "Открыта",
        "takings": "Выручка сегодня и в тот же день неделю назад", "today": "Сегодня",
        "week_ago": "Неделю назад", "change": "Разница", "none": "Нет.",
        "language": "English", "unreachable": "База данных головного офиса недоступна.",
        "sign_in": "Вход", "login": "Имя", "password": "Пароль", "enter": "Войти",
        "wrong": "Неверное имя или пароль.",
        "locked": "Слишком много неверных паролей. Попробуйте через {n} мин.",
        "sign_out": "Выйти", "signed_in": "Вы вошли как {login}",
        "no_logins": "Входов ещё нет, поэтому страницу можно открыть только на этом "
                     "компьютере. Добавьте вход: pos-app office user add ИМЯ",
        "no_logins_remote": "Входов ещё нет: страница открывается только на компьютере "
                            "головного офиса.",
    },
    "en": {
        "title": "Head office", "made": "As of {time} (UTC)",
        "registers": "Registers", "store": "Store", "terminal": "Register",
        "last_seen": "Last heard from", "backlog": "Events not sent yet", "clock": "Its clock",
        "state": "State", "ok": "fine", "restored": "journal restored from a backup — "
        "stopped", "diverged": "journal unlike what was received — stopped",
        "wrong_clock": "its clock is wrong ({day})", "ago": "{n} min ago",
        "revoked": "credential revoked — the register sends nothing",
        "runs": "Configuration / catalog (versions)",
        "seconds": "{n} s", "days": "{n} days",
        "at_risk": "Money at risk (over 15 minutes)",
        "payment": "Payment", "provider": "Provider", "amount": "Amount", "since": "Since",
        "unknown": "outcome unknown", "flagged": "needs attention", "total": "Total",
        "differences": "Reconciliation differences", "kind": "What", "ref": "Reference",
        "found": "Found", "orphan": "paid at the provider, not in the journal",
        "missing": "paid in the journal, unknown to the provider", "state_diff": "states differ",
        "amount_diff": "amounts differ", "balance": "balance does not match",
        "unchecked": "not checked",
        "shifts": "Missing Z reports: shifts open over a day or closed without one",
        "open_long": "open over a day", "closed_no_z": "closed {when} without a Z report",
        "shift": "Shift", "cashier": "Cashier", "opened": "Opened",
        "takings": "Takings today and on the same weekday last week", "today": "Today",
        "week_ago": "A week ago", "change": "Change", "none": "None.",
        "language": "Русский", "unreachable": "The head office's database is unreachable.",
        "sign_in": "Sign in", "login": "Login", "password": "Password", "enter": "Sign in",
        "wrong": "Wrong login or password.",
        "locked": "Too many wrong passwords. Try again in {n} min.",
        "sign_out": "Sign out", "signed_in": "Signed in as {login}",
        "no_logins": "Nobody has a login yet, so only this computer can open this page. "
                     "Add one: pos-app office user add NAME",
        "no_logins_remote": "Nobody has a login yet: the page opens only on the head "
                            "office's own computer.",
    },
}
_DIFFERENCE = {"orphan": "orphan", "missing": "missing", "state": "state_diff",
               "amount": "amount_diff", "balance": "balance", "unchecked": "unchecked"}
_SYMBOL = {"RUB": "₽", "USD": "$", "EUR": "€"}


def language(asked: str | None, accept: str) -> str:
    """``?lang=`` when given, else the browser's first known language, else Russian."""
    if asked in LANGUAGES:
        return str(asked)
    for part in accept.split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "ru"


def money(minor: int, currency: str, lang: str) -> str:
    """``1 234,56 ₽`` in Russian, ``1,234.56 ₽`` in English (minor units: hundredths)."""
    text = f"{Decimal(minor).scaleb(-2):,.2f}"
    if lang == "ru":
        text = text.replace(",", " ").replace(".", ",")
    return f"{text} {_SYMBOL.get(currency, currency)}"


def _offset(seconds: float, t: dict[str, str]) -> str:
    """A register's clock against ours: "+3 s", "-9402 days" (a clock in 2001), "0 s"."""
    days = round(seconds / 86400)
    if days:
        return t["days"].format(n=f"{days:+d}")
    whole = round(seconds)
    return t["seconds"].format(n=f"{whole:+d}" if whole else "0")


def _title(provider: str) -> str:
    """A provider's brand (Koshelek Pay), or its name when this version does not know it."""
    try:
        return plugin(provider).title
    except KeyError:
        return provider


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str,
           name: str) -> str:
    if not rows:
        return f'<p class="none" id="{name}">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table id="{name}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


async def _rows(conn: psycopg.AsyncConnection[Any], query: str,
                *params: Any) -> list[tuple[Any, ...]]:
    return list(await (await conn.execute(query.encode(), params)).fetchall())


async def render(conn: psycopg.AsyncConnection[Any], lang: str,
                 now: datetime | None = None, *, who: str | None = None) -> str:
    """The page as HTML in ``lang``; ``who``: the login signed in (None: nobody has a login
    yet, and the page says so)."""
    t = TEXTS[lang]
    now = now or datetime.now(UTC)
    sections = [
        ("registers", await _registers(conn, t, now)),
        ("at_risk", await _at_risk(conn, t, lang)),
        ("differences", await _differences(conn, t)),
        ("shifts", await _shifts(conn, t)),
        ("takings", await _takings(conn, t, lang, now.date())),
    ]
    other = "en" if lang == "ru" else "ru"
    body = "".join(f"<h2>{html.escape(t[key])}</h2>{content}" for key, content in sections)
    if who is None:
        account = f'<p class="notice" id="noLogins">{html.escape(t["no_logins"])}</p>'
    else:
        account = (f'<form method="post" action="/logout?lang={lang}" id="signOut">'
                   f'{html.escape(t["signed_in"].format(login=who))} '
                   f'<button type="submit">{html.escape(t["sign_out"])}</button></form>')
    return _document(lang, t["title"], (
        f"<h1>{html.escape(t['title'])}</h1>{account}"
        f'<p>{html.escape(t["made"].format(time=now.strftime("%Y-%m-%d %H:%M")))} · '
        f'<a id="language" href="?lang={other}">{html.escape(t["language"])}</a></p>'
        f"{body}"))


def _document(lang: str, title: str, body: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"{body}</body></html>")


def sign_in_page(lang: str, *, problem: str = "", login: str = "") -> str:
    """The sign-in form in ``lang`` (``problem``: why the last try failed, in ``lang``)."""
    t = TEXTS[lang]
    other = "en" if lang == "ru" else "ru"
    error = f'<p class="error" id="problem">{html.escape(problem)}</p>' if problem else ""
    return _document(lang, f"{t['sign_in']} · {t['title']}", (
        f"<h1>{html.escape(t['title'])}</h1><h2>{html.escape(t['sign_in'])}</h2>{error}"
        f'<form method="post" action="/login?lang={lang}" id="signIn">'
        f'<p><label>{html.escape(t["login"])}<br><input name="login" id="login" '
        f'autocomplete="username" required value="{html.escape(login)}"></label></p>'
        f'<p><label>{html.escape(t["password"])}<br><input name="password" id="password" '
        f'type="password" autocomplete="current-password" required></label></p>'
        f'<p><button type="submit" id="enter">{html.escape(t["enter"])}</button></p></form>'
        f'<p><a id="language" href="/login?lang={other}">{html.escape(t["language"])}</a></p>'))


async def _registers(conn: psycopg.AsyncConnection[Any], t: dict[str, str],
                     now: datetime) -> str:
    wrong = {str(r[0]): r[1] for r in await _rows(
        conn, "SELECT journal_uuid, earliest FROM wrong_clock_journals")}
    runs: dict[tuple[str, str], int] = {(str(r[0]), str(r[1])): int(r[2]) for r in await _rows(
        conn, "SELECT journal_uuid, kind, version FROM register_releases")}
    rows = []
    for store, terminal, uuid, seen, backlog, offset, refused, revoked in await _rows(
            conn, "SELECT store_id, terminal_id, journal_uuid, last_seen, backlog, "
                  "clock_offset_s, refused, revoked_at FROM register_freshness "
                  "ORDER BY refused IS NULL, revoked_at IS NULL, last_seen LIMIT %s", LIMIT):
        states = [t[refused]] if refused else []
        if revoked is not None:
            states.append(t["revoked"])
        if str(uuid) in wrong:
            states.append(t["wrong_clock"].format(day=wrong[str(uuid)].date().isoformat()))
        minutes = max(int((now - seen).total_seconds() // 60), 0)
        clock = _offset(offset or 0.0, t)
        versions = " / ".join(str(runs.get((str(uuid), kind), "—"))
                              for kind in ("config", "catalog"))
        rows.append([store, terminal, t["ago"].format(n=minutes), str(backlog), clock,
                     versions, "; ".join(states) or t["ok"]])
    return _table([t["store"], t["terminal"], t["last_seen"], t["backlog"], t["clock"],
                   t["runs"], t["state"]], rows, t["none"], "registers")


async def _at_risk(conn: psycopg.AsyncConnection[Any], t: dict[str, str], lang: str) -> str:
    totals = await _rows(conn, "SELECT store_id, currency, sum(amount_minor), count(*) FROM "
                               "money_at_risk GROUP BY 1, 2 ORDER BY 3 DESC")
    rows = [[store, f"{t['total']} ({count})", "", money(int(minor), currency, lang), "", ""]
            for store, currency, minor, count in totals]
    for store, payment, provider, state, minor, currency, since, flagged in await _rows(
            conn, "SELECT store_id, payment_id, provider, state, amount_minor, currency, "
                  "created_at, flagged FROM money_at_risk ORDER BY amount_minor DESC "
                  "LIMIT %s", LIMIT):
        what = [t["unknown"]] if state == "UNKNOWN" else []
        what += [t["flagged"]] if flagged else []
        rows.append([store, payment, _title(provider), money(int(minor), currency, lang),
                     f"{since:%Y-%m-%d %H:%M}", ", ".join(what)])
    return _table([t["store"], t["payment"], t["provider"], t["amount"], t["since"],
                   t["state"]], rows, t["none"], "at_risk")


async def _differences(conn: psycopg.AsyncConnection[Any], t: dict[str, str]) -> str:
    rows = [[store, _title(provider), t[_DIFFERENCE.get(kind, "unchecked")], ref,
             f"{found:%Y-%m-%d %H:%M}"]
            for store, provider, kind, ref, found in await _rows(
                conn, "SELECT store_id, provider, kind, ref, found_at FROM "
                      "unresolved_differences LIMIT %s", LIMIT)]
    return _table([t["store"], t["provider"], t["kind"], t["ref"], t["found"]], rows,
                  t["none"], "differences")


async def _shifts(conn: psycopg.AsyncConnection[Any], t: dict[str, str]) -> str:
    rows = [[store, terminal or "", str(number), cashier, f"{opened:%Y-%m-%d %H:%M}",
             t["open_long"] if closed is None else
             t["closed_no_z"].format(when=f"{closed:%Y-%m-%d %H:%M}")]
            for store, terminal, number, cashier, opened, closed in await _rows(
                conn, "SELECT s.store_id, j.terminal_id, s.number, s.cashier, s.opened_at, "
                      "s.closed_at FROM (SELECT store_id, journal_uuid, number, cashier, "
                      "opened_at, NULL::timestamptz AS closed_at FROM long_open_shifts "
                      "UNION ALL SELECT store_id, journal_uuid, number, cashier, opened_at, "
                      "closed_at FROM shifts_without_z) s LEFT JOIN journals j "
                      "ON (j.store_id, j.journal_uuid) = (s.store_id, s.journal_uuid) "
                      "ORDER BY s.opened_at LIMIT %s",
                LIMIT)]
    return _table([t["store"], t["terminal"], t["shift"], t["cashier"], t["opened"],
                   t["state"]], rows, t["none"], "shifts")


async def _takings(conn: psycopg.AsyncConnection[Any], t: dict[str, str], lang: str,
                   today: date) -> str:
    week_ago = today - timedelta(days=7)
    rows = []
    for store, provider, currency, now_minor, then_minor in await _rows(
            conn, "SELECT store_id, provider, currency, "
                  "sum(net_minor) FILTER (WHERE day = %s), "
                  "sum(net_minor) FILTER (WHERE day = %s) FROM takings_by_day "
                  "WHERE day IN (%s, %s) GROUP BY 1, 2, 3 ORDER BY 1, 2", today, week_ago,
            today, week_ago):
        now_value, then_value = int(now_minor or 0), int(then_minor or 0)
        rows.append([store, _title(provider), money(now_value, currency, lang),
                     money(then_value, currency, lang),
                     money(now_value - then_value, currency, lang)])
    return _table([t["store"], t["provider"], t["today"], t["week_ago"], t["change"]], rows,
                  t["none"], "takings")


STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; }
th { background: #f3f3f3; text-align: left; } .none { color: #666; }
.error { color: #a00; } .notice { background: #fff6d5; padding: 6px 10px; }
"""
