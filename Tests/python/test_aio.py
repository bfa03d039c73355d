"""ivs.aio against ivs-local: coroutines with the blocking client's outputs and exceptions, async
paginators, 500 calls at once on one event loop thread (no thread per call), cancellation of the
awaiting task cancelling the call in libivs, and closing with calls in flight."""
import asyncio
import threading
import time

import pytest

import ivs
import ivs.aio
from .conftest import REGION, client_args


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def aio_client(url, service, **overrides):
    overrides.setdefault("config", ivs.Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    return ivs.aio.client(service, **client_args(url, **overrides))


def test_the_same_output_as_the_blocking_client(url, fresh):
    blocking = ivs.client("ivs", **client_args(url))
    created = blocking.create_channel(name="aio-one")["channel"]

    async def main():
        async with aio_client(url, "ivs") as c:
            return await c.get_channel(arn=created["arn"])

    got = run(main())
    want = blocking.get_channel(arn=created["arn"])
    assert got["channel"] == want["channel"]
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    blocking.close()


def test_errors_are_the_blocking_clients_exceptions(url, fresh):
    async def main():
        async with aio_client(url, "ivs") as c:
            with pytest.raises(c.exceptions.ResourceNotFoundException) as e:
                await c.get_channel(arn=f"arn:aws:ivs:{REGION}:123456789012:channel/missing1")
            assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
            with pytest.raises(ivs.exceptions.ClientError):
                await c.get_channel(arn=f"arn:aws:ivs:{REGION}:123456789012:channel/missing2")
            with pytest.raises(ivs.exceptions.ParamValidationError):
                await c.get_channel()

    run(main())


def test_async_paginators(url, fresh):
    blocking = ivs.client("ivschat", **client_args(url))
    for i in range(7):
        blocking.create_room(name=f"aio-room-{i}")

    async def main():
        async with aio_client(url, "ivschat") as c:
            pages = [p async for p in c.get_paginator("list_rooms").paginate(PaginationConfig={"PageSize": 3})]
            full = await c.get_paginator("list_rooms").paginate(PaginationConfig={"PageSize": 2}).build_full_result()
            limited = c.get_paginator("list_rooms").paginate(PaginationConfig={"PageSize": 2, "MaxItems": 5})
            items = [r for p in [p async for p in limited] for r in p["rooms"]]
            return pages, full, items, limited.resume_token

    pages, full, items, resume = run(main())
    assert [len(p["rooms"]) for p in pages] == [3, 3, 1]
    assert len(full["rooms"]) == 7
    assert len(items) == 5 and resume is not None
    blocking.close()


def test_500_concurrent_calls_on_one_thread(url, fresh):
    threads_before = threading.active_count()

    async def main():
        async with aio_client(url, "ivschat") as c:
            results = await asyncio.gather(*(c.list_rooms() for _ in range(500)))
            during = threading.active_count()
            return results, during

    results, during = run(main())
    assert len(results) == 500
    assert all(r["ResponseMetadata"]["HTTPStatusCode"] == 200 for r in results)
    # one I/O thread for the client (and at most a credential resolver), never a thread per call
    assert during - threads_before <= 2


def test_cancelling_the_task_cancels_the_call(url, fresh, control):
    control.fault(operation="ListStages", action="delay", delayMs=3000, count=1)

    async def main():
        async with aio_client(url, "ivs-realtime") as c:
            task = asyncio.create_task(c.list_stages())
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            cancelled_in = time.monotonic() - started
            # the client goes on working
            after = await c.list_stages()
            return cancelled_in, after

    cancelled_in, after = run(main())
    assert cancelled_in < 1.0
    assert after["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_timeouts_and_retries_as_configured(url, fresh, control):
    control.fault(operation="ListRooms", action="error", status=503, code="ServiceUnavailableException", count=1)

    async def main():
        async with aio_client(url, "ivschat", config=ivs.Config(retries={"total_max_attempts": 3, "mode": "standard"})) as c:
            return await c.list_rooms()

    out = run(main())
    assert out["ResponseMetadata"]["RetryAttempts"] == 1


def test_closing_with_calls_in_flight(url, fresh, control):
    control.fault(operation="ListChannels", action="delay", delayMs=3000, count=5)

    async def main():
        c = await aio_client(url, "ivs")
        tasks = [asyncio.create_task(c.list_channels()) for _ in range(5)]
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await c.close()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        return outcomes, time.monotonic() - started

    outcomes, took = run(main())
    assert took < 2.0
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)


def test_aiobotocore_style_session(url, fresh):
    async def main():
        session = ivs.aio.get_session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
        async with session.create_client("ivs", endpoint_url=url) as c:
            return await c.list_channels()

    assert run(main())["ResponseMetadata"]["HTTPStatusCode"] == 200
