"""``pos-app office``: the head office's service and its terminals (issue 19)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from msgspec import Struct

from pos_app.cli.options import Options
from pos_app.cli.output import EXIT_OK, EXIT_USAGE, fail, say


class DatabaseOptions(Options, frozen=True):
    office_command: str = ""
    database: str | None = None  # postgresql://… (its password never printed)


class ServeOptions(DatabaseOptions, frozen=True):
    host: str = "127.0.0.1"
    port: int = 8780
    certfile: str | None = None
    keyfile: str | None = None


class TerminalOptions(DatabaseOptions, frozen=True):
    store: str = ""
    terminal: str = ""


class DemoOptions(Struct, frozen=True):
    """``pos-app office --demo`` has none of the common options."""

    demo: bool = False
    office_command: str | None = None
    demo_port: int = 0  # 0: any free port
    payments: int | None = None  # end once the head office has this many paid payments
    no_browser: bool = False
    json: bool = False

    @classmethod
    def of(cls, line: argparse.Namespace) -> DemoOptions:
        return cls(demo=line.demo, office_command=line.office_command, demo_port=line.demo_port,
                   payments=line.payments, no_browser=line.no_browser)


async def cmd_office_demo(line: argparse.Namespace) -> int:
    from pos_app.headoffice import demo

    args = DemoOptions.of(line)
    if not args.demo:
        fail(EXIT_USAGE, "pos-app office: give an action (serve, enrol, revoke) or --demo",
             args.json)
    try:
        return await demo.run(say=say, port=args.demo_port, payments=args.payments,
                              open_page=not args.no_browser)
    except RuntimeError as exc:  # no PostgreSQL server: the message names the package
        fail(EXIT_USAGE, str(exc), args.json)


class ReleaseOptions(DatabaseOptions, frozen=True):
    kind: str = ""  # config or catalog
    file: str = ""
    store: str | None = None  # None: the whole chain
    terminal: str | None = None  # None: every register of the store
    by: str = "head office"


async def cmd_office_release(line: argparse.Namespace) -> int:
    import psycopg

    from pos_app.headoffice import database, releases

    args = ReleaseOptions.of(line)
    url = _database(args)
    if args.terminal and not args.store:
        fail(EXIT_USAGE, "--terminal needs --store", args.json)
    try:
        content = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8-sig")
    except OSError as exc:  # "No such file or directory", not "[Errno 2] …"
        fail(EXIT_USAGE, f"{args.file} cannot be read: {exc.strerror or 'error'}", args.json)
    except UnicodeDecodeError:
        fail(EXIT_USAGE, f"{args.file} cannot be read: it is not UTF-8 text", args.json)
    found = releases.problems(args.kind, content)
    if found:
        fail(EXIT_USAGE, f"{args.file} is not published:\n" + "\n".join(
            f"  • {p.render()}" for p in found), args.json)
    try:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            await database.migrate(conn)
            version = await database.publish(conn, args.kind, content, store_id=args.store,
                                             terminal_id=args.terminal, by=args.by)
    except psycopg.OperationalError as exc:
        fail(EXIT_USAGE, _unreachable(exc), args.json)
    scope = "/".join(x for x in (args.store, args.terminal) if x) or "the whole chain"
    print(json.dumps({"kind": args.kind, "version": version}) if args.json else
          f"{args.kind} release {version} published for {scope}; each register checks it "
          "again over its own settings (refusing what would stop it) and applies it when it "
          "is free: no sale or payment in progress, Settings closed")
    return EXIT_OK


def _database(args: DatabaseOptions) -> str:
    if not args.database:
        fail(EXIT_USAGE, "--database postgresql://… is needed (or POS_APP_OFFICE_DATABASE)",
             args.json)
    return args.database or ""


def cmd_office_serve(line: argparse.Namespace) -> int:
    import uvicorn

    from pos_app.headoffice.server import HeadOffice
    from pos_app.providers.urls import is_loopback

    args = ServeOptions.of(line)
    url = _database(args)
    if not is_loopback(args.host) and not (args.certfile and args.keyfile):
        fail(EXIT_USAGE, f"serving on {args.host} needs TLS: give --certfile and --keyfile "
                         "(plain http is only for this machine)", args.json)
    say(f"Head office on {'https' if args.certfile else 'http'}://{args.host}:{args.port}")
    uvicorn.run(HeadOffice(url).app(), host=args.host, port=args.port, log_level="warning",
                ssl_certfile=args.certfile, ssl_keyfile=args.keyfile)
    return EXIT_OK


async def cmd_office_enrol(line: argparse.Namespace) -> int:
    args = TerminalOptions.of(line)
    credential = await _terminal_action(args, enrol=True)
    if args.json:
        print(json.dumps({"store_id": args.store, "terminal_id": args.terminal,
                          "credential": credential}))
    else:
        say(f"Terminal {args.store}/{args.terminal} enrolled. Its credential (shown once; on "
            "the register: pos-app config set-secret headoffice.credential):")
        print(credential)
    return EXIT_OK


async def cmd_office_revoke(line: argparse.Namespace) -> int:
    args = TerminalOptions.of(line)
    revoked = await _terminal_action(args, enrol=False)
    if not revoked:
        fail(EXIT_USAGE, f"no enrolled terminal {args.store}/{args.terminal} to revoke",
             args.json)
    print(json.dumps({"revoked": True}) if args.json else
          f"Terminal {args.store}/{args.terminal}: its credential no longer works.")
    return EXIT_OK


class UserOptions(DatabaseOptions, frozen=True):
    action: str = ""  # add or remove
    login: str = ""


async def cmd_office_user(line: argparse.Namespace) -> int:
    """Add a login to the head office's page (its password from standard input, twice at a
    terminal, never on the command line) or remove one (its sessions end at once)."""
    import psycopg

    from pos_app.headoffice import database, logins

    args = UserOptions.of(line)
    url = _database(args)
    login = args.login.strip()
    if not login or not login.isprintable() or len(login) > 64:
        fail(EXIT_USAGE, "a login is 1 to 64 printable characters", args.json)
    password = _new_password(args) if args.action == "add" else ""
    try:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            await database.migrate(conn)
            if args.action == "remove":
                if not await logins.remove_user(conn, login):
                    fail(EXIT_USAGE, f"there is no login {login!r}", args.json)
                print(json.dumps({"removed": login}) if args.json else
                      f"{login}: removed; its sessions are ended")
                return EXIT_OK
            made = await logins.add_user(conn, login, password)
    except psycopg.OperationalError as exc:
        fail(EXIT_USAGE, _unreachable(exc), args.json)
    print(json.dumps({"login": login, "new": made}) if args.json else
          f"{login}: {'added' if made else 'its password is replaced'}; it signs in at the "
          "head office's page")
    return EXIT_OK


def _new_password(args: UserOptions) -> str:
    import getpass

    from pos_app.headoffice.logins import password_problem

    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.login}: ")
        if getpass.getpass("The same password again: ") != password:
            fail(EXIT_USAGE, "the two passwords differ; nothing was changed", args.json)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    problem = password_problem(password)
    if problem:
        fail(EXIT_USAGE, f"{problem}; nothing was changed", args.json)
    return password


def _unreachable(exc: Exception) -> str:
    return ("the head office's database cannot be reached: "
            f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")


async def _terminal_action(args: TerminalOptions, *, enrol: bool) -> str:
    import psycopg

    from pos_app.headoffice import database

    url = _database(args)
    try:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            await database.migrate(conn)
            if enrol:
                return await database.enrol(conn, args.store, args.terminal)
            return "revoked" if await database.revoke(conn, args.store, args.terminal) else ""
    except psycopg.OperationalError as exc:
        fail(EXIT_USAGE, _unreachable(exc), args.json)


