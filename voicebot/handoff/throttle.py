"""Login throttling: each attempt is counted before the password check; repeated failures lock out with backoff.

Keys are ``user:NAME`` (5 failures free, then an exponentially growing lockout: the defence against guessing one
agent's password) and ``ip:ADDR`` (30: against one client spraying many names; ``ADDR`` is the client's own
address behind a trusted proxy, see ``voicebot.webguard.proxy``). An attempt in progress counts as a failure
until it is known to be one, so parallel guesses cannot all slip through before the first failure is recorded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

LIMITS = {"user": 5, "ip": 30}
"""Failures (finished or in progress) allowed per user name, and per client address, before a lockout."""

LOCKOUT_MS = 60_000
"""The first lockout; each further failure doubles it."""

MAX_LOCKOUT_MS = 3600_000
"""The longest lockout."""

FORGET_MS = 3600_000
"""Failures are forgotten after this long without one (and outside a lockout)."""

MAX_KEYS = 10_000
"""Above this many tracked keys, forgotten ones are swept out (bounds memory under a flood of names)."""


@dataclass(frozen=True, slots=True)
class KeyState:
    """What the throttle remembers about one key."""

    failures: int = 0
    """Failed attempts since the last success (or since they were forgotten)."""
    pending: int = 0
    """Attempts admitted whose password check has not finished."""
    last_failure_ms: int = 0
    """When the last failure was recorded."""
    locked_until_ms: int = 0
    """No attempt is admitted before this."""


class LoginThrottle:
    """Admit or refuse login attempts per key, in memory (per process); one per console."""

    def __init__(
        self,
        now_ms: Callable[[], int],
        limits: dict[str, int] | None = None,
        lockout_ms: int = LOCKOUT_MS,
        max_lockout_ms: int = MAX_LOCKOUT_MS,
    ) -> None:
        self._now_ms = now_ms
        self._limits = dict(LIMITS if limits is None else limits)
        self._lockout = lockout_ms
        self._max_lockout = max_lockout_ms
        self._keys: dict[str, KeyState] = {}

    def _state(self, key: str, now: int) -> KeyState:
        found = self._keys.get(key, KeyState())
        if found.pending == 0 and now >= found.locked_until_ms and now - found.last_failure_ms >= FORGET_MS:
            self._keys.pop(key, None)
            return KeyState()
        return found

    def _refusal_ms(self, key: str, now: int) -> int:
        """Return how long ``key`` must wait (0: it may try now)."""
        found = self._state(key, now)
        if now < found.locked_until_ms:
            return found.locked_until_ms - now
        limit = self._limits[key.partition(":")[0]]
        if found.failures + found.pending < limit:
            return 0
        if found.failures >= limit and found.pending == 0:
            return 0  # a lockout just ended: one attempt at a time (another failure locks out for longer)
        return max(1000, self._lockout)

    def admit(self, *keys: str) -> float:
        """Reserve an attempt for every key and return 0; or return seconds to wait and reserve nothing.

        Every admitted attempt must be ended with ``finish``.
        """
        now = self._now_ms()
        wait = max(self._refusal_ms(k, now) for k in keys)
        if wait:
            return max(1.0, wait / 1000)
        for k in keys:
            found = self._state(k, now)
            self._keys[k] = dataclasses.replace(found, pending=found.pending + 1)
        if len(self._keys) > MAX_KEYS:
            self._sweep(now)
        return 0.0

    def finish(self, keys: tuple[str, ...], succeeded: bool) -> None:
        """End an admitted attempt: a success forgets the user's failures, a failure may lock its keys out."""
        now = self._now_ms()
        for k in keys:
            found = self._keys.get(k, KeyState())
            pending = max(0, found.pending - 1)
            if succeeded:
                # the user name is proven; an address keeps its failures (they may be other names' guesses)
                self._keys[k] = (
                    KeyState(pending=pending) if k.startswith("user:") else dataclasses.replace(found, pending=pending)
                )
                continue
            failures = found.failures + 1
            limit = self._limits[k.partition(":")[0]]
            locked = found.locked_until_ms
            if failures >= limit:
                locked = now + min(self._max_lockout, self._lockout * 2 ** (failures - limit))
            self._keys[k] = KeyState(failures, pending, now, locked)

    def _sweep(self, now: int) -> None:
        for key in list(self._keys):
            self._state(key, now)
