"""Python clients making many calls at once against bench/canned_server (issue 13's comparison):
ivs.aio with N concurrent tasks, boto3 on a thread pool, and aiobotocore with N concurrent tasks.

    python bench/python_async_bench.py --port PORT --latency-ms 50 --concurrency 256 --seconds 5

Prints one RESULT line per client (calls/s). Each client does GetChannel calls for `seconds` after a
warm-up that opens its connections. A benchmark, not a test: scripts/bench-async.sh runs it in a venv
of its own (aiobotocore pins its own botocore).
"""
import argparse
import asyncio
import concurrent.futures
import os
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
ARN = "arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234"
CREDS = dict(region_name="us-west-2", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
             aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


async def keep_busy(call, concurrency, seconds):
    """concurrency tasks each calling in a loop; returns calls/s over `seconds` after a warm-up."""
    count = 0
    stop = False

    async def worker():
        nonlocal count
        while not stop:
            await call()
            count += 1

    await asyncio.gather(*(call() for _ in range(concurrency)))  # warm-up: connections opened
    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    start = time.monotonic()
    await asyncio.sleep(seconds)
    stop = True
    done_count = count
    elapsed = time.monotonic() - start
    await asyncio.gather(*tasks)
    return done_count / elapsed


def bench_ivs_aio(url, concurrency, seconds):
    import ivs
    import ivs.aio

    async def main():
        config = ivs.Config(max_pool_connections=concurrency, retries={"total_max_attempts": 1, "mode": "standard"})
        async with ivs.aio.client("ivs", endpoint_url=url, config=config, **CREDS) as c:
            return await keep_busy(lambda: c.get_channel(arn=ARN), concurrency, seconds)
    return asyncio.run(main())


def bench_aiobotocore(url, concurrency, seconds):
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    async def main():
        config = AioConfig(max_pool_connections=concurrency, retries={"total_max_attempts": 1, "mode": "standard"})
        async with get_session().create_client("ivs", endpoint_url=url, config=config, **CREDS) as c:
            return await keep_busy(lambda: c.get_channel(arn=ARN), concurrency, seconds)
    return asyncio.run(main())


def bench_boto3_threads(url, threads, seconds):
    import boto3
    from botocore.config import Config
    client = boto3.client("ivs", endpoint_url=url, config=Config(max_pool_connections=threads,
                                                                 retries={"total_max_attempts": 1, "mode": "standard"}),
                          **CREDS)
    count = 0
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        nonlocal count
        while not stop.is_set():
            client.get_channel(arn=ARN)
            with lock:
                count += 1

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: client.get_channel(arn=ARN), range(threads)))  # warm-up
        futures = [pool.submit(worker) for _ in range(threads)]
        start = time.monotonic()
        time.sleep(seconds)
        with lock:
            done_count = count
        elapsed = time.monotonic() - start
        stop.set()
        for f in futures:
            f.result()
    return done_count / elapsed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--latency-ms", type=float, default=0, help="the server's delay, for the limit line")
    p.add_argument("--concurrency", type=int, default=256)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--only", choices=["ivs", "aiobotocore", "boto3"], action="append")
    a = p.parse_args()
    url = f"http://127.0.0.1:{a.port}"
    which = a.only or ["ivs", "aiobotocore", "boto3"]
    results = {}
    if "ivs" in which:
        results["ivs_aio"] = bench_ivs_aio(url, a.concurrency, a.seconds)
    if "aiobotocore" in which:
        results["aiobotocore"] = bench_aiobotocore(url, a.concurrency, a.seconds)
    if "boto3" in which:
        results["boto3_threads"] = bench_boto3_threads(url, a.threads, a.seconds)
    limit = a.concurrency / (a.latency_ms / 1000) if a.latency_ms else None
    for name, rate in results.items():
        extra = f" limit_fraction={rate / limit:.3f}" if limit else ""
        print(f"RESULT python={name} latency_ms={a.latency_ms:g} calls_per_s={rate:.0f}{extra}")


if __name__ == "__main__":
    main()
