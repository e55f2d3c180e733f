"""Every answer a register can get when it asks the head office for a release lands in one
class — a release, none (404), try again (Retry) or the credential refused (Stopped) — and
leaves the register's files and journal as they should be (issue 19; the lesson of a 429
that once stopped a payment from being followed: an unreadable answer must not end the
asking)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pos_app.backoff import Backoff
from pos_app.core.config import ConfigError, TerminalConfig, check_live_ready, load_config
from pos_app.core.journal import Journal, shipping
from pos_app.headoffice.releases import ReleaseApplier
from pos_app.headoffice.shipper import Retry, Stopped
from pos_app.i18n import Message

Answer = Callable[[httpx.Request], httpx.Response]
RELEASE = {"kind": "config", "version": 3, "content": "[ui]\npaper_width_mm = 58\n"}
LOCAL = '[terminal]\nstore_id = "S-1"\nterminal_id = "T-1"\n'


def raises(error: type[httpx.TransportError]) -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        raise error("no answer", request=request)
    return answer


def status(code: int, body: object = None, **headers: str) -> Answer:
    return lambda request: httpx.Response(code, json=body, headers=headers)


def text(code: int, body: str) -> Answer:
    return lambda request: httpx.Response(code, text=body)


CASES: list[tuple[str, Answer, type[Exception] | None, dict[str, int]]] = [
    ("a release", status(200, RELEASE), None, {"config": 3}),
    ("none for this register", status(404, {"error": "no release"}), None, {}),
    ("400", status(400, {"error": "unreadable"}), Stopped, {}),
    ("401 revoked", status(401, {"error": "unknown or revoked terminal credential"}),
     Stopped, {}),
    ("403", status(403, {"error": "forbidden"}), Stopped, {}),
    ("429", status(429, {"error": "slow down"}, **{"retry-after": "30"}), Retry, {}),
    ("500", status(500, {"error": "boom"}), Retry, {}),
    ("502 from a proxy", text(502, "Bad Gateway"), Retry, {}),
    ("503", status(503, {"error": "the database is unreachable"}), Retry, {}),
    ("an HTML 200", text(200, "<html>captive portal</html>"), Retry, {}),
    ("a 200 without a version", status(200, {"content": "[ui]\n"}), Retry, {}),
    ("a version as text", status(200, {**RELEASE, "version": "3"}), Retry, {}),
    ("version 0", status(200, {**RELEASE, "version": 0}), Retry, {}),
    ("content not text", status(200, {**RELEASE, "content": 5}), Retry, {}),
    ("another kind", status(200, {**RELEASE, "kind": "catalog"}), Retry, {}),
    ("a cut body", text(200, '{"version": 3, "cont'), Retry, {}),
    ("connection refused", raises(httpx.ConnectError), Retry, {}),
    ("timeout", raises(httpx.ReadTimeout), Retry, {}),
    ("cut answer", raises(httpx.RemoteProtocolError), Retry, {}),
]


async def _idle() -> bool:
    return True


@pytest.mark.parametrize(("answer", "expected", "applied"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
async def test_each_answer_has_its_class_and_end_state(
        tmp_path: Path, answer: Answer, expected: type[Exception] | None,
        applied: dict[str, int]) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text(LOCAL, encoding="utf-8")

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/catalog"):
            return httpx.Response(404, json={"error": "no release"})
        return answer(request)

    journal = await Journal.open(tmp_path / "journal.sqlite")
    client = httpx.AsyncClient(base_url="https://office.test",
                               transport=httpx.MockTransport(route))
    told: list[tuple[str, int]] = []
    applier = ReleaseApplier(client, journal, config_path=config, idle=_idle,
                             on_applied=lambda kind, version, _: told.append((kind, version)))
    try:
        caught: Exception | None = None
        try:
            assert await applier.check() == applied
        except (Retry, Stopped) as exc:
            caught = exc
        assert type(caught) is expected if expected else caught is None
        if isinstance(caught, Retry):
            assert caught.after_s == (30.0 if "429" in str(caught) else None)
        assert (applier.reached_at is not None) is (expected is None)
        assert await journal.read_apart(shipping.releases_recorded) == applied
        assert told == list(applied.items())
        assert load_config(config).ui.paper_width_mm == (58 if applied else 80)
    finally:
        await client.aclose()
        await journal.close()


async def test_asking_goes_on_after_an_unreadable_answer_and_a_busy_register(
        tmp_path: Path) -> None:
    """run(): an unreadable answer, then a release while a payment is in progress (waiting),
    then the register idles: applied, and the window told."""
    config = tmp_path / "terminal.toml"
    config.write_text(LOCAL, encoding="utf-8")
    answers = iter([text(200, "<html>proxy</html>")])

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/catalog"):
            return httpx.Response(404, json={"error": "no release"})
        return next(answers, status(200, RELEASE))(request)

    applied = asyncio.Event()
    waiting_seen: list[dict[str, int]] = []  # what waited, each time idle was asked

    async def idle() -> bool:
        waiting_seen.append(dict(applier.waiting))
        return len(waiting_seen) > 1  # the first time, a payment is in progress

    journal = await Journal.open(tmp_path / "journal.sqlite")
    client = httpx.AsyncClient(base_url="https://office.test",
                               transport=httpx.MockTransport(route))
    applier = ReleaseApplier(client, journal, config_path=config, idle=idle,
                             backoff=Backoff(first_s=0.001, cap_s=0.001),
                             on_applied=lambda *_: applied.set())

    task = asyncio.get_running_loop().create_task(applier.run(every_s=0.01))
    try:
        await asyncio.wait_for(applied.wait(), 10)
        assert waiting_seen == [{}, {"config": 3}]
        assert load_config(config).ui.paper_width_mm == 58
        assert applier.waiting == {}
        assert next(answers, None) is None  # the unreadable answer was met
        assert applier.trouble is None  # the answer after the unreadable one was read
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.aclose()
        await journal.close()


LIVE = '''# The manager's notes stay.
[terminal]
store_id = "S-1"
terminal_id = "T-1"
store_name = "Лесная, 5"  # у входа
language = "ru"

[providers.paymega]
enabled = true
base_url = "https://paymega.example"
'''


def live_check(config: TerminalConfig) -> list[Message]:
    try:
        check_live_ready(config)
    except ConfigError as exc:
        return list(exc.problems)
    return []


async def apply_config(tmp_path: Path, *contents: str) -> tuple[Journal, Path]:
    """The register's file LIVE, then each release in turn (versions 1, 2…)."""
    config = tmp_path / "terminal.toml"
    config.write_text(LIVE, encoding="utf-8")
    journal = await Journal.open(tmp_path / "journal.sqlite")
    for version, content in enumerate(contents, start=1):
        def route(request: httpx.Request, content: str = content,
                  version: int = version) -> httpx.Response:
            if request.url.path.endswith("/catalog"):
                return httpx.Response(404, json={"error": "no release"})
            return httpx.Response(200, json={"kind": "config", "version": version,
                                             "content": content})
        async with httpx.AsyncClient(base_url="https://office.test",
                                     transport=httpx.MockTransport(route)) as client:
            await ReleaseApplier(client, journal, config_path=config, idle=_idle,
                                 live_check=live_check).check()
    return journal, config


async def test_a_release_sets_only_what_it_names(tmp_path: Path) -> None:
    """A walk: "[ui] paper_width_mm = 58" for the chain came back as a whole file of
    defaults — language, provider addresses and the enabled provider gone at the next start."""
    journal, config = await apply_config(tmp_path, "[ui]\npaper_width_mm = 58\n",
                                         "[providers.pegas]\nenabled = false\n")
    try:
        applied = load_config(config)
        assert applied.ui.paper_width_mm == 58
        assert (applied.language, applied.store_name) == ("ru", "Лесная, 5")
        paymega = applied.providers["paymega"]
        assert (paymega.enabled, paymega.base_url) == (True, "https://paymega.example")
        # Only the line it names changed: the comments, the order and the rest as they were.
        assert config.read_text(encoding="utf-8") == (
            LIVE + "\n[providers.pegas]\nenabled = false\n[ui]\npaper_width_mm = 58\n")
        events = [e for e in await journal.read_apart(
            lambda conn: shipping.events_after(conn, 0, 100)) if e["kind"] == "release_applied"]
        assert [e["data"]["changed"] for e in events] == [["ui.paper_width_mm"], []]
    finally:
        await journal.close()


async def test_a_release_after_which_the_register_could_not_start_is_refused(
        tmp_path: Path) -> None:
    journal, config = await apply_config(tmp_path, "[providers.paymega]\nenabled = false\n")
    try:
        assert load_config(config).providers["paymega"].enabled
        seen = await journal.read_apart(shipping.releases_seen)
        refused = seen["config"]["refused"]
        assert refused is not None
        assert refused["version"] == 1
        assert seen["config"]["applied"] is None
        assert "no payment provider is enabled" in refused["problems"][0]
    finally:
        await journal.close()


async def test_a_release_that_arrived_applies_while_the_head_office_is_down(
        tmp_path: Path) -> None:
    """A third walk: it waited for a sale to end, then the head office went down — and the
    free register kept waiting for the head office, not for itself."""
    config = tmp_path / "terminal.toml"
    config.write_text(LOCAL, encoding="utf-8")
    down = False
    busy = True

    def route(request: httpx.Request) -> httpx.Response:
        if down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path.endswith("/catalog"):
            return httpx.Response(404, json={"error": "no release"})
        return httpx.Response(200, json=RELEASE)

    async def idle() -> bool:
        return not busy

    journal = await Journal.open(tmp_path / "journal.sqlite")
    client = httpx.AsyncClient(base_url="https://office.test",
                               transport=httpx.MockTransport(route))
    applier = ReleaseApplier(client, journal, config_path=config, idle=idle)
    try:
        assert await applier.check() == {}
        assert applier.waiting == {"config": 3}
        down, busy = True, False
        with pytest.raises(Retry):
            await applier.check()
        assert applier.waiting == {}
        assert load_config(config).ui.paper_width_mm == 58
        assert await journal.read_apart(shipping.releases_recorded) == {"config": 3}
    finally:
        await client.aclose()
        await journal.close()
