"""What each provider's sandbox (in its own folder, ``providers/<name>/sandbox.py``) offers the
training server: its API, its control routes, and what a register needs to reach it."""

from __future__ import annotations

from typing import Any, Protocol

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

# The training chain's store: every sandbox knows it (Koshelek checks storeId, spec §3.2).
TRAINING_STORE = "5b2e8c44-9a1f-4d0b-8f6e-1c3a7d9e2f10"


class ProviderSandbox(Protocol):
    """One provider's in-memory double, faithful to its spec (``../shared/specs/``).

    Served under ``/<name>``; its control routes (not part of any provider's API: they let a
    trainer, a test or a script play the customer) under ``/_sandbox/<name>``.  A QR
    provider's control routes include ``POST /payments/{ref}/{outcome}`` (pay, fail, expire)
    for the training customer."""

    name: str
    base_url: str  # where the API is served: set by :meth:`bind`

    def bind(self, base_url: str) -> None:
        """Where this sandbox is served (``http://host:port/<name>``): its payer pages and
        links point there."""

    def app(self) -> ASGIApp: ...

    def control_routes(self) -> list[BaseRoute]: ...

    def credentials(self) -> dict[str, str]:
        """What a register needs to talk to it: ``base_url`` (its API root) and the training
        values its plugin's :meth:`for_training` and secrets read (not real secrets)."""

    def error_body(self, status: int) -> Any:
        """The body of an injected server error, as this provider would send it (None: its
        server's empty answer)."""
