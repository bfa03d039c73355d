#!/usr/bin/env python3
"""The Python binding against boto3 on the same canned server (bench/canned_server.c): get_channel in a
loop through each, in rounds that alternate which goes first. Reports the median calls per second of
each, the median of the per-round ratios (target: ivs at least 8x boto3) and the process CPU time per
call. Run by scripts/bench.sh; IVS_LIBRARY must name the libivs.so to use.

    python_bench.py --port PORT [--rounds 6] [--calls 400]
"""
import argparse
import os
import statistics
import sys
import time

import boto3
import botocore.config

import ivs

ARN = "arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234"


def timed(call, n):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        call(arn=ARN)
    t1, c1 = time.perf_counter(), time.process_time()
    return n / (t1 - t0), (c1 - c0) * 1e6 / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", type=int, default=400)
    a = ap.parse_args()
    url = f"http://127.0.0.1:{a.port}"
    common = dict(region_name="us-west-2", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
    b = boto3.client("ivs", config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 3}), **common)
    i = ivs.client("ivs", **common)
    for c in (b, i):
        out = c.get_channel(arn=ARN)
        if out["channel"]["latencyMode"] != "LOW" or not out["ResponseMetadata"]["RequestId"]:
            sys.exit(f"python_bench: unexpected output {out}")
    timed(b.get_channel, max(50, a.calls // 4))
    timed(i.get_channel, max(50, a.calls // 4))
    bs, is_, ratios, bcpu, icpu = [], [], [], [], []
    for r in range(a.rounds):
        order = [(b, bs, bcpu), (i, is_, icpu)]
        if r % 2:
            order.reverse()
        for client, rates, cpu in order:
            rate, us = timed(client.get_channel, a.calls)
            rates.append(rate)
            cpu.append(us)
        ratios.append(is_[-1] / bs[-1])
        print(f"  round {r + 1:2d}: boto3 {bs[-1]:8.0f}  ivs {is_[-1]:8.0f} calls/s  ratio {ratios[-1]:.2f}")
    bm, im = statistics.median(bs), statistics.median(is_)
    print(f"\nPython, {a.rounds} rounds of {a.calls} get_channel calls (medians)")
    print(f"  boto3 {boto3.__version__:<22} {bm:10.0f} calls/s  {statistics.median(bcpu):8.1f} us CPU per call")
    print(f"  ivs (libivs {ivs.__version__}) {'':<10} {im:10.0f} calls/s  {statistics.median(icpu):8.1f} us CPU per call")
    print(f"  ratio ivs/boto3: {im / bm:.2f} (of medians), {statistics.median(ratios):.2f} (median of per-round ratios); "
          "target >= 8")
    print(f"RESULT py_boto3_calls_per_s={bm:.0f} py_ivs_calls_per_s={im:.0f} py_ratio={im / bm:.2f} "
          f"py_ratio_pairs={statistics.median(ratios):.2f} py_boto3_cpu_us={statistics.median(bcpu):.1f} "
          f"py_ivs_cpu_us={statistics.median(icpu):.1f}")


if __name__ == "__main__":
    if not os.environ.get("IVS_LIBRARY"):
        sys.exit("python_bench: set IVS_LIBRARY to the libivs.so to measure")
    main()
