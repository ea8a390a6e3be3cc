"""cancel_and_wait: children stop, their failures are logged, the caller's own cancellation is never lost."""

from __future__ import annotations

import asyncio
import logging

import pytest

from voicebot.runtime.aio import cancel_and_wait


async def _forever() -> None:
    await asyncio.Event().wait()


async def test_cancels_and_waits_for_every_child() -> None:
    children = [asyncio.create_task(_forever()) for _ in range(3)]
    await asyncio.sleep(0)
    await cancel_and_wait(*children)
    assert all(child.cancelled() for child in children)


async def test_waits_for_a_child_whose_clean_up_takes_time() -> None:
    cleaned = asyncio.Event()

    async def slow_to_stop() -> None:
        try:
            await _forever()
        finally:
            await asyncio.sleep(0.05)
            cleaned.set()

    child = asyncio.create_task(slow_to_stop())
    await asyncio.sleep(0)
    await cancel_and_wait(child)
    assert cleaned.is_set() and child.done()


async def test_no_tasks_is_a_no_op() -> None:
    await cancel_and_wait()


async def test_a_child_that_already_finished_is_fine() -> None:
    child = asyncio.create_task(asyncio.sleep(0, result=7))
    await child
    await cancel_and_wait(child)
    assert child.result() == 7


async def test_a_failing_child_is_logged_and_ignored(caplog: pytest.LogCaptureFixture) -> None:
    async def fails_on_stop() -> None:
        try:
            await _forever()
        finally:
            raise RuntimeError("disk on fire")

    child = asyncio.create_task(fails_on_stop(), name="flusher")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="voicebot.runtime.aio"):
        await cancel_and_wait(child)
    assert "flusher" in caplog.text and "disk on fire" in caplog.text
    assert isinstance(child.exception(), RuntimeError)


async def test_a_child_failed_before_the_cancel_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def fails() -> None:
        raise ValueError("bad frame")

    child = asyncio.create_task(fails(), name="reader")
    await asyncio.wait([child])
    with caplog.at_level(logging.ERROR, logger="voicebot.runtime.aio"):
        await cancel_and_wait(child)
    assert "reader" in caplog.text and "bad frame" in caplog.text


async def test_caller_cancelled_while_waiting_still_gets_cancelled_error() -> None:
    stopping = asyncio.Event()

    async def stubborn() -> None:  # takes its time to stop, so the caller is still waiting when cancelled
        try:
            await _forever()
        finally:
            stopping.set()
            await asyncio.sleep(10)

    child = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    reached_end = False

    async def caller() -> None:
        nonlocal reached_end
        await cancel_and_wait(child)
        reached_end = True

    outer = asyncio.create_task(caller())
    await stopping.wait()
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert outer.cancelled() and not reached_end
    assert not child.done()  # asked to stop, still ending: the caller did not wait for it
    child.cancel()
    await asyncio.wait([child])


async def test_caller_cancelled_from_a_timeout_while_waiting_times_out() -> None:
    async def stubborn() -> None:
        try:
            await _forever()
        finally:
            await asyncio.sleep(10)

    child = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await cancel_and_wait(child)
    child.cancel()
    await asyncio.wait([child])


async def test_clean_up_after_own_cancel_still_waits_and_keeps_the_cancel() -> None:
    child = asyncio.create_task(_forever())
    stopped_child = False

    async def caller() -> None:
        nonlocal stopped_child
        try:
            await _forever()
        finally:  # the caller's own CancelledError is propagating through here
            await cancel_and_wait(child)
            stopped_child = child.cancelled()

    outer = asyncio.create_task(caller())
    await asyncio.sleep(0)
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert stopped_child


async def test_a_timeout_bounds_the_wait_and_leaves_stragglers(caplog: pytest.LogCaptureFixture) -> None:
    async def stubborn() -> None:
        try:
            await _forever()
        finally:
            await asyncio.sleep(10)

    quick, slow = asyncio.create_task(_forever()), asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    began = loop.time()
    with caplog.at_level(logging.WARNING, logger="voicebot.runtime.aio"):
        await cancel_and_wait(quick, slow, timeout_s=0.05)
    assert loop.time() - began < 5
    assert quick.cancelled() and not slow.done()
    assert "1 tasks still stopping" in caplog.text
    slow.cancel()
    await asyncio.wait([slow])
