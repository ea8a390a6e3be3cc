"""Login throttling: too many failed logins for one user name or address lock it out for a while."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

LIMITS = {"user": 5, "ip": 30}
"""Failed logins allowed within ``WINDOW_MS`` per user name, and per address (higher: a proxy is shared)."""

WINDOW_MS = 5 * 60_000
"""Sliding window (and lockout length) for failed logins."""


class LoginThrottle:
    """Count recent failures per key (``user:NAME``, ``ip:ADDR``) in memory (per process); one per console."""

    def __init__(
        self, now_ms: Callable[[], int], limits: dict[str, int] | None = None, window_ms: int = WINDOW_MS
    ) -> None:
        self._now_ms = now_ms
        self._limits = dict(LIMITS if limits is None else limits)
        self._window = window_ms
        self._failures: dict[str, deque[int]] = {}

    def _recent(self, key: str) -> deque[int]:
        times = self._failures.setdefault(key, deque())
        cutoff = self._now_ms() - self._window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[key]  # keep the table small: only keys with recent failures stay
            return deque()
        return times

    def blocked(self, *keys: str) -> bool:
        """Return whether any key has used up its failures."""
        return any(len(self._recent(k)) >= self._limits[k.partition(":")[0]] for k in keys)

    def failed(self, *keys: str) -> None:
        """Record a failed attempt for every key."""
        now = self._now_ms()
        for k in keys:
            self._failures.setdefault(k, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget failures after a successful login."""
        for k in keys:
            self._failures.pop(k, None)
