"""libivs's WebSocket layer against servers that are not ivs-local: the `websockets` package (an
independent RFC 6455 implementation) for fragmentation, pings both ways, every close path and
what the client sends; and a raw-socket server for hostile handshakes and frames: oversized, bad
opcode, masked from the server, invalid UTF-8, truncated header, reserved bits, bad close frames,
non-minimal lengths. Each case runs the driver in a process of its own: nothing crashes, each ends
with a clear disconnect reason and close code, memory stays bounded, and the token is never printed
or logged."""
import asyncio
import json
import struct
import threading
import time

import pytest
import websockets
from websockets.asyncio.server import serve

from conftest import TOKEN

NO_RECONNECT = {'reconnect': False}


def options(url, **extra):
    return {'url': url, 'token': TOKEN, **NO_RECONNECT, **extra}


class WsServer:
    """A `websockets` server on a thread of its own, running handler(ws) per connection."""

    def __init__(self, handler, **kw):
        self.handler = handler
        self.kw = kw
        self.ready = threading.Event()
        self.seen = []           # what handlers record
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(5)

    def _run(self):
        asyncio.set_event_loop(self.loop)

        async def main():
            async with serve(self._handle, '127.0.0.1', 0, subprotocols=[TOKEN], **self.kw) as server:
                self.port = server.sockets[0].getsockname()[1]
                self.stop_event = asyncio.Event()
                self.ready.set()
                await self.stop_event.wait()
        self.loop.run_until_complete(main())

    async def _handle(self, ws):
        try:
            await self.handler(ws, self.seen)
        except websockets.ConnectionClosed:
            pass

    @property
    def url(self):
        return f'ws://127.0.0.1:{self.port}'

    def stop(self):
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(5)


def settle(pred, seconds=3.0):
    """Waits for the server's handler to have recorded what pred checks (its thread may finish just
    after the driver's process did)."""
    end = time.monotonic() + seconds
    while not pred() and time.monotonic() < end:
        time.sleep(0.02)
    return pred()


@pytest.fixture
def ws_server():
    servers = []

    def make(handler, **kw):
        s = WsServer(handler, **kw)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.stop()


# -- against `websockets` -------------------------------------------------------------------------------

def test_messages_fragments_and_client_close(ws_server, run_driver):
    async def handler(ws, seen):
        seen.append(('subprotocol', ws.subprotocol))
        await ws.send(json.dumps({'Type': 'MESSAGE', 'Content': 'whole'}))
        # one message in five fragments (text frame + continuations)
        text = json.dumps({'Type': 'MESSAGE', 'Content': 'ünïcode ' * 200})
        await ws.send([text[i:i + 400] for i in range(0, len(text), 400)])
        async for message in ws:
            seen.append(('got', message))
        seen.append(('closed', ws.close_code))

    server = ws_server(handler)
    request = {'Action': 'SEND_MESSAGE', 'Content': 'ü' * 500, 'Attributes': {'k': 'v' * 300}}
    run = run_driver(options(server.url), request, close_ms=700)
    contents = [e['Content'] for e in run.service_events()]
    assert contents == ['whole', 'ünïcode ' * 200]
    assert run.sends[0][0] == 0
    got = [json.loads(m) for k, m in server.seen if k == 'got']
    assert got and got[0]['Content'] == 'ü' * 500 and got[0]['RequestId'] == run.sends[0][1]['RequestId']
    assert ('subprotocol', TOKEN) in server.seen
    assert settle(lambda: ('closed', 1000) in server.seen), server.seen
    assert run.final['Reason'] == 'clientClosed' and run.final['Code'] == 1000


def test_pings_are_answered_and_sent(ws_server, run_driver):
    async def handler(ws, seen):
        for i in range(3):
            pong = await ws.ping(f'p{i}'.encode())
            await asyncio.wait_for(pong, 5)
            seen.append('pong')
        # then silence: the client's own keep-alive ping must come and be answered by websockets
        await asyncio.sleep(1.5)
        await ws.send('{"Type": "EVENT", "EventName": "still-here"}')
        await asyncio.sleep(5)

    server = ws_server(handler, ping_interval=None)
    run = run_driver(options(server.url, pingIntervalMs=300, pingTimeoutMs=2000), close_ms=2500)
    assert server.seen.count('pong') == 3
    assert [e['EventName'] for e in run.service_events()] == ['still-here']
    assert run.final['Reason'] == 'clientClosed'
    assert 'ping' not in run.final['Message']


def test_no_pong_means_lost(raw_server, run_driver):
    def handler(conn):
        conn.accept()
        while conn.read_frame(timeout=10) is not None:  # reads pings, never answers
            pass

    server = raw_server(handler)
    run = run_driver(options(server.url, pingIntervalMs=200, pingTimeoutMs=300), seconds=5)
    assert run.final['Reason'] == 'network' and 'keep-alive' in run.final['Message']


@pytest.mark.parametrize('code,reason,transient', [(1000, 'bye now', False), (1001, 'going away', True),
                                                    (1011, '', True), (4000, 'app ended', False),
                                                    (1008, 'policy', False)])
def test_server_close_codes(ws_server, run_driver, code, reason, transient):
    async def handler(ws, seen):
        await ws.close(code, reason)
        seen.append(ws.close_code)

    server = ws_server(handler)
    # one more attempt allowed: a transient close reconnects (and the second connection closes too)
    run = run_driver(options(server.url, reconnect={'maxAttempts': 2, 'initialDelayMs': 10}), seconds=5)
    first = run.disconnects()[0]
    assert first['Reason'] == 'serverClosed' and first['Code'] == code
    assert (reason in first['Message']) if reason else True
    assert first['Reconnecting'] is transient
    assert settle(lambda: bool(server.seen)) and server.seen[0] == code  # our close answered theirs with the same code


def test_oversized_message_from_websockets(ws_server, run_driver):
    async def handler(ws, seen):
        await ws.send('x' * 5000)
        await ws.wait_closed()
        seen.append(ws.close_code)

    server = ws_server(handler)
    run = run_driver(options(server.url, maxMessageBytes=4096), seconds=5)
    assert run.final['Reason'] == 'protocolError' and run.final['Code'] == 1009
    assert settle(lambda: server.seen == [1009]), server.seen


# -- hostile frames over a raw socket -------------------------------------------------------------------

def hostile(frames, then_close=True):
    def handler(conn):
        conn.accept()
        conn.send(frames)
        # the client's close frame (if it sends one) is recorded
        got = conn.read_frame(timeout=3)
        conn.client_close = got
        if not then_close:
            time.sleep(3)
    return handler


def frame(opcode, payload=b'', fin=True, rsv=0, mask=None, length=None):
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload) if length is None else length
    if n < 126:
        head = struct.pack('!BB', b0, n | (0x80 if mask else 0))
    elif n <= 0xFFFF:
        head = struct.pack('!BBH', b0, 126 | (0x80 if mask else 0), n)
    else:
        head = struct.pack('!BBQ', b0, 127 | (0x80 if mask else 0), n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += mask
    return head + payload


HOSTILE = {
    'oversized': (frame(1, length=1 << 40), 1009, 'larger than'),
    'bad-opcode': (frame(3, b'x'), 1002, 'reserved opcode 3'),
    'masked': (frame(1, b'{"a":1}', mask=b'abcd'), 1002, 'masked frame'),
    'invalid-utf8': (frame(1, b'{"a":"\xff\xfe"}'), 1007, 'not valid UTF-8'),
    'overlong-utf8': (frame(1, b'"\xc0\xaf"'), 1007, 'not valid UTF-8'),
    'reserved-bits': (frame(1, b'{}', rsv=0x40), 1002, 'reserved bits'),
    'long-control': (frame(9, b'p' * 126), 1002, 'longer than 125'),
    'fragmented-ping': (frame(9, b'p', fin=False), 1002, 'fragmented control'),
    'lone-continuation': (frame(0, b'x'), 1002, 'no message to continue'),
    'interleaved-message': (frame(1, b'{', fin=False) + frame(1, b'}'), 1002, 'before the fragmented one ended'),
    'non-minimal-16': (struct.pack('!BBH', 0x81, 126, 5) + b'hello', 1002, 'shortest form'),
    'msb-64': (struct.pack('!BBQ', 0x81, 127, 1 << 63), 1002, 'most significant bit'),
    'close-1005': (frame(8, struct.pack('!H', 1005)), 1002, 'code 1005'),
    'close-999': (frame(8, struct.pack('!H', 999)), 1002, 'code 999'),
    'close-one-byte': (frame(8, b'\x03'), 1002, 'one-byte'),
    'close-bad-reason': (frame(8, struct.pack('!H', 1000) + b'\xff'), 1007, 'close reason'),
    'fragments-too-big': (frame(1, b'a' * 3000, fin=False) + frame(0, b'b' * 3000), 1009, 'larger than'),
}


@pytest.mark.parametrize('case', sorted(HOSTILE))
def test_hostile_frames(raw_server, run_driver, case):
    data, code, words = HOSTILE[case]
    holder = {}
    handled = threading.Event()

    def handler(conn):
        holder['conn'] = conn
        try:
            hostile(data)(conn)
        finally:
            handled.set()

    server = raw_server(handler)
    run = run_driver(options(server.url, maxMessageBytes=4096), seconds=5)
    assert handled.wait(5), 'the server thread did not finish'  # it records the client's close frame
    assert run.final['Reason'] == 'protocolError', (case, run.final)
    assert run.final['Code'] == code and words in run.final['Message'], (case, run.final)
    close = holder['conn'].client_close
    assert close and close[0] == 8 and struct.unpack('!H', close[1][:2])[0] == code, (case, close)
    assert run.rss_kb < 200_000


def test_truncated_header(raw_server, run_driver):
    server = raw_server(lambda conn: (conn.accept(), conn.send(b'\x81')))
    run = run_driver(options(server.url), seconds=5)
    assert run.final['Reason'] == 'network' and 'middle of a frame' in run.final['Message']
    assert run.final['Code'] == 1006


def test_eof_without_close(raw_server, run_driver):
    server = raw_server(lambda conn: (conn.accept(), conn.send(frame(1, b'{"Type":"EVENT"}'))))
    run = run_driver(options(server.url), seconds=5)
    assert len(run.service_events()) == 1
    assert run.final['Reason'] == 'network' and 'without a close frame' in run.final['Message']


def test_frames_with_the_handshake_and_odd_messages(raw_server, run_driver):
    # frames in the same packet as the 101; a binary message and non-JSON text are skipped
    def handler(conn):
        key = conn.request['sec-websocket-key']
        from conftest import accept_key
        conn.send(b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n'
                  b'Sec-WebSocket-Accept: ' + accept_key(key).encode() + b'\r\n\r\n'
                  + frame(1, b'{"Type":"EVENT","n":1}') + frame(2, b'\x00\x01') + frame(1, b'not json')
                  + frame(1, b'[1,2]') + frame(10, b'unsolicited pong') + frame(1, b'{"Type":"EVENT","n":2}')
                  + frame(8, struct.pack('!H', 1000) + b'done'))
        conn.read_frame()

    server = raw_server(handler)
    run = run_driver(options(server.url), seconds=5)
    assert [e['n'] for e in run.service_events()] == [1, 2]
    assert run.final['Reason'] == 'serverClosed' and run.final['Message'].endswith('done')


def test_ping_flood_stays_bounded(raw_server, run_driver):
    def handler(conn):
        conn.accept()
        conn.send(frame(9, b'x' * 125) * 20000 + frame(8, struct.pack('!H', 1000)))
        time.sleep(1)

    server = raw_server(handler)
    run = run_driver(options(server.url), seconds=5)
    assert run.final['Reason'] == 'serverClosed'
    assert run.rss_kb < 200_000


# -- hostile handshakes ---------------------------------------------------------------------------------

def answer(raw):
    def handler(conn):
        conn.send(raw(conn) if callable(raw) else raw)
        time.sleep(0.5)
    return handler


def good_head(conn, **override):
    from conftest import accept_key
    headers = {'Upgrade': 'websocket', 'Connection': 'Upgrade',
               'Sec-WebSocket-Accept': accept_key(conn.request['sec-websocket-key'])}
    headers.update(override)
    return ('HTTP/1.1 101 Switching Protocols\r\n' + ''.join(f'{k}: {v}\r\n' for k, v in headers.items() if v is not None)
            + '\r\n').encode()


HANDSHAKES = {
    'wrong-accept': (lambda c: good_head(c, **{'Sec-WebSocket-Accept': 'AAAA'}), 'protocolError', 'Sec-WebSocket-Accept'),
    'no-upgrade': (lambda c: good_head(c, Upgrade=None), 'protocolError', 'Upgrade: websocket'),
    'no-connection': (lambda c: good_head(c, Connection='keep-alive'), 'protocolError', 'Connection: Upgrade'),
    'extension': (lambda c: good_head(c, **{'Sec-WebSocket-Extensions': 'permessage-deflate'}), 'protocolError', 'extension'),
    'other-protocol': (lambda c: good_head(c, **{'Sec-WebSocket-Protocol': 'chat'}), 'protocolError', 'subprotocol'),
    'huge-head': (lambda c: b'HTTP/1.1 101 OK\r\n' + b'X: ' + b'y' * 20000 + b'\r\n\r\n', 'protocolError', 'larger than'),
    'not-http': (b'SSH-2.0-OpenSSH\r\n\r\n', 'protocolError', 'not HTTP'),
    'eof': (b'HTTP/1.1 101 Switching', 'network', 'during the opening handshake'),
    'refused-500': (b'HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nbusy', 'refused', 'HTTP 500'),
    'refused-404': (b'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno room\x00\xff', 'refused', 'HTTP 404'),
    'refused-401-echo': (('HTTP/1.1 401 Unauthorized\r\n\r\nbad token ' + TOKEN).encode(), 'tokenExpired', 'HTTP 401'),
}


@pytest.mark.parametrize('case', sorted(HANDSHAKES))
def test_hostile_handshakes(raw_server, run_driver, case):
    raw, reason, words = HANDSHAKES[case]
    server = raw_server(answer(raw))
    run = run_driver(options(server.url), seconds=5)
    assert run.final['Reason'] == reason and words in run.final['Message'], (case, run.final)
    if reason == 'refused':
        assert run.final['HttpStatus'] in (404, 500)
    assert len(run.final['Message']) < 600


def test_refused_5xx_once_with_a_used_token(raw_server, run_driver):
    # the token given at connect is used once: the next attempt asks for a new one
    server = raw_server(answer(b'HTTP/1.1 503 Slow Down\r\n\r\n'))
    run = run_driver(options(server.url, reconnect={'initialDelayMs': 20}), seconds=2)
    assert run.states() == ['connecting', 'disconnected', 'connecting', 'tokenNeeded', 'disconnected']
    assert run.disconnects()[0]['Reason'] == 'refused' and run.disconnects()[0]['Reconnecting'] is True


def test_refused_5xx_reconnects_then_gives_up(raw_server, run_driver, ivs_local_url, make_client):
    # createToken: every attempt gets a fresh token from ivs-local, and the raw server refuses each
    room = make_client('ivschat').create_room(name='backoff')['arn']
    server = raw_server(answer(b'HTTP/1.1 503 Slow Down\r\n\r\n'))
    opts = {'url': server.url, 'createToken': {'roomIdentifier': room, 'userId': 'u'},
            'reconnect': {'maxAttempts': 3, 'initialDelayMs': 20, 'maxDelayMs': 50}}
    run = run_driver(opts, seconds=8, endpoint=ivs_local_url)
    ends = run.disconnects()
    assert [e['Reconnecting'] for e in ends] == [True, True, False]
    assert server.conns == 3
    assert [e['Attempt'] for e in run.events if e.get('State') == 'connecting'] == [1, 2, 3]


def test_handshake_timeout(raw_server, run_driver):
    server = raw_server(lambda conn: time.sleep(3))
    t = time.monotonic()
    run = run_driver(options(server.url, handshakeTimeoutMs=500), seconds=5)
    assert run.final['Reason'] == 'network'
    assert time.monotonic() - t < 4


def test_close_while_connecting_is_prompt(raw_server, run_driver):
    server = raw_server(lambda conn: time.sleep(5))
    t = time.monotonic()
    run = run_driver(options(server.url), seconds=0.5)
    assert run.final['Reason'] == 'clientClosed'
    assert time.monotonic() - t < 3


def test_what_the_client_sends(raw_server, run_driver):
    seen = {}

    def handler(conn):
        seen['line'] = conn.request_line
        seen['headers'] = dict(conn.request)
        conn.accept()
        seen['frame'] = conn.read_frame()
        seen['close'] = conn.read_frame()
        conn.send(frame(8, struct.pack('!H', 1000)))

    server = raw_server(handler)
    run = run_driver(options(server.url + '/path'), {'Action': 'DELETE_MESSAGE', 'Id': 'm1'}, close_ms=300)
    assert seen['line'] == 'GET /path HTTP/1.1'
    h = seen['headers']
    assert h['upgrade'] == 'websocket' and h['connection'] == 'Upgrade' and h['sec-websocket-version'] == '13'
    assert h['sec-websocket-protocol'] == TOKEN and len(h['sec-websocket-key']) == 24
    assert h['host'] == f'127.0.0.1:{server.port}'
    assert seen['frame'][0] == 1 and json.loads(seen['frame'][1])['Id'] == 'm1'
    assert seen['close'][0] == 8 and seen['close'][1][:2] == b'\x03\xe8'
    assert run.final['Reason'] == 'clientClosed'
