"""ivs-local's chat messaging as any WebSocket client sees it: the `websockets` package talks to it
with tokens from boto3's CreateChatToken (as a browser with the JavaScript SDK would). Tokens (token
characters, single use, expiry, forgery), capabilities, Content length, attribute size, the room's
message rate, the message review handler (allow, deny, rewrite, failure and timeout with the room's
fallback), session end, SendEvent/DeleteMessage/DisconnectUser/DeleteRoom reaching clients, the
control API (connections, drop, hold, reset) and RFC 6455 on the server side."""
import asyncio
import http.server
import json
import re
import socket
import struct
import threading
import time

import pytest
import websockets

LAMBDA = 'arn:aws:lambda:us-west-2:123456789012:function:review'


@pytest.fixture
def chat(make_client, fresh):
    return make_client('ivschat')


@pytest.fixture
def ws_url(ivs_local_url):
    return ivs_local_url.replace('http://', 'ws://')


def token(chat, room, user='u', caps=('SEND_MESSAGE',), **kw):
    return chat.create_chat_token(roomIdentifier=room, userId=user, capabilities=list(caps), **kw)['token']


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


async def recv_json(ws, timeout=5):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def until(ws, pred, timeout=5):
    end = time.monotonic() + timeout
    while True:
        doc = await recv_json(ws, max(0.05, end - time.monotonic()))
        if pred(doc):
            return doc


def test_tokens_are_token_characters_and_single_use(chat, ws_url):
    room = chat.create_room()['arn']
    t = token(chat, room)
    assert re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", t)  # an HTTP token: what a subprotocol may be

    async def go():
        async with websockets.connect(ws_url, subprotocols=[t]) as ws:
            assert ws.subprotocol == t
        with pytest.raises(websockets.InvalidStatus) as e:
            async with websockets.connect(ws_url, subprotocols=[t]):
                pass
        assert e.value.response.status_code == 401
        assert t not in e.value.response.body.decode()
    run(go())


@pytest.mark.parametrize('variant', ['forged-mac', 'other-claims', 'garbage', 'missing'])
def test_forged_tokens_are_refused(chat, ws_url, variant):
    room = chat.create_room()['arn']
    t = token(chat, room)
    body, mac = t[6:].split('.')
    forged = {'forged-mac': t[:-4] + ('AAAA' if not t.endswith('AAAA') else 'BBBB'),
              'other-claims': 'AQICAH' + body[:-2] + 'xx.' + mac, 'garbage': 'AQICAHnope', 'missing': None}[variant]

    async def go():
        with pytest.raises(websockets.InvalidStatus) as e:
            async with websockets.connect(ws_url, subprotocols=[forged] if forged else None):
                pass
        assert e.value.response.status_code == 401
    run(go())


def test_expired_token_and_session(chat, control, ws_url):
    room = chat.create_room()['arn']
    expired = control.post('chat/tokens', {'roomArn': room, 'userId': 'u', 'tokenLifetimeSeconds': 0.01})['token']
    short = control.post('chat/tokens', {'roomArn': room, 'userId': 'u', 'sessionDurationSeconds': 1})

    async def go():
        await asyncio.sleep(0.05)
        with pytest.raises(websockets.InvalidStatus) as e:
            async with websockets.connect(ws_url, subprotocols=[expired]):
                pass
        assert e.value.response.status_code == 401
        async with websockets.connect(ws_url, subprotocols=[short['token']]) as ws:
            t = time.monotonic()
            with pytest.raises(websockets.ConnectionClosedOK):
                await ws.recv()
            assert 0.5 < time.monotonic() - t < 3
            assert ws.close_code == 1000 and 'session' in ws.close_reason
    run(go())


def test_messages_capabilities_and_limits(chat, control, ws_url):
    room = chat.create_room(maximumMessageLength=20, maximumMessageRatePerSecond=2)['arn']
    a = token(chat, room, 'alice', ('SEND_MESSAGE',), attributes={'badge': 'gold'})
    b = token(chat, room, 'bob', ())

    async def go():
        async with websockets.connect(ws_url, subprotocols=[a]) as wa, websockets.connect(ws_url, subprotocols=[b]) as wb:
            await wa.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': 'hi', 'Attributes': {'k': 'v'}, 'RequestId': 'r1'}))
            m = await recv_json(wb)
            assert m['Type'] == 'MESSAGE' and m['Content'] == 'hi' and m['RequestId'] == 'r1'
            assert m['Attributes'] == {'k': 'v'} and m['Sender'] == {'UserId': 'alice', 'Attributes': {'badge': 'gold'}}
            assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z', m['SendTime']) and len(m['Id']) == 12
            assert (await recv_json(wa))['Id'] == m['Id']  # the sender gets its own message
            errors = {}
            await wb.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': 'x', 'RequestId': 'no-cap'}))
            errors['no-cap'] = await recv_json(wb)
            await asyncio.sleep(1.1)
            for rid, req in [('long', {'Content': 'x' * 21}), ('attrs', {'Content': 'x', 'Attributes': {'a': 'v' * 1100}}),
                             ('empty', {'Content': ''}), ('bad-attrs', {'Content': 'x', 'Attributes': {'a': 1}})]:
                await wa.send(json.dumps({'Action': 'SEND_MESSAGE', 'RequestId': rid, **req}))
                errors[rid] = await until(wa, lambda d: d['Type'] == 'ERROR')
            for i in range(3):
                await wa.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': f'm{i}', 'RequestId': f'rate{i}'}))
            errors['rate'] = await until(wa, lambda d: d['Type'] == 'ERROR')
            for rid, raw in [('json', 'not json'), ('array', '[1]'), ('action', '{"Action": "SHOUT"}'),
                             ('del-id', '{"Action": "DELETE_MESSAGE", "RequestId": "del-id"}')]:
                await wa.send(raw)
                errors[rid] = await until(wa, lambda d: d['Type'] == 'ERROR')
            return errors
    errors = run(go())
    codes = {k: (e['ErrorCode'], e['RequestId']) for k, e in errors.items()}
    assert codes['no-cap'] == (403, 'no-cap')
    assert codes['long'] == (400, 'long') and '20 characters' in errors['long']['ErrorMessage']
    assert codes['attrs'] == (413, 'attrs')
    assert codes['empty'] == (400, 'empty') and codes['bad-attrs'] == (400, 'bad-attrs')
    assert codes['rate'] == (429, 'rate2')
    assert codes['json'][0] == 400 and codes['array'][0] == 400 and codes['action'][0] == 400
    assert codes['del-id'] == (403, 'del-id')  # alice has no DELETE_MESSAGE: capability first
    for e in errors.values():
        assert set(e) == {'Type', 'Id', 'RequestId', 'ErrorCode', 'ErrorMessage'}


def test_moderation_and_control_plane_events(chat, control, ws_url):
    room = chat.create_room()['arn']
    mod = token(chat, room, 'mod', ('DELETE_MESSAGE', 'DISCONNECT_USER'))
    viewer = token(chat, room, 'viewer', ())
    viewer2 = token(chat, room, 'viewer', ())

    async def go():
        async with websockets.connect(ws_url, subprotocols=[mod]) as wm, \
                websockets.connect(ws_url, subprotocols=[viewer]) as wv, \
                websockets.connect(ws_url, subprotocols=[viewer2]) as wv2:
            conns = control.get('chat/connections', roomArn=room)['connections']
            assert sorted(c['userId'] for c in conns) == ['mod', 'viewer', 'viewer']
            await wm.send(json.dumps({'Action': 'DELETE_MESSAGE', 'Id': 'msg123456789', 'Reason': 'spam', 'RequestId': 'd1'}))
            e = await recv_json(wv)
            assert e['EventName'] == 'aws:DELETE_MESSAGE' and e['RequestId'] == 'd1'
            assert e['Attributes'] == {'MessageId': 'msg123456789', 'MessageID': 'msg123456789', 'Reason': 'spam'}
            chat.send_event(roomIdentifier=room, eventName='app:poll', attributes={'q': 'yes?'})
            e = await recv_json(wv)
            assert e['EventName'] == 'app:poll' and e['Attributes'] == {'q': 'yes?'} and e['RequestId'] == ''
            eid = chat.delete_message(roomIdentifier=room, id='abcdefABCDEF', reason='r')['id']
            e = await recv_json(wv)
            assert e['Id'] == eid and e['Attributes']['MessageId'] == 'abcdefABCDEF'
            await wm.send(json.dumps({'Action': 'DISCONNECT_USER', 'UserId': 'viewer', 'Reason': 'rude', 'RequestId': 'x1'}))
            e = await until(wm, lambda d: d.get('EventName') == 'aws:DISCONNECT_USER')
            assert e['Attributes'] == {'UserId': 'viewer', 'Reason': 'rude'} and e['RequestId'] == 'x1'
            for ws in (wv, wv2):  # every connection of the user ends
                with pytest.raises(websockets.ConnectionClosedOK):
                    while True:
                        await ws.recv()
                assert ws.close_code == 1000 and 'rude' in ws.close_reason
            await asyncio.sleep(0.2)
            assert [c['userId'] for c in control.get('chat/connections', roomArn=room)['connections']] == ['mod']
            chat.delete_room(identifier=room)
            with pytest.raises(websockets.ConnectionClosedOK):
                await wm.recv()
            assert 'deleted' in wm.close_reason
    run(go())


class ReviewHandler:
    """An HTTP review handler: answers each Lambda event with answer(event)."""

    def __init__(self, answer):
        outer = self
        self.events = []

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                event = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
                outer.events.append(event)
                body = json.dumps(answer(event)).encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}/review'

    def stop(self):
        self.server.shutdown()


def test_review_handler(chat, control, ws_url):
    def answer(event):
        if 'badword' in event['Content']:
            return {'ReviewResult': 'DENY', 'Attributes': {'Reason': 'language'}}
        if event['Content'].startswith('shout'):
            return {'ReviewResult': 'ALLOW', 'Content': event['Content'].upper(), 'Attributes': {'reviewed': 'yes'}}
        if event['Content'] == 'invalid':
            return {'ReviewResult': 'MAYBE'}
        return {'ReviewResult': 'ALLOW'}
    handler = ReviewHandler(answer)
    allow_room = chat.create_room(messageReviewHandler={'uri': LAMBDA, 'fallbackResult': 'ALLOW'})['arn']
    deny_room = chat.create_room(messageReviewHandler={'uri': LAMBDA + '-slow', 'fallbackResult': 'DENY'})['arn']
    control.post('chat/review-handlers', {'uri': LAMBDA, 'url': handler.url})
    control.post('chat/review-handlers', {'uri': LAMBDA + '-slow', 'result': {'ReviewResult': 'ALLOW'}, 'delayMs': 500})
    ta = token(chat, allow_room, 'alice', attributes={'tier': 'vip'})
    td = token(chat, deny_room, 'dan')

    async def go():
        async with websockets.connect(ws_url, subprotocols=[ta]) as wa, websockets.connect(ws_url, subprotocols=[td]) as wd:
            out = {}
            for content in ('hello', 'a badword here', 'shout it', 'invalid'):
                await wa.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': content, 'Attributes': {'o': '1'}}))
                out[content] = await recv_json(wa)
            await wd.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': 'slow', 'RequestId': 's'}))
            out['slow'] = await recv_json(wd)
            return out
    try:
        out = run(go())
    finally:
        handler.stop()
    assert out['hello']['Type'] == 'MESSAGE' and out['hello']['Attributes'] == {'o': '1'}
    assert out['a badword here']['Type'] == 'ERROR' and out['a badword here']['ErrorCode'] == 406
    assert out['a badword here']['ErrorMessage'] == 'language'
    assert out['shout it']['Content'] == 'SHOUT IT' and out['shout it']['Attributes'] == {'reviewed': 'yes'}
    assert out['invalid']['Type'] == 'MESSAGE' and out['invalid']['Content'] == 'invalid'  # fallback ALLOW
    assert out['slow']['Type'] == 'ERROR' and out['slow']['ErrorCode'] == 406  # timeout: fallback DENY
    e = handler.events[0]
    assert set(e) == {'Content', 'MessageId', 'RoomArn', 'Attributes', 'Sender'}
    assert e['RoomArn'] == allow_room and e['Sender']['UserId'] == 'alice' and e['Sender']['Attributes'] == {'tier': 'vip'}
    assert e['Sender']['Ip'] == '127.0.0.1'
    # no registration for the room's handler: the fallback too
    control.delete('chat/review-handlers')
    tb = token(chat, deny_room, 'dan')

    async def unregistered():
        async with websockets.connect(ws_url, subprotocols=[tb]) as ws:
            await ws.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': 'x'}))
            return await recv_json(ws)
    assert run(unregistered())['ErrorCode'] == 406


def test_drop_and_reset(chat, control, ws_url):
    room = chat.create_room()['arn']
    tokens = [token(chat, room, f'u{i}') for i in range(3)]

    async def go():
        conns = [await websockets.connect(ws_url, subprotocols=[t]) for t in tokens]
        assert control.post('chat/connections/drop', {'userId': 'u0', 'mode': 'reset'})['dropped'] == 1
        with pytest.raises(websockets.ConnectionClosedError):
            await conns[0].recv()
        assert conns[0].close_code == 1006
        assert control.post('chat/connections/drop', {'userId': 'u1', 'mode': 'close', 'code': 4001,
                                                      'reason': 'test'})['dropped'] == 1
        with pytest.raises(websockets.ConnectionClosed):
            await conns[1].recv()
        assert conns[1].close_code == 4001 and conns[1].close_reason == 'test'
        control.reset()
        with pytest.raises(websockets.ConnectionClosed):
            await conns[2].recv()
        assert control.get('chat/connections') == {'rooms': {}}
    run(go())
    status, doc = control.call('POST', 'chat/connections/drop', {'mode': 'explode'})
    assert status == 400


def test_hold_stops_reading_until_released(chat, control, ws_url):
    room = chat.create_room()['arn']
    t = token(chat, room, 'held')

    async def go():
        async with websockets.connect(ws_url, subprotocols=[t]) as ws:
            assert control.post('chat/connections/hold', {'userId': 'held', 'hold': True})['held'] == 1
            await ws.send(json.dumps({'Action': 'SEND_MESSAGE', 'Content': 'waits', 'RequestId': 'r1'}))
            with pytest.raises(asyncio.TimeoutError):  # not read: no MESSAGE comes back
                await recv_json(ws, timeout=0.7)
            assert control.post('chat/connections/hold', {'userId': 'held', 'hold': False})['held'] == 1
            assert (await recv_json(ws))['RequestId'] == 'r1'
    run(go())
    status, _ = control.call('POST', 'chat/connections/hold', {'userId': 'held'})
    assert status == 400


def test_server_side_rfc6455(chat, ivs_local_url, ws_url):
    room = chat.create_room()['arn']
    port = int(ivs_local_url.rsplit(':', 1)[1])

    def handshake(t, path='/', extra=''):
        s = socket.create_connection(('127.0.0.1', port), timeout=5)
        s.sendall((f'GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                   f'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'
                   f'Sec-WebSocket-Protocol: {t}\r\n{extra}\r\n').encode())
        head = b''
        while b'\r\n\r\n' not in head:
            head += s.recv(1)
        return s, head.decode()

    s, head = handshake(token(chat, room))
    assert head.startswith('HTTP/1.1 101') and 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' in head  # RFC 6455's example
    s.sendall(struct.pack('!BB', 0x81, 5) + b'hello')  # unmasked: a client must mask
    data = s.recv(100)
    assert data[0] == 0x88 and struct.unpack('!H', data[2:4])[0] == 1002
    s.close()
    s, head = handshake(token(chat, room), path='/other')
    assert head.startswith('HTTP/1.1 404')
    s.close()

    async def ping_and_fragments():
        async with websockets.connect(ws_url, subprotocols=[token(chat, room)], max_size=None) as ws:
            await asyncio.wait_for(await ws.ping(b'hi'), 5)
            await ws.send(['{"Action": "SEND_', 'MESSAGE", "Content": "frag', 'mented"}'])
            assert (await recv_json(ws))['Content'] == 'fragmented'
            await ws.send(b'\x00binary')
            with pytest.raises(websockets.ConnectionClosed):
                await ws.recv()
            assert ws.close_code == 1003
    run(ping_and_fragments())
