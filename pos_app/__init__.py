"""pos-app: a cashier application for store registers."""

import sys

__version__ = "0.1.0"

# httpx offers a command line of its own, and importing httpx loads it whenever click is
# installed (uvicorn needs it): click, pygments and rich, about 70 ms of every start, for
# nothing.  A None entry makes that optional import fail the way httpx expects.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
