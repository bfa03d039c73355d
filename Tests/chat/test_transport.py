"""The chat WebSocket over TLS and through an HTTP proxy, with the client's configuration as for API
calls: a `websockets` server with a self-signed certificate (accepted with caBundle, refused without,
accepted with verifyTls false), messages large enough to span TLS records, and a CONNECT proxy the
client tunnels through (also for ws://)."""
import asyncio
import json
import socket
import ssl
import threading

import pytest

from conftest import TOKEN
from ivslocal.testing import self_signed
from test_framing import WsServer


@pytest.fixture(scope='module')
def certificate(tmp_path_factory):
    cert, key = self_signed(tmp_path_factory.mktemp('tls'), common_name='127.0.0.1')
    return str(cert), str(key)


def tls_server(certificate, handler):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*certificate)
    return WsServer(handler, ssl=ctx)


async def echo_big(ws, seen):
    # many messages at once and large ones: records arrive together and span reads
    for i in range(50):
        await ws.send(json.dumps({'Type': 'MESSAGE', 'n': i, 'Content': 'x' * (i * 997 % 20000)}))
    async for message in ws:
        seen.append(json.loads(message))


def wss(server):
    return server.url.replace('ws://', 'wss://')


def test_wss_with_the_ca_bundle(certificate, run_driver):
    server = tls_server(certificate, echo_big)
    try:
        run = run_driver({'url': wss(server), 'token': TOKEN, 'reconnect': False},
                         {'Action': 'SEND_MESSAGE', 'Content': 'over TLS'}, close_ms=1500,
                         config=f'"caBundle": "{certificate[0]}"')
    finally:
        server.stop()
    assert [e['n'] for e in run.service_events()] == list(range(50))
    assert server.seen and server.seen[0]['Content'] == 'over TLS'
    assert run.final['Reason'] == 'clientClosed'


def test_wss_refused_without_the_ca_and_accepted_unverified(certificate, run_driver):
    server = tls_server(certificate, echo_big)
    try:
        refused = run_driver({'url': wss(server), 'token': TOKEN, 'reconnect': False}, seconds=5)
        unverified = run_driver({'url': wss(server), 'token': TOKEN, 'reconnect': False}, close_ms=500,
                                config='"verifyTls": false')
    finally:
        server.stop()
    assert refused.final['Reason'] == 'network' and 'certificate' in refused.final['Message'].lower()
    assert 'connected' not in refused.states()
    assert len(unverified.service_events()) == 50


class ConnectProxy:
    """An HTTP proxy that only tunnels (CONNECT), recording each target."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.targets = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(c,), daemon=True).start()

    def _one(self, c):
        head = b''
        while b'\r\n\r\n' not in head:
            got = c.recv(4096)
            if not got:
                return c.close()
            head += got
        line = head.split(b'\r\n')[0].decode()
        method, target, _ = line.split(' ', 2)
        self.targets.append((method, target))
        if method != 'CONNECT':
            c.sendall(b'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n')
            return c.close()
        host, port = target.rsplit(':', 1)
        up = socket.create_connection((host, int(port)))
        c.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n')

        def pipe(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                for s in (a, b):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
        threading.Thread(target=pipe, args=(up, c), daemon=True).start()
        pipe(c, up)

    def stop(self):
        self.sock.close()


@pytest.mark.parametrize('secure', [False, True])
def test_through_a_proxy(certificate, run_driver, secure):
    server = tls_server(certificate, echo_big) if secure else WsServer(echo_big)
    proxy = ConnectProxy()
    try:
        extra = f'"proxy": "http://127.0.0.1:{proxy.port}"' + (f', "caBundle": "{certificate[0]}"' if secure else '')
        run = run_driver({'url': wss(server) if secure else server.url, 'token': TOKEN, 'reconnect': False},
                         {'Action': 'SEND_MESSAGE', 'Content': 'via proxy'}, close_ms=1000, config=extra)
    finally:
        server.stop()
        proxy.stop()
    assert proxy.targets == [('CONNECT', f'127.0.0.1:{server.port}')]
    assert len(run.service_events()) == 50 and server.seen[0]['Content'] == 'via proxy'
