"""Stopping child tasks: the one way to cancel a task and wait for it to end.

``task.cancel()`` followed by ``with suppress(CancelledError): await task`` has a
flaw: if the *caller* is cancelled while it waits, that cancellation is
swallowed too, and the caller carries on as if nothing happened. ``cancel_and_wait``
waits through ``asyncio.wait``, which never raises a child's outcome, so a
``CancelledError`` reaching the caller is always the caller's own and propagates;
no ``cancelling()`` bookkeeping is needed to tell the two apart.

Modelled on livekit-agents' ``utils.aio.cancel_and_wait``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(*tasks: asyncio.Future[Any], timeout_s: float | None = None) -> None:
    """Cancel ``tasks`` and wait until every one has ended (at most ``timeout_s``, if given).

    A child that ends with an exception other than ``CancelledError`` (raised
    before the cancel or while handling it) is logged at ERROR with its
    traceback and otherwise ignored: stopping a child is clean-up, and clean-up
    must not fail because the child already had. A child that returns a value
    instead of stopping is ignored too.

    If the caller is cancelled while it waits, ``CancelledError`` propagates to
    it at once; the children have been asked to stop but may still be ending.
    Children still ending after ``timeout_s`` are logged at WARNING and left to end on their own.
    """
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    # asyncio.wait raises only the caller's own CancelledError, never a child's outcome.
    _, pending = await asyncio.wait(tasks, timeout=timeout_s)
    if pending:
        log.warning("%d tasks still stopping after %.1f s", len(pending), timeout_s)
    for task in tasks:
        if task.done():
            _log_failure(task)


def _log_failure(task: asyncio.Future[Any]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        name = task.get_name() if isinstance(task, asyncio.Task) else repr(task)
        log.error("task %s failed while being stopped", name, exc_info=error)
