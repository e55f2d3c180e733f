"""What a manager saves in Settings is in use at once where it can be (issue 20 #18): the
shift screen and the receipt kept the old paper width until a restart."""

from __future__ import annotations

from pathlib import Path

from tests.window import flows
from tests.window.conftest import MakeApp


def test_a_new_paper_width_is_used_at_once(make_app: MakeApp) -> None:
    app = make_app()
    app.click("shiftButton")
    snap = app.on_screen("shiftScreen")
    assert snap.text("reportPaper") == "80 mm"
    app.key("Escape")
    app.on_screen("saleScreen")
    flows.open_settings(app)
    app.click_tab("settingsTabs", 2)
    app.choose_in("paperWidthSetting", "58 mm")
    app.click("saveSettings")
    app.message(contains="Saved")
    app.click("ok", window="infoBox")
    app.click("settingsBack")
    app.on_screen("saleScreen")
    app.click("shiftButton")
    snap = app.on_screen("shiftScreen")
    assert snap.text("reportPaper") == "58 mm"


def test_a_broken_configuration_is_said_loudly_and_kept(make_app: MakeApp, tmp_path: Path) -> None:
    """Issue 20 #17: training started silently on defaults, and Settings showed empty fields
    that would have replaced the manager's values when saved."""
    broken = tmp_path / "terminal.toml"
    broken.write_text('[terminal]\nstore_name = "Лесная, 5"\n[ui\n', encoding="utf-8")
    app = make_app(start=False, env={"POS_APP_CONFIG": str(broken)})
    app.start()
    snap = app.wait(lambda s: "was not used" in (s.find("alertText") or s.get("saleTotal"))
                    .text, what="the alert bar's notice")
    assert str(broken) in snap.text("alertText")
    assert not snap.modal  # in the bar: no box that takes the cashier's keys
    app.click("settingsButton")
    flows.enter_pin(app)
    assert "was not used" in app.message(contains="was not used")
    app.click("ok", window="errorBox")
    app.on_screen("settingsScreen")
    app.click("saveSettings")
    saved = app.message(contains="Saved")
    assert "kept as" in saved  # the broken file beside the new one
    app.click("ok", window="infoBox")
    kept = [p for p in tmp_path.iterdir() if ".broken-" in p.name]
    assert len(kept) == 1
    assert "Лесная, 5" in kept[0].read_text(encoding="utf-8")


def test_the_customer_display_turned_on_says_at_once_where_it_opens(make_app: MakeApp) -> None:
    """A walk: turned on in Settings it did nothing until a restart, and nothing said so.
    This X session has one screen: the till says so in the alert bar when it is saved."""
    app = make_app()
    flows.open_settings(app)
    app.click_tab("settingsTabs", 2)
    app.click("customerDisplay")
    app.wait(lambda s: s.get("customerDisplay").checked is True, what="the display chosen")
    app.click("saveSettings")
    app.message(contains="Saved")
    app.click("ok", window="infoBox")
    app.click("settingsBack")
    snap = app.on_screen("saleScreen")
    assert "one screen" in snap.text("alertText")
    assert not snap.has_window("customerDisplay")
    flows.open_settings(app)
    app.click_tab("settingsTabs", 2)
    app.click("customerDisplay")  # off again: nothing more to say
    app.click("saveSettings")
    app.message(contains="Saved")
    app.click("ok", window="infoBox")
    app.click("settingsBack")
    app.wait(lambda s: s.screen == "saleScreen" and s.find("alertText") is None,
             what="the notice gone with the display")
