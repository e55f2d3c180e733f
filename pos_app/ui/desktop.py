"""A kiosk against its X11 window manager's "show desktop".

Openbox's "show desktop" (Super+D) hides every window without minimizing it, so a kiosk's
till went black without the manager's PIN (issue 20 #12); switching virtual desktops left it
behind on the first one (a walk).  Mapping the window again fought
the window manager, which hid it again; asking it to leave "show desktop", as a pager does
(EWMH ``_NET_SHOWING_DESKTOP``), brings every window back.  On Windows the kiosk is kept by
Assigned Access or Shell Launcher (README), and there is nothing to ask here.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)
PAGER = 2  # EWMH source indication: a pager's request, which window managers honour
EVERY_DESKTOP = 0xFFFFFFFF  # EWMH: a window shown on all virtual desktops


def on_every_desktop(window: int) -> bool:
    """Ask the X window manager to show ``window`` on every virtual desktop (a kiosk's PIN
    dialog stayed behind on the first, a walk).  False when it cannot be asked."""
    return _ask(window, desktops_only=True)


def bring_back(window: int) -> bool:
    """Ask the X window manager to show ``window`` (an X window id) on every virtual desktop
    (``_NET_WM_DESKTOP`` = all: a desktop switch left the kiosk behind, a walk), to leave
    "show desktop" (``_NET_SHOWING_DESKTOP`` = 0) and to activate it as a pager would
    (``_NET_ACTIVE_WINDOW``, source 2): client messages to the root window, EWMH.  Also at
    the kiosk's start.  False when this is no X11 session or the requests cannot be sent;
    never raises."""
    return _ask(window, desktops_only=False)


def _ask(window: int, *, desktops_only: bool) -> bool:
    from pos_app.ui.qt import QGuiApplication

    if QGuiApplication.platformName() != "xcb" or not os.environ.get("DISPLAY"):
        return False  # no X11 window of ours (Windows, offscreen, Wayland)
    try:
        from Xlib import X, Xatom, display, error
        from Xlib.protocol import event
    except ImportError:  # not on Linux: python-xlib is installed there only
        return False
    try:
        connection = display.Display()
    except (error.DisplayError, OSError) as exc:
        log.warning("kiosk: the X display cannot be reached (%s)", exc)
        return False
    try:
        root = connection.screen().root
        mask = X.SubstructureRedirectMask | X.SubstructureNotifyMask
        requests = [(window, "_NET_WM_DESKTOP", [EVERY_DESKTOP, PAGER, 0, 0, 0])]
        if not desktops_only:
            requests += [(root.id, "_NET_SHOWING_DESKTOP", [0, 0, 0, 0, 0]),
                         (window, "_NET_ACTIVE_WINDOW", [PAGER, X.CurrentTime, 0, 0, 0])]
        # A window the window manager does not manage yet (just shown: its map is still on
        # the way) ignores the message and reads this property when it takes the window
        # (EWMH); one already managed ignores the property and takes the message.  Both, so
        # neither order loses it (the kiosk's PIN stayed on one desktop under load).
        connection.create_resource_object("window", window).change_property(
            connection.intern_atom("_NET_WM_DESKTOP"), Xatom.CARDINAL, 32, [EVERY_DESKTOP])
        for target, name, data in requests:
            root.send_event(event.ClientMessage(
                window=connection.create_resource_object("window", target),
                client_type=connection.intern_atom(name), data=(32, data)), event_mask=mask)
        connection.flush()
        return True
    except (error.XError, error.ConnectionClosedError, OSError) as exc:
        log.warning("kiosk: the window manager cannot be asked to show the till (%s)", exc)
        return False
    finally:
        connection.close()
