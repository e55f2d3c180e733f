"""Each command's typed options (``pos_app.cli.options``) and its parser say the same: every
option the parser makes is a field, every field is an option (a field the parser never sets
would silently keep its default)."""

from __future__ import annotations

import argparse

import pytest
from msgspec import Struct

from pos_app import launch
from pos_app.cli.commands import config, headoffice, office, payments, sandbox
from pos_app.cli.options import Options
from pos_app.launch import build_parser

OPTIONS: dict[str, type[Struct]] = {
    "cmd_pay": payments.PayOptions, "cmd_status": payments.WaitOptions,
    "cmd_cancel": payments.WaitOptions, "cmd_refund": payments.RefundOptions,
    "cmd_withdraw": payments.WithdrawOptions, "cmd_receipt": payments.ReceiptOptions,
    "cmd_resolve": payments.ResolveOptions, "cmd_reconcile": office.ReconcileOptions,
    "cmd_shift": office.ShiftOptions, "cmd_report": office.ReportOptions,
    "cmd_export": office.ExportOptions, "cmd_history": office.HistoryOptions,
    "cmd_balance": office.BalanceOptions, "cmd_config_check": Options,
    "cmd_config_import": config.ImportOptions, "cmd_config_set_secret": config.SecretOptions,
    "cmd_config_show": Options, "cmd_sandbox": sandbox.SandboxOptions,
    "cmd_office_serve": headoffice.ServeOptions, "cmd_office_enrol": headoffice.TerminalOptions,
    "cmd_office_revoke": headoffice.TerminalOptions, "cmd_office_demo": headoffice.DemoOptions,
    "cmd_office_release": headoffice.ReleaseOptions, "cmd_office_user": headoffice.UserOptions,
}


def leaves(parser: argparse.ArgumentParser,
           above: frozenset[str] = frozenset()) -> list[tuple[argparse.ArgumentParser,
                                                             frozenset[str]]]:
    """Every parser that runs a command, with the dests its parent parsers set."""
    found = [(parser, above)] if parser.get_default("run") else []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += leaves(child, above | {action.dest})
    return found


def test_every_command_has_typed_options() -> None:
    commands = {sub.get_default("run"): (sub, above) for sub, above in leaves(build_parser())
                if sub.get_default("run")}
    assert set(commands) == set(OPTIONS)


def _office() -> argparse.ArgumentParser:
    [sub] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    office: argparse.ArgumentParser = sub.choices["office"]
    return office


@pytest.mark.parametrize("run", sorted(OPTIONS))
def test_the_options_are_the_parsers(run: str) -> None:
    made: set[str] = set()  # `shift open` and `shift status` share their options
    for parser, above in leaves(build_parser()):
        if parser.get_default("run") == run:
            made |= {a.dest for a in parser._actions if a.dest != "help"} | above
    made = {dest for dest in made if not dest.startswith("option_")}  # a provider's own
    named = set(OPTIONS[run].__struct_fields__) - {"provider_options"}
    if run == "cmd_office_demo":  # the office parser's own options; its actions have theirs
        made = {a.dest for a in _office()._actions if a.dest != "help"}
        named -= {"json"}
    assert named == made - {"command", "config_command"}


def test_a_providers_pay_options_reach_its_adapter() -> None:
    line = build_parser().parse_args(["pay", "--demo", "--provider", "pegas", "--amount", "10",
                                      "--type", "wallet-card", "--phone", "+79001234567"])
    options = payments.PayOptions.of(line)
    assert dict(options.provider_options) == {"type": "wallet-card", "phone": "+79001234567"}
    assert (options.demo, options.provider, options.amount) == (True, "pegas", "10")


def test_the_windows_start_is_read_without_the_commands_parsers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Building every command's parser took ~15 ms of the first paint (issue 17)."""
    def not_wanted() -> None:
        raise AssertionError("the whole parser was built for the window's start")

    monkeypatch.setattr(launch, "build_parser", not_wanted)
    args = launch._parse(["--demo", "--kiosk", "--config", "till.toml"])
    assert args.command is None
    assert (args.demo, args.kiosk, args.config, args.exit_after_start) == (
        True, True, "till.toml", False)


def test_a_command_help_or_a_mistake_is_read_by_the_whole_parser(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert launch._parse(["--demo", "history", "--limit", "5"]).command == "history"
    with pytest.raises(SystemExit) as mistake:
        launch._parse(["--demo", "--bogus"])
    assert mistake.value.code == 2
    said = capsys.readouterr().err
    assert "unrecognized arguments: --bogus" in said
    assert "COMMAND" in said  # the whole usage, with the commands
    with pytest.raises(SystemExit) as help_asked:
        launch._parse(["--help"])
    assert help_asked.value.code == 0
    assert "reconcile" in capsys.readouterr().out
