from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from msgspec.structs import replace

from pos_app.core.config import (
    ConfigError,
    ConfigMissing,
    TerminalConfig,
    check_live_ready,
    load_config,
    parse_config,
    save_config,
)
from pos_app.providers.koshelek.settings import KoshelekSettings
from pos_app.providers.pegas.settings import PegasSettings

GOOD = """
[terminal]
store_id = "5b2e8c44-9a1f-4d0b-8f6e-1c3a7d9e2f10"
terminal_id = "POS-03"
store_name = "Ромашка"

[providers.koshelek]
enabled = true
base_url = "https://api-test.koshelek.app/acme"
read_timeout = 12.5
poll_interval_ms = 400
min_amount = "4.00"
totp_command = ["C:/koshelek/bridge.exe"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "terminal.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(text: str) -> list[str]:
    import tomllib
    with pytest.raises(ConfigError) as error:
        parse_config(tomllib.loads(text))
    return [p.english() for p in error.value.problems]


def test_good_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.terminal_id == "POS-03"
    koshelek = config.settings(KoshelekSettings)
    assert koshelek.enabled
    assert koshelek.http.read_timeout == 12.5
    assert koshelek.poll_interval_ms == 400
    assert koshelek.min_amount_minor == 400
    assert koshelek.totp_command == ("C:/koshelek/bridge.exe",)
    check_live_ready(config)


@pytest.mark.parametrize(("text", "expected"), [
    ("[terminal]\nterminal_idd = 'x'", "terminal.terminal_idd: unknown setting (a typo?)"),
    ("[providers.koshelek]\nread_timeout = 'slow'",
     "providers.koshelek.read_timeout: expected a number, got 'slow'"),
    ("[providers.koshelek]\npoll_interval_ms = 10",
     "providers.koshelek.poll_interval_ms: 10 is outside 250…10000"),
    ("[providers.koshelek]\nenabled = 'yes'",
     "providers.koshelek.enabled: expected true or false, got 'yes'"),
    ("[providers.koshelek]\nenabled = true", "providers.koshelek.base_url: is required"),
    ("[providers.koshelek]\nbase_url = 'ftp://x'", "providers.koshelek.base_url: “ftp://x” is not"),
    ("[providers.koshelek]\nmin_amount = '4.001'",
     "providers.koshelek.min_amount: 4.001 has more than 2 digits"),
    ("[providers.koshelek]\nmin_amount = 4.5", "providers.koshelek.min_amount: expected an amount"),
    ("[providers.koshelek]\npayment_type = 'CASH'",
     "providers.koshelek.payment_type: 'CASH' is not one of DOLYAME, SBP"),
    ("[terminal]\ncurrency = 'rub'", "terminal.currency: 'rub' has characters"),
    ("terminal = 5", "terminal: expected a table, got 5"),
    # Issue 20 #17: an id with spaces or "/" was taken, and broke references and addresses.
    ("[terminal]\nterminal_id = 'POS 03'",
     "terminal.terminal_id: may hold only letters, digits, “-”, “_” and “.”, with no spaces"),
    ("[terminal]\nterminal_id = 'POS/03'", "terminal.terminal_id: may hold only letters"),
    ("[terminal]\nstore_id = ' shop-1'", "terminal.store_id: may hold only letters"),
    ("[terminal]\nterminal_id = '" + "x" * 257 + "'",
     "terminal.terminal_id: is longer than 256 characters"),
])
def test_each_problem_names_its_key(text: str, expected: str) -> None:
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


@pytest.mark.parametrize("terminal", ["POS-03", "Касса_1", "till.7", "x" * 256])
def test_ids_people_give_their_terminals_are_taken(terminal: str) -> None:
    config = parse_config({"terminal": {"terminal_id": terminal, "store_id": "ООО-Ромашка"}})
    assert config.terminal_id == terminal


def test_all_problems_at_once() -> None:
    found = problems("[terminal]\nfoo = 1\n[providers.koshelek]\nretries = 99\nbar = 2")
    assert len(found) == 3


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigMissing, match="no terminal configuration"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(("raw", "says"), [
    # Where, in the reader's words; the parser's English goes to the log (a walk).
    (b"[terminal\nstore_id = 1", "is not valid TOML at line 1, column 10"),
    (b"\xff\xfe\x00garbage", "is not UTF-8"),
])
def test_corrupt_file_is_reported_and_left_alone(tmp_path: Path, raw: bytes, says: str) -> None:
    path = tmp_path / "terminal.toml"
    path.write_bytes(raw)
    with pytest.raises(ConfigError, match=says):
        load_config(path)
    assert path.read_bytes() == raw


def test_saving_over_a_corrupt_file_keeps_a_copy(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal\nbroken")
    kept = save_config(TerminalConfig(terminal_id="T1"), path,
                       now=datetime(2026, 11, 24, 12, 0, 0))
    assert kept == tmp_path / "terminal.toml.broken-20261124-120000"
    assert kept.read_text() == "[terminal\nbroken"
    assert load_config(path).terminal_id == "T1"


def test_save_round_trip(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    out = tmp_path / "again.toml"
    assert save_config(config, out) is None
    assert load_config(out) == config
    assert "password" not in out.read_text()


@pytest.mark.parametrize(("change", "says"), [
    ("base_url = \"http://koshelek.example/acme\"",
     "plain http to koshelek.example is not allowed"),
    ("totp_command = []", "totp_command: is required"),
])
def test_live_mode_demands(tmp_path: Path, change: str, says: str) -> None:
    text = GOOD.replace('base_url = "https://api-test.koshelek.app/acme"', "").replace(
        'totp_command = ["C:/koshelek/bridge.exe"]', "")
    text += "\n" + change + "\n"
    if "base_url" not in change:
        text += 'base_url = "https://api-test.koshelek.app/acme"\n'
    else:
        text += 'totp_command = ["x"]\n'
    with pytest.raises(ConfigError, match=says):
        check_live_ready(load_config(write(tmp_path, text)))


def test_loopback_http_is_fine_in_live_mode(tmp_path: Path) -> None:
    text = GOOD.replace("https://api-test.koshelek.app/acme", "http://127.0.0.1:8080/koshelek")
    check_live_ready(load_config(write(tmp_path, text)))


def test_live_mode_needs_identity_and_a_provider() -> None:
    with pytest.raises(ConfigError) as error:
        check_live_ready(TerminalConfig())
    text = str(error.value)
    assert "terminal.store_id" in text
    assert "terminal.terminal_id" in text
    assert "no payment provider is enabled" in text


def test_the_readme_example_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "terminal.toml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)  # raises, naming each key, if the README went stale
    assert config.terminal_id == "POS-03"
    assert config.ui.paper_width_mm == 80
    assert config.settings(PegasSettings).deposit_type == "invoice-select"


def test_saving_keeps_the_managers_comments_and_order(tmp_path: Path) -> None:
    """A walk: one Save in Settings replaced the file with a fresh one, the manager's notes
    gone.  Only the values that changed are written; the rest of the file stays."""
    path = tmp_path / "terminal.toml"
    original = ('# Касса у входа, не трогать без Ирины\n'
                '[terminal]\nstore_id = "S-1"\nterminal_id = "POS-03"  # вторая касса\n\n'
                '[ui]\npaper_width_mm = 80  # рулон 80 мм\nkiosk = false\n')
    path.write_text(original, encoding="utf-8")
    config = load_config(path)
    save_config(replace(config, ui=replace(config.ui, kiosk=True)), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Касса у входа, не трогать без Ирины\n")
    assert 'terminal_id = "POS-03"  # вторая касса' in text
    assert "paper_width_mm = 80  # рулон 80 мм" in text
    assert "kiosk = true" in text
    assert load_config(path) == replace(config, ui=replace(config.ui, kiosk=True))
