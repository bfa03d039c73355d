"""A hostile HTTP/1.1 server on 127.0.0.1 over raw sockets: every byte of every answer is the test's
(status line, header bytes, framing, timing, resets). It parses requests just enough to count them,
and records each one with the connection it came on, so a test can assert how many requests went on
the wire, in all and per connection, and how many bytes each connection was sent before the client
went away.

A test gives a handler `handler(conn, req)`, called once per request read; it answers through `conn`
(send, send_stream, reset, close) and returns True to keep the connection for another request."""
import socket
import struct
import threading
import time

# Upper bound on what any "endless" answer sends: a client that never stops reading gets this much
# and then silence (until its own timeout), so a broken client cannot eat the machine's memory.
ENDLESS_CAP = 320 * 1024 * 1024
# How long a connection thread waits for the client to go away after an answer that does not end.
IDLE_LIMIT = 30.0


class Request:
    def __init__(self, conn_index, method, target, version, headers, body, raw_head):
        self.conn_index = conn_index
        self.method = method
        self.path = target
        self.version = version
        self.headers = headers          # [(name lowercased, value)] as received (latin-1 decoded)
        self.body = body
        self.raw_head = raw_head        # the request head's bytes

    def header(self, name):
        for k, v in self.headers:
            if k == name:
                return v
        return None

    @property
    def operation(self):
        return self.path.split('?')[0].rstrip('/').split('/')[-1]


class Conn:
    """One accepted connection, as the handler sees it."""

    def __init__(self, server, sock, index):
        self.server = server
        self.sock = sock
        self.index = index
        self.buf = b''
        self.sent = 0               # bytes the kernel accepted for this connection
        self.peer_gone = False      # a send failed: the client closed or reset
        self.requests = 0

    def read_request(self, timeout=IDLE_LIMIT):
        """The next request, or None when the client closes (or stays silent past timeout)."""
        try:
            self.sock.settimeout(timeout)
            while b'\r\n\r\n' not in self.buf:
                got = self.sock.recv(65536)
                if not got:
                    return None
                self.buf += got
            head, self.buf = self.buf.split(b'\r\n\r\n', 1)
            lines = head.split(b'\r\n')
            method, target, version = lines[0].decode('latin-1').split(' ', 2)
            headers = []
            for line in lines[1:]:
                k, _, v = line.decode('latin-1').partition(':')
                headers.append((k.strip().lower(), v.strip()))
            n = int(dict(headers).get('content-length') or 0)
            while len(self.buf) < n:
                got = self.sock.recv(65536)
                if not got:
                    return None
                self.buf += got
            body, self.buf = self.buf[:n], self.buf[n:]
        except (OSError, ValueError):
            return None
        req = Request(self.index, method, target, version, headers, body, head)
        self.requests += 1
        self.server._record(req)
        return req

    def send(self, data):
        """Sends all of data; False once the client has gone away."""
        if self.peer_gone:
            return False
        try:
            self.sock.settimeout(IDLE_LIMIT)
            view = memoryview(data)
            while view:
                n = self.sock.send(view)
                self.sent += n
                view = view[n:]
            return True
        except OSError:
            self.peer_gone = True
            return False

    def send_stream(self, chunk, cap=ENDLESS_CAP, pause=0.0):
        """Sends chunk again and again until the client goes away or cap bytes are sent (then waits,
        silent, for the client to close). pause: seconds between chunks (a trickle)."""
        total = 0
        while total < cap and self.send(chunk):
            total += len(chunk)
            if pause:
                time.sleep(pause)
        self.wait_for_close()

    def wait_for_close(self, timeout=IDLE_LIMIT):
        """Reads and discards until the client closes the connection (or timeout)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                if not self.sock.recv(65536):
                    return
        except OSError:
            return

    def reset(self):
        """Closes with a TCP RST (SO_LINGER 0) instead of a FIN."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        except OSError:
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class HostileServer:
    """Accepts connections on 127.0.0.1 (a free port) and runs handler for each request on a thread
    per connection. sndbuf: SO_SNDBUF for accepted sockets (small, so that bytes the server counts as
    sent are close to bytes the client read)."""

    def __init__(self, handler, sndbuf=None):
        self.handler = handler
        self.sndbuf = sndbuf
        self.lock = threading.Lock()
        self.requests = []
        self.errors = []
        self.conns = []
        self.threads = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if sndbuf:
            # Accepted sockets inherit the listener's buffer sizes; setting it before listen() also
            # keeps the kernel from growing it later.
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f'http://127.0.0.1:{self.port}'
        self.closed = False
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()

    def _record(self, req):
        with self.lock:
            self.requests.append(req)

    def _accept(self):
        while not self.closed:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                conn = Conn(self, sock, len(self.conns))
                self.conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self.lock:
                self.threads.append(t)
            t.start()

    def _serve(self, conn):
        try:
            while True:
                req = conn.read_request()
                if req is None:
                    break
                try:
                    keep = self.handler(conn, req)
                except OSError:
                    keep = False
                except Exception as e:  # a bug in a test's handler: kept for the test to see
                    self.errors.append(repr(e))
                    keep = False
                if not keep or conn.peer_gone:
                    break
        finally:
            conn.close()

    def settle(self, timeout=10.0):
        """Waits for every connection thread to finish (the client has exited by now)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            threads = list(self.threads)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def close(self):
        self.closed = True
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            c.close()

    # What the tests read.
    @property
    def count(self):
        with self.lock:
            return len(self.requests)

    def per_connection(self):
        with self.lock:
            return [c.requests for c in self.conns]

    def sent_per_connection(self):
        with self.lock:
            return [c.sent for c in self.conns]


def response(status=200, reason='OK', headers=(), body=b'', content_length=True, version=b'HTTP/1.1'):
    """The bytes of one response. headers: (name, value) pairs of str or bytes, sent as given."""
    def b(x):
        return x if isinstance(x, bytes) else str(x).encode('latin-1')
    out = version + b' ' + b(status) + b' ' + b(reason) + b'\r\n'
    names = set()
    for k, v in headers:
        out += b(k) + b': ' + b(v) + b'\r\n'
        names.add(b(k).lower())
    if content_length and b'content-length' not in names and b'transfer-encoding' not in names:
        out += b'Content-Length: ' + str(len(body)).encode() + b'\r\n'
    return out + b'\r\n' + body


def always(data, keep=True):
    """A handler that answers every request with the same bytes."""
    def handler(conn, req):
        conn.send(data)
        return keep
    return handler


def json_ok(body, headers=()):
    """A handler that answers every request 200 with a JSON body (bytes or str)."""
    if isinstance(body, str):
        body = body.encode()
    return always(response(200, headers=[('Content-Type', 'application/json'), *headers], body=body))
