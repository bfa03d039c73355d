#!/usr/bin/env python3
"""Chat messaging through ivs-local, libivs beside a Python `websockets` client doing the same work
(docs/benchmarks.md, "Chat messaging"):

    .venv/bin/python bench/chat_bench.py [--messages 5000] [--rounds 3] [--no-build]

Starts ivs-local, makes a room without its rate limit (POST /_local/chat/rate-limit), then per round:
bench/chat_bench.c (libivs: ivs_chat_send and events in thread dispatch) and the same two measures
with websockets (asyncio): (1) one connection sends the messages as fast as it can and receives its
own MESSAGE events back: messages per second, first send to last echo; (2) a second connection: the
time from sending a message to the other client's receiving it, one at a time, 500 samples.
ivs-local (Python, one thread per connection) serves both, so the difference is the client's."""
import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import Control, start_ivs_local, stop_ivs_local  # noqa: E402


async def websockets_bench(url, tokens, n, samples=500):
    import websockets
    ws_url = url.replace('http://', 'ws://')
    async with websockets.connect(ws_url, subprotocols=[tokens[0]], max_queue=None) as a:
        received = 0
        done = asyncio.get_running_loop().create_future()

        async def reader():
            nonlocal received
            async for text in a:
                if json.loads(text).get('Type') == 'MESSAGE':
                    received += 1
                    if received == n:
                        done.set_result(time.monotonic())
                        return
        task = asyncio.create_task(reader())
        start, cpu0 = time.monotonic(), time.process_time()
        for i in range(n):
            await a.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': f'message {i} of the benchmark',
                                     'RequestId': str(i)}))
        end = await asyncio.wait_for(done, 120)
        await task
        throughput = n / (end - start), (time.process_time() - cpu0) * 1e6 / n
        async with websockets.connect(ws_url, subprotocols=[tokens[1]]) as b:
            lat = []
            for _ in range(samples):
                t = time.monotonic()
                await a.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': 'ping', 'RequestId': 'x'}))
                while json.loads(await b.recv()).get('Type') != 'MESSAGE':
                    pass
                lat.append((time.monotonic() - t) * 1e6)
                await a.recv()  # its own echo
            lat.sort()
    return throughput, lat


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--messages', type=int, default=5000)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--no-build', action='store_true')
    args = p.parse_args()
    lib = os.environ.get('IVS_LIBRARY') or os.path.join(ROOT, '.build', 'release', 'libivs.so')
    out = os.path.join(ROOT, '.build', 'bench')
    os.makedirs(out, exist_ok=True)
    exe = os.path.join(out, 'chat_bench')
    if not args.no_build:
        subprocess.run(['cc', '-O2', '-Wall', '-Wextra', '-I', os.path.join(ROOT, 'include'),
                        os.path.join(ROOT, 'bench', 'chat_bench.c'), '-o', exe, '-L', os.path.dirname(lib),
                        f'-Wl,-rpath,{os.path.dirname(lib)}', '-l:' + os.path.basename(lib), '-lpthread'], check=True)
    proc, url = start_ivs_local()
    try:
        import boto3
        chat = boto3.client('ivschat', endpoint_url=url, region_name='us-west-2', aws_access_key_id='test',
                            aws_secret_access_key='test')
        room = chat.create_room(name='bench', maximumMessageRatePerSecond=100)['arn']
        Control(url).post('chat/rate-limit', {'roomArn': room, 'enforce': False})
        for r in range(args.rounds):
            c = subprocess.run([exe, url, room, str(args.messages)], capture_output=True, text=True, check=True)
            print(f'round {r + 1} libivs:\n  ' + c.stdout.strip().replace('\n', '\n  '))
            tokens = [chat.create_chat_token(roomIdentifier=room, userId=f'py-{i}',
                                             capabilities=['SEND_MESSAGE'])['token'] for i in range(2)]
            (tp, cpu_us), lat = asyncio.run(websockets_bench(url, tokens, args.messages))
            print(f'round {r + 1} websockets:\n  throughput: {tp:.0f} messages/s; client CPU {cpu_us:.1f} us per message sent '
                  f'and received\n  latency send -> other client (us): '
                  f'p50 {lat[len(lat) // 2]:.0f} p90 {lat[len(lat) * 9 // 10]:.0f} p99 {lat[len(lat) * 99 // 100]:.0f} '
                  f'max {lat[-1]:.0f} (mean {statistics.mean(lat):.0f})')
    finally:
        stop_ivs_local(proc)


if __name__ == '__main__':
    main()
