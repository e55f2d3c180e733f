"""What a manager saves in Settings is in use at once where it can be (issue 20 #18): the
shift screen and the receipt kept the old paper width until a restart."""

from __future__ import annotations

from tests.window import flows
from tests.window.conftest import MakeApp


def test_a_new_paper_width_is_used_at_once(make_app: MakeApp) -> None:
    app = make_app()
    app.click("shiftButton")
    snap = app.on_screen("shiftScreen")
    assert snap.text("reportPaper") == "80 mm"
    app.key("Escape")
    app.on_screen("saleScreen")
    app.click("settingsButton")
    flows.enter_pin(app)
    app.on_screen("settingsScreen")
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
