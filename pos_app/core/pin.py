"""The store manager's PIN: a salted, slow hash in the keyring, and a lockout.

Settings, refunds, resolving unknown payments and leaving kiosk mode need it.
After five wrong PINs in a row the PIN is refused for five minutes (counted in the
keyring too, so restarting the app does not reset it).  Training mode without a
PIN of its own uses :data:`TRAINING_PIN`, which the PIN dialog tells the trainee.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Callable

from pos_app.core.secrets import SecretStore
from pos_app.i18n import UserError, msg
from pos_app.redact import same_secret

C = "Pin"
TRAINING_PIN = "1234"
ITERATIONS = 200_000
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
MIN_LENGTH, MAX_LENGTH = 4, 12


class PinError(UserError):
    pass


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    salt_text, digest_text = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"pbkdf2-sha256${iterations}${salt_text}${digest_text}"


def check_hash(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2-sha256":
        return False
    again = hash_pin(pin, salt=base64.b64decode(salt), iterations=int(iterations))
    return same_secret(again.rsplit("$", 1)[1], digest)


def check_new_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit()) or not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise PinError(msg(C, "The PIN must be {lo} to {hi} digits.", lo=MIN_LENGTH,
                           hi=MAX_LENGTH))
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise PinError(msg(C, "The PIN is too easy to guess."))


class PinStore:
    """Checks and changes the manager PIN; ``clock`` is injectable for tests."""

    def __init__(self, secrets_store: SecretStore, *, training: bool,
                 clock: Callable[[], float] = time.time) -> None:
        self._secrets = secrets_store
        self._training = training
        self._clock = clock
        self._memory = (0, 0.0)  # the failure count when the keyring cannot keep it

    @property
    def is_set(self) -> bool:
        return self._secrets.get("manager", "pin_hash") is not None

    @property
    def uses_training_pin(self) -> bool:
        return self._training and not self.is_set

    def set(self, pin: str) -> None:
        check_new_pin(pin)
        self._secrets.set("manager", "pin_hash", hash_pin(pin))
        self._save_failures(0, 0.0)

    def verify(self, pin: str) -> None:
        """Raises PinError (none typed, wrong, or locked) unless ``pin`` is right.  An empty
        PIN is not an attempt: an Enter pressed too early must not count towards the lock."""
        if not pin:
            raise PinError(msg(C, "Enter the PIN."))
        failures, since = self._failures()
        now = self._clock()
        if failures >= MAX_FAILURES and now - since < LOCKOUT_SECONDS:
            minutes = int((LOCKOUT_SECONDS - (now - since)) // 60) + 1
            raise PinError(msg(C, "Too many wrong PINs. Try again in {n} min.", n=minutes))
        stored = self._secrets.get("manager", "pin_hash")
        if stored is None:
            right = self._training and same_secret(pin, TRAINING_PIN)
        else:
            right = check_hash(pin, stored)
        if right:
            self._save_failures(0, 0.0)
            return
        failures = 1 if failures >= MAX_FAILURES else failures + 1
        self._save_failures(failures, now)
        left = MAX_FAILURES - failures
        if left <= 0:
            raise PinError(msg(C, "Wrong PIN. The PIN is locked for {n} min.",
                               n=LOCKOUT_SECONDS // 60))
        raise PinError(msg(C, "Wrong PIN. {n} tries left.", n=left))

    def _failures(self) -> tuple[int, float]:
        raw = self._secrets.get("manager", "pin_failures")
        try:
            data = json.loads(raw) if raw else {}
            stored = int(data.get("n", 0)), float(data.get("since", 0.0))
        except (ValueError, TypeError, AttributeError):
            stored = (0, 0.0)
        return max(stored, self._memory)

    def _save_failures(self, count: int, since: float) -> None:
        self._memory = (count, since)
        # Without a keyring the count lives as long as this process.
        with contextlib.suppress(UserError):
            self._secrets.set("manager", "pin_failures", json.dumps({"n": count, "since": since}))
