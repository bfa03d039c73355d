"""Fixtures of the chat messaging suite: ivs-local (ivslocal.testing), the compiled chat driver (one
connection per process: Tests/chat/chat_driver.c), and WebSocket servers the driver connects to: the
`websockets` package (an independent RFC 6455 implementation) and a raw-socket server whose every
byte after the handshake is the test's."""
import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
sys.path.insert(0, os.path.join(ROOT, 'bindings', 'python'))
os.environ.setdefault('IVS_LIBRARY', os.path.join(ROOT, '.build', 'release', 'libivs.so'))
LIBRARY = os.environ['IVS_LIBRARY']

from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)

# A token of token characters, as a canary: it must never appear in output or logs.
TOKEN = 'AQICAHcanaryTOKENcanary-0123456789_abcdefXYZ'


@pytest.fixture(scope='session')
def driver(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('chat') / 'chat_driver')
    subprocess.run(['cc', '-O1', '-g', '-Wall', '-Werror', '-I', os.path.join(ROOT, 'include'),
                    os.path.join(HERE, 'chat_driver.c'), '-o', out, '-ldl', '-lpthread'], check=True)
    assert os.path.exists(LIBRARY), f'libivs not built: {LIBRARY} (run ./scripts/build.sh)'
    return out


class Run:
    """What the driver printed: events (dicts), send results, peak RSS, stderr (the log)."""

    def __init__(self, proc_out, stderr, returncode):
        self.returncode = returncode
        self.stdout = proc_out
        self.stderr = stderr
        self.events, self.sends, self.rss_kb, self.connect = [], [], None, None
        for line in proc_out.splitlines():
            kind, _, rest = line.partition(' ')
            if kind == 'event':
                self.events.append(json.loads(rest))
            elif kind == 'send':
                status, _, text = rest.partition(' ')
                self.sends.append((int(status), json.loads(text)))
            elif kind == 'done':
                self.rss_kb = int(rest)
            elif kind == 'connect':
                status, _, text = rest.partition(' ')
                self.connect = (int(status), json.loads(text))

    def states(self):
        return [e['State'] for e in self.events if e.get('Type') == 'CONNECTION']

    @property
    def final(self):
        ends = [e for e in self.events if e.get('State') == 'disconnected']
        return ends[-1] if ends else None

    def disconnects(self):
        return [e for e in self.events if e.get('State') == 'disconnected']

    def service_events(self):
        return [e for e in self.events if e.get('Type') != 'CONNECTION']


@pytest.fixture(scope='session')
def run_driver(driver):
    def run(options, *requests, seconds=10, close_ms=None, log=5, endpoint=None, config=None, timeout=60):
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'IVS_LIBRARY': LIBRARY, 'HOME': '/nonexistent',
               'AWS_EC2_METADATA_DISABLED': 'true', 'CHAT_DRIVER_SECONDS': str(seconds), 'IVS_DRIVER_LOG': str(log)}
        if close_ms is not None:
            env['CHAT_DRIVER_CLOSE_MS'] = str(close_ms)
        if endpoint:
            env['IVS_LOCAL_URL'] = endpoint
        if config:
            env['CHAT_DRIVER_CONFIG'] = config
        proc = subprocess.run([driver, json.dumps(options), *[json.dumps(r) for r in requests]], env=env,
                              capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, f'the driver died ({proc.returncode}): {proc.stderr[-2000:]}'
        r = Run(proc.stdout, proc.stderr, proc.returncode)
        assert r.rss_kb is not None, f'the driver did not finish: {proc.stdout[-2000:]}'
        for text in (proc.stdout, proc.stderr):
            assert TOKEN not in text, 'the chat token appears in the output or the log'
        if r.events:
            assert r.final is not None and r.final['Reconnecting'] is False, r.states()
            assert r.events[-1] is r.final, 'events after the final disconnect'
        return r
    return run


# -- a raw WebSocket server ---------------------------------------------------------------------------

def accept_key(key):
    return base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode()


class RawConn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b''
        self.request = None

    def read_request(self):
        while b'\r\n\r\n' not in self.buf:
            got = self.sock.recv(65536)
            if not got:
                return None
            self.buf += got
        head, self.buf = self.buf.split(b'\r\n\r\n', 1)
        lines = head.decode('latin-1').split('\r\n')
        self.request = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(':') for ln in lines[1:])}
        self.request_line = lines[0]
        return self.request

    def accept(self, extra=b''):
        """The 101 answer a correct server gives."""
        key = self.request['sec-websocket-key']
        self.send(b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                  b'Sec-WebSocket-Accept: ' + accept_key(key).encode() + b'\r\nSec-WebSocket-Protocol: '
                  + self.request['sec-websocket-protocol'].encode() + b'\r\n' + extra + b'\r\n')

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            pass

    def read_frame(self, timeout=5):
        """(opcode, payload) of the client's next frame (unmasked), or None at EOF or timeout."""
        self.sock.settimeout(timeout)
        try:
            def need(n):
                while len(self.buf) < n:
                    got = self.sock.recv(65536)
                    if not got:
                        raise EOFError
                    self.buf += got
                data, self.buf = self.buf[:n], self.buf[n:]
                return data
            b0, b1 = need(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(need(2), 'big')
            elif n == 127:
                n = int.from_bytes(need(8), 'big')
            assert b1 & 0x80, 'the client sent an unmasked frame'
            mask = need(4)
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(need(n)))
            return b0 & 0x0F, payload
        except (EOFError, OSError):
            return None

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class RawServer:
    """Accepts connections on 127.0.0.1 and runs handler(conn) for each, in a thread."""

    def __init__(self, handler):
        self.handler = handler
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f'ws://127.0.0.1:{self.port}'
        self.errors = []
        self.conns = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                s, _ = self.sock.accept()
            except OSError:
                return
            self.conns += 1
            threading.Thread(target=self._one, args=(RawConn(s),), daemon=True).start()

    def _one(self, conn):
        try:
            if conn.read_request() is not None:
                self.handler(conn)
        except Exception as e:  # reported by the fixture
            self.errors.append(repr(e))
        finally:
            conn.close()

    def stop(self):
        self.sock.close()


@pytest.fixture
def raw_server():
    servers = []

    def make(handler):
        s = RawServer(handler)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.stop()
        assert not s.errors, s.errors
