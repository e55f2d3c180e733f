"""Typed options: each command reads its parsed line as a frozen struct of its own, so a
misspelt option is a type error, not an AttributeError at a customer's till.

The parser (``pos_app.launch.build_parser``) stays in one place, cheap to build before any
command module is imported; ``tests/test_cli_options.py`` checks that every field of every
command's options is an option of its parser, and the reverse."""

from __future__ import annotations

import argparse
from typing import Self

from msgspec import Struct


class Options(Struct, frozen=True):
    """What every command has (``pos-app COMMAND --demo --config FILE --json -v``)."""

    json: bool = False  # one JSON object per result on stdout
    config: str | None = None  # the terminal configuration file; None: the default place
    demo: bool = False  # training mode
    sandbox_url: str | None = None  # with demo: a running `pos-app sandbox`
    verbose: bool = False

    @classmethod
    def of(cls, line: argparse.Namespace) -> Self:
        """The options of ``line`` (what the parser made of the command line); a common
        option left out keeps its default here."""
        return cls(**{name: getattr(line, name) for name in cls.__struct_fields__
                      if hasattr(line, name)})
