"""Adding a provider is one folder and one registry line (issue 18): ``tests/fourth_provider``
is that folder; here is the line.  The configuration reads its section, the secrets list
its key, training mode serves its sandbox, the payment service takes a payment through it,
the callback listener has its endpoint and Settings shows its box — with nothing else
changed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from pos_app.callbacks import CallbackApp
from pos_app.core.config import ConfigError, load_config, parse_config, save_config
from pos_app.core.secrets import SecretStore, secret_names
from pos_app.core.states import PaymentState
from pos_app.providers import registry
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.settings import SettingsForm
from tests.fourth_provider.plugin import FourthSandbox, FourthSettings
from tests.helpers import simple_sale, training_runtime


@pytest.fixture(autouse=True)
def fourth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "PLUGINS",
                        (*registry.PLUGINS, "tests.fourth_provider.plugin"))  # the one line


def test_its_settings_are_read_checked_and_written_like_any_other(tmp_path: Path) -> None:
    config = parse_config({"providers": {"fourth": {
        "enabled": True, "base_url": "https://fourth.example", "lifetime_minutes": 5,
        "min_amount": "1.50"}}})
    settings = config.settings(FourthSettings)
    assert (settings.enabled, settings.lifetime_minutes, settings.min_amount_minor) == (
        True, 5, 150)
    path = tmp_path / "terminal.toml"
    save_config(config, path)
    assert load_config(path) == config
    with pytest.raises(ConfigError) as error:
        parse_config({"providers": {"fourth": {"lifetme_minutes": 5, "lifetime_minutes": 99}}})
    assert [p.english() for p in error.value.problems] == [
        "providers.fourth.lifetime_minutes: 99 is outside 1…60",
        "providers.fourth.lifetme_minutes: unknown setting (a typo?)"]
    assert ("fourth", "api_key") in secret_names()


async def test_training_mode_takes_a_payment_through_it() -> None:
    transport = SandboxTransport()  # with every registered provider's sandbox
    runtime = await training_runtime(transport)
    try:
        assert "fourth" in runtime.service.providers
        await runtime.service.start()
        payment = await runtime.service.start_payment(simple_sale("42.00"), "fourth", {})
        pending = await runtime.service.wait(payment.id, until=lambda p: p.payer_url is not None)
        assert pending.payer_url == f"http://sandbox/fourth/pay/{pending.provider_ref}"
        assert transport.sandbox.of(FourthSandbox).payments[pending.provider_ref or ""][
            "amount_minor"] == 4200
        assert runtime.trainer is not None
        await runtime.trainer.decide(pending, "pay")  # the training customer pays
        paid = await runtime.service.wait(payment.id, timeout=5)
        assert paid.state is PaymentState.PAID
    finally:
        await runtime.aclose()


async def test_the_callback_listener_has_its_endpoint() -> None:
    notified: list[str] = []
    app = CallbackApp(notified.append, max_body_bytes=1024,
                      secret=lambda provider, name: "k-1" if provider == "fourth" else None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app.app),
                                 base_url="http://register") as client:
        refused = await client.post("/fourth", content=b"P00001", headers={"X-Api-Key": "no"})
        accepted = await client.post("/fourth", content=b"P00001", headers={"X-Api-Key": "k-1"})
    assert (refused.status_code, accepted.status_code, notified) == (403, 200, ["P00001"])


def test_settings_shows_its_box(qtbot: QtBot, memory_keyring: object) -> None:
    form = SettingsForm(SecretStore(environ={}), show_security=False)
    qtbot.addWidget(form)
    config = parse_config({"providers": {"fourth": {"lifetime_minutes": 7}}})
    form.load(config)
    box = form.boxes["fourth"]
    assert box.title() == "Fourth Pay"
    assert list(box.secret_fields) == ["api_key"]
    box.enabled.setChecked(True)
    box.base_url.setText("https://fourth.example")
    edited = form.to_config().settings(FourthSettings)
    assert (edited.enabled, edited.base_url, edited.lifetime_minutes) == (
        True, "https://fourth.example", 7)
