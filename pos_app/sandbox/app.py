"""All provider sandboxes under one ASGI app, plus the shared ``/_sandbox`` control routes.

Each provider's sandbox (``providers/<name>/sandbox.py``, listed by the registry) serves its
API under ``/<name>`` and its own control routes under ``/_sandbox/<name>``.  Shared here:
``/_sandbox/credentials`` (what a register needs) and ``/_sandbox/faults`` (see
:mod:`pos_app.sandbox.faults`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from pos_app.providers.registry import plugins
from pos_app.sandbox.common import JSONResponse, read_body
from pos_app.sandbox.faults import Fault, FaultInjector
from pos_app.sandbox.provider import TRAINING_STORE, ProviderSandbox

T = TypeVar("T")


class Sandbox:
    """The sandboxes' state, reachable from tests and from the control routes."""

    def __init__(self, providers: Mapping[str, ProviderSandbox] | None = None, *,
                 base_url: str = "http://sandbox") -> None:
        self.providers: dict[str, ProviderSandbox] = dict(
            providers or {each.name: each.sandbox() for each in plugins()})
        self.faults: FaultInjector | None = None
        self.base_url = base_url

    @property
    def base_url(self) -> str:
        """Where the training server listens; each sandbox is told its own address under it
        (its payer pages and links point there)."""
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._base_url = url
        for name, each in self.providers.items():
            each.bind(f"{url}/{name}")

    def __getitem__(self, name: str) -> ProviderSandbox:
        return self.providers[name]

    def of(self, kind: type[T]) -> T:
        """The one sandbox of class ``kind`` (tests reach a provider's own state this way)."""
        for each in self.providers.values():
            if isinstance(each, kind):
                return each
        raise KeyError(kind.__name__)

    def credentials(self) -> dict[str, Any]:
        """What a register needs to talk to these sandboxes (training values, not secrets)."""
        return {"base_url": self.base_url, "store_id": TRAINING_STORE,
                **{name: each.credentials() for name, each in self.providers.items()}}


def build_app(sandbox: Sandbox | None = None, *, in_process: bool = False) -> tuple[FaultInjector,
                                                                                      Sandbox]:
    """The ASGI app (wrapped in the fault injector) and its state."""
    state = sandbox or Sandbox()
    routes: list[BaseRoute] = []
    for name, each in state.providers.items():
        routes += [Mount(f"/{name}", app=each.app()),
                   Mount(f"/_sandbox/{name}", routes=each.control_routes())]
    routes.append(Mount("/_sandbox", routes=_shared_routes(state)))
    injector = FaultInjector(Starlette(routes=routes), in_process=in_process, error_bodies={
        f"/{name}": each.error_body for name, each in state.providers.items()})
    state.faults = injector
    return injector, state


def _shared_routes(state: Sandbox) -> list[BaseRoute]:
    async def credentials(request: Request) -> Response:
        return JSONResponse(state.credentials())

    async def faults(request: Request) -> Response:
        assert state.faults is not None
        if request.method == "DELETE":
            state.faults.clear()
        elif request.method == "POST":
            body, _ = await read_body(request)
            try:
                state.faults.add(Fault(**(body if isinstance(body, dict) else {})))
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(state.faults.active())

    return [
        Route("/credentials", credentials, methods=["GET"]),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
    ]
