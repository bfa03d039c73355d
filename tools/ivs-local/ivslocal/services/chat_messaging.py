"""IVS Chat messaging: the WebSocket clients connect to with a chat token, as the service serves it at
wss://edge.ivschat.<region>.amazonaws.com (here at ivs-local's root path, told apart by
`Upgrade: websocket`), and the room's traffic: SEND_MESSAGE, DELETE_MESSAGE and DISCONNECT_USER from
clients, SendEvent, DeleteMessage and DisconnectUser from the control plane (services/chat.py), and
MESSAGE, EVENT and ERROR to clients, as the Chat Messaging API reference defines them.

Tokens (issue_token, for CreateChatToken) are 'AQICAH' + base64url(claims) + '.' + base64url(HMAC-SHA256
over the claims, with a key new per process): token characters only (a WebSocket subprotocol must be
an HTTP token), unforgeable, single use, valid until tokenExpirationTime; the connection ends at the
session's end. A token's capabilities decide what its connection may do (403 otherwise).

SEND_MESSAGE is checked as the service does: Content against the room's maximumMessageLength (400),
Attributes at most 1 KB (413), the room's maximumMessageRatePerSecond over all its clients (429), then
the room's message review handler (406 when it denies): handlers are registered through the control
API for the room's handler URI (an HTTP URL ivs-local POSTs the Lambda event to, or a fixed answer),
and a handler that is missing, fails, answers something invalid or takes longer than its timeout
gives the room's fallbackResult.

Connections live in REGISTRY (room ARN -> connections); each has a writer thread with a bounded queue
(a client that does not read is disconnected, 1008, rather than stalling the room)."""
from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import hmac
import json
import queue
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

from .. import common, websocket
from ..common import ServiceError, new_id
from . import chat

MAX_MESSAGE_BYTES = 64 * 1024          # one WebSocket message from a client
MAX_ATTRIBUTES_BYTES = 1024            # SEND_MESSAGE Attributes, keys and values (as CreateChatToken's)
OUT_QUEUE = 10000                      # frames waiting for one client before it is disconnected
CLOSE_GRACE = 2.0                      # seconds a client has to answer a close frame
REVIEW_TIMEOUT_MS = 200                # a review handler's time to answer (ivs-local's choice)
CAPABILITIES = ('SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER')

_key = secrets.token_bytes(32)
_lock = threading.RLock()              # REGISTRY, _used, _rates, REVIEW_HANDLERS, _unlimited
REGISTRY: dict[str, list] = {}         # room arn -> [Connection]
_used: dict[str, float] = {}           # token nonce -> its expiry (epoch), for single use
_rates: dict[str, collections.deque] = {}
_unlimited: set[str] = set()           # rooms whose message rate is not enforced (benchmarks)
REVIEW_HANDLERS: dict[str, dict] = {}  # handler uri -> registration


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _send_time() -> str:
    return _now().strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip('=')


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


# -- tokens -----------------------------------------------------------------------------------------

def issue_token(room_arn: str, user_id: str, capabilities, attributes, session_seconds: float,
                lifetime_seconds: float) -> dict:
    """A chat token for room_arn: {'token', 'tokenExpirationTime', 'sessionExpirationTime'}."""
    now = _now()
    token_end = now + datetime.timedelta(seconds=lifetime_seconds)
    session_end = now + datetime.timedelta(seconds=session_seconds)
    claims = {'r': room_arn, 'u': user_id, 'c': list(capabilities or []), 'a': dict(attributes or {}),
              'e': token_end.timestamp(), 's': session_end.timestamp(), 'n': secrets.token_hex(12)}
    body = json.dumps(claims, separators=(',', ':')).encode()
    mac = hmac.new(_key, body, hashlib.sha256).digest()
    return {'token': 'AQICAH' + _b64(body) + '.' + _b64(mac), 'tokenExpirationTime': token_end,
            'sessionExpirationTime': session_end}


class TokenRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def verify_token(token: str | None) -> dict:
    """The claims of a token issued here, unused and unexpired (it is then used up)."""
    if not token:
        raise TokenRefused(401, 'The chat token is missing (send it as the WebSocket subprotocol)')
    try:
        if not token.startswith('AQICAH'):
            raise ValueError
        body_text, mac_text = token[6:].split('.', 1)
        body, mac = _unb64(body_text), _unb64(mac_text)
        if not hmac.compare_digest(mac, hmac.new(_key, body, hashlib.sha256).digest()):
            raise ValueError
        claims = json.loads(body)
    except (ValueError, TypeError):
        raise TokenRefused(401, 'The chat token is not valid') from None
    now = time.time()
    with _lock:
        for nonce in [n for n, end in _used.items() if end < now]:
            del _used[nonce]
        if claims['e'] < now:
            raise TokenRefused(401, 'The chat token has expired')
        if claims['n'] in _used:
            raise TokenRefused(401, 'The chat token was already used')
        _used[claims['n']] = claims['e']
    return claims


# -- connections ------------------------------------------------------------------------------------

class Connection:
    """One client's WebSocket: its identity from the token, and a writer thread."""

    def __init__(self, sock, claims: dict, ip: str):
        self.id = new_id(12)
        self.sock = sock
        self.room = claims['r']
        self.user_id = claims['u']
        self.capabilities = set(claims['c'])
        self.attributes = claims['a']
        self.session_end = claims['s']
        self.ip = ip
        self.connected_at = _now()
        self.out: queue.Queue = queue.Queue(OUT_QUEUE)
        self.closing = False
        self.gone = threading.Event()
        # Cleared while the control API holds the connection: no frame is acted on or read, so the
        # client's writes fill the socket buffers, as with a server that stops reading.
        self.reading = threading.Event()
        self.reading.set()
        self._close_lock = threading.Lock()
        self.writer = threading.Thread(target=self._write, daemon=True)  # started once the 101 is out

    def view(self) -> dict:
        return {'connectionId': self.id, 'userId': self.user_id, 'capabilities': sorted(self.capabilities),
                'attributes': dict(self.attributes), 'connectedAt': self.connected_at,
                'sessionExpirationTime': datetime.datetime.fromtimestamp(self.session_end, datetime.timezone.utc)}

    def _write(self):
        while True:
            data = self.out.get()
            if data is None:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                self.gone.set()
                return

    def send(self, data: bytes) -> None:
        if self.gone.is_set():
            return
        try:
            self.out.put_nowait(data)
        except queue.Full:
            self.close(websocket.POLICY, 'The client does not read its messages')

    def send_json(self, doc: dict) -> None:
        self.send(websocket.frame(websocket.TEXT, json.dumps(doc, separators=(',', ':')).encode()))

    def close(self, code: int, reason: str) -> None:
        """The server's close: a close frame, then the socket after CLOSE_GRACE if the client has not
        answered (the reader thread closes it when the answer comes)."""
        with self._close_lock:
            if self.closing:
                return
            self.closing = True
        try:
            self.out.put_nowait(websocket.close_frame(code, reason))
        except queue.Full:
            pass
        timer = threading.Timer(CLOSE_GRACE, self.reset)
        timer.daemon = True
        timer.start()

    def reset(self) -> None:
        """Ends the connection at once, without a close frame (a network failure, as the client sees it).
        It leaves the registry before the socket is shut, so once a client sees the connection end,
        the control API no longer lists it (the reader thread may take a moment longer to end)."""
        _unregister(self)
        self.gone.set()
        self.reading.set()  # a held reader sees the socket shut and ends
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def finish(self) -> None:
        self.gone.set()
        try:
            self.out.put_nowait(None)
        except queue.Full:
            pass


def _unregister(conn) -> None:
    with _lock:
        conns = REGISTRY.get(conn.room, [])
        if conn in conns:
            conns.remove(conn)
        if not conns:
            REGISTRY.pop(conn.room, None)


def _connections(room: str | None = None) -> list:
    with _lock:
        if room is not None:
            return list(REGISTRY.get(room, []))
        return [c for conns in REGISTRY.values() for c in conns]


def broadcast(room_arn: str, doc: dict) -> None:
    """Sends an event to every client in the room."""
    data = websocket.frame(websocket.TEXT, json.dumps(doc, separators=(',', ':')).encode())
    for conn in _connections(room_arn):
        conn.send(data)


def event(name: str, attributes: dict, request_id: str = '', event_id: str | None = None) -> dict:
    return {'Type': 'EVENT', 'Id': event_id or new_id(12), 'RequestId': request_id, 'EventName': name,
            'Attributes': attributes, 'SendTime': _send_time()}


def delete_message_event(message_id: str, reason: str | None, request_id: str = '', event_id=None) -> dict:
    attributes = {'MessageId': message_id, 'MessageID': message_id}  # MessageID: deprecated, still sent
    if reason is not None:
        attributes['Reason'] = reason
    return event('aws:DELETE_MESSAGE', attributes, request_id, event_id)


def disconnect_user(room_arn: str, user_id: str, reason: str | None, request_id: str = '') -> None:
    """aws:DISCONNECT_USER to the room, then every connection of the user is closed."""
    attributes = {'UserId': user_id}
    if reason is not None:
        attributes['Reason'] = reason
    broadcast(room_arn, event('aws:DISCONNECT_USER', attributes, request_id))
    for conn in _connections(room_arn):
        if conn.user_id == user_id:
            conn.close(websocket.NORMAL, 'Disconnected by a moderator' + (f': {reason}' if reason else ''))


def room_deleted(room_arn: str) -> None:
    for conn in _connections(room_arn):
        conn.close(websocket.NORMAL, 'The room was deleted')


def _reset_all() -> None:
    for conn in _connections():
        conn.reset()
    with _lock:
        _used.clear()
        _rates.clear()
        _unlimited.clear()
        REVIEW_HANDLERS.clear()


common.on_reset(_reset_all)


# -- the WebSocket ----------------------------------------------------------------------------------

def serve(handler) -> None:
    """Serves one upgrade request on handler (a BaseHTTPRequestHandler) to its end."""
    headers = handler.headers
    connection_tokens = [t.strip().lower() for t in (headers.get('Connection') or '').split(',')]
    key = headers.get('Sec-WebSocket-Key')
    if handler.command != 'GET' or 'upgrade' not in connection_tokens or headers.get('Sec-WebSocket-Version') != '13' \
            or not websocket.valid_key(key):
        return _refuse(handler, 400, 'A WebSocket upgrade needs GET, Connection: Upgrade, Sec-WebSocket-Version: 13 '
                                     'and a Sec-WebSocket-Key', {'Sec-WebSocket-Version': '13'})
    if handler.raw_path != '/':
        return _refuse(handler, 404, 'Chat messaging is served at the root path')
    offered = [p.strip() for p in (headers.get('Sec-WebSocket-Protocol') or '').split(',') if p.strip()]
    token = offered[0] if offered else None
    try:
        claims = verify_token(token)
    except TokenRefused as e:
        return _refuse(handler, e.status, e.message)
    if _room(claims['r']) is None:
        return _refuse(handler, 404, 'The chat room does not exist')
    if time.time() >= claims['s']:
        return _refuse(handler, 401, 'The chat session has expired')

    # Registered before the 101 goes out (its frames wait in its queue until the writer starts), so an
    # event sent once the client has seen the 101 reaches it.
    conn = Connection(handler.connection, claims, handler.client_address[0])
    with _lock:
        REGISTRY.setdefault(conn.room, []).append(conn)
    session = None
    try:
        # The token is echoed as the chosen subprotocol, as browsers require.
        handler.send_response(101, 'Switching Protocols')
        handler.send_header('Upgrade', 'websocket')
        handler.send_header('Connection', 'Upgrade')
        handler.send_header('Sec-WebSocket-Accept', websocket.accept_key(key))
        handler.send_header('Sec-WebSocket-Protocol', token)
        handler.end_headers()
        handler.wfile.flush()
        handler.close_connection = True
        conn.writer.start()
        session = threading.Timer(max(0.0, conn.session_end - time.time()), conn.close,
                                  (websocket.NORMAL, 'The chat session has expired'))
        session.daemon = True
        session.start()
        _read_loop(conn, websocket.FrameReader(handler.rfile, MAX_MESSAGE_BYTES))
    except OSError:
        pass
    finally:
        if session:
            session.cancel()
        _unregister(conn)
        conn.finish()
        if conn.writer.is_alive():
            conn.writer.join(timeout=CLOSE_GRACE)
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _refuse(handler, status: int, message: str, headers: dict | None = None) -> None:
    handler.close_connection = True
    body = json.dumps({'message': message}).encode()
    handler.send_response(status)
    for k, v in {'Content-Type': 'application/json', 'Content-Length': str(len(body)), 'Connection': 'close',
                 **(headers or {})}.items():
        handler.send_header(k, v)
    handler.end_headers()
    handler.wfile.write(body)


def _read_loop(conn: Connection, reader: websocket.FrameReader) -> None:
    while True:
        try:
            opcode, payload = reader.read()
        except websocket.ProtocolError as e:
            conn.close(e.code, e.message)
            return
        except (EOFError, OSError, ValueError):
            return
        # Held (control_hold): this frame waits, and no other is read, until released or gone.
        while not conn.reading.wait(0.5):
            if conn.gone.is_set():
                return
        if opcode == websocket.TEXT:
            try:
                _action(conn, payload)
            except Exception:  # a bug here must not take the connection's thread down silently
                sys.stderr.write('ivs-local: chat messaging action failed\n')
                import traceback
                traceback.print_exc()
                _error(conn, None, 500, 'Internal server error')
        elif opcode == websocket.BINARY:
            conn.close(websocket.UNSUPPORTED_DATA, 'Binary messages are not supported')
        elif opcode == websocket.PING:
            conn.send(websocket.frame(websocket.PONG, payload))
        elif opcode == websocket.CLOSE:
            if not conn.closing:
                code, _ = websocket.close_payload(payload)
                conn.closing = True
                conn.send(websocket.close_frame(code or websocket.NORMAL))
            return


# -- actions ----------------------------------------------------------------------------------------

def _room(arn: str) -> dict | None:
    try:
        ctx = common.control_context(chat.SERVICE, {'roomArn': arn}, 'roomArn')
    except ServiceError:
        return None
    with common.LOCK:
        room = chat.ROOMS.table(ctx).find(arn)
        return dict(room) if room else None


def _error(conn: Connection, request_id, code: int, message: str) -> None:
    conn.send_json({'Type': 'ERROR', 'Id': new_id(12), 'RequestId': request_id if isinstance(request_id, str) else '',
                    'ErrorCode': code, 'ErrorMessage': message})


def _strings(value) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _action(conn: Connection, payload: bytes) -> None:
    try:
        req = json.loads(payload)
    except ValueError:
        return _error(conn, None, 400, 'The request is not valid JSON')
    if not isinstance(req, dict):
        return _error(conn, None, 400, 'The request must be a JSON object')
    rid = req.get('RequestId')
    if rid is not None and not isinstance(rid, str):
        return _error(conn, None, 400, 'RequestId must be a string')
    action = req.get('Action')
    if action not in CAPABILITIES:
        return _error(conn, rid, 400, 'Action must be SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER')
    if action not in conn.capabilities:
        return _error(conn, rid, 403, f'The connection does not have the {action} capability')
    room = _room(conn.room)
    if room is None:
        return _error(conn, rid, 404, 'The chat room does not exist')
    reason = req.get('Reason')
    if reason is not None and not isinstance(reason, str):
        return _error(conn, rid, 400, 'Reason must be a string')
    if action == 'DELETE_MESSAGE':
        if not isinstance(req.get('Id'), str) or not req['Id']:
            return _error(conn, rid, 400, 'Id is required')
        return broadcast(conn.room, delete_message_event(req['Id'], reason, rid or ''))
    if action == 'DISCONNECT_USER':
        if not isinstance(req.get('UserId'), str) or not req['UserId']:
            return _error(conn, rid, 400, 'UserId is required')
        return disconnect_user(conn.room, req['UserId'], reason, rid or '')
    _send_message(conn, room, req, rid)


def _send_message(conn: Connection, room: dict, req: dict, rid) -> None:
    content = req.get('Content')
    if not isinstance(content, str) or not content:
        return _error(conn, rid, 400, 'Content is required')
    attributes = req.get('Attributes')
    if attributes is not None:
        if not _strings(attributes):
            return _error(conn, rid, 400, 'Attributes must be an object of strings')
        size = sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())
        if size > MAX_ATTRIBUTES_BYTES:
            return _error(conn, rid, 413, f'Attributes must be at most {MAX_ATTRIBUTES_BYTES} bytes (are {size})')
    limit = room['maximumMessageLength']
    if len(content) > limit:
        return _error(conn, rid, 400, f'Messages must be at most {limit} characters')
    if not _within_rate(conn.room, room['maximumMessageRatePerSecond']):
        return _error(conn, rid, 429, f'Rate exceeded: the room allows {room["maximumMessageRatePerSecond"]} '
                                      'messages per second')
    message_id = new_id(12)
    handler = room.get('messageReviewHandler') or {}
    if handler.get('uri'):
        verdict = review(handler, room['arn'], conn, message_id, content, attributes)
        if verdict['ReviewResult'] != 'ALLOW':
            return _error(conn, rid, 406, verdict.get('Reason') or 'The message was rejected by the message review handler')
        content, attributes = verdict['Content'], verdict['Attributes']
    message = {'Type': 'MESSAGE', 'Id': message_id, 'RequestId': rid or '', 'Content': content,
               'Sender': {'UserId': conn.user_id}, 'SendTime': _send_time()}
    if attributes:
        message['Attributes'] = attributes
    if conn.attributes:
        message['Sender']['Attributes'] = dict(conn.attributes)
    broadcast(conn.room, message)


def _within_rate(room_arn: str, per_second: int) -> bool:
    now = time.monotonic()
    with _lock:
        if room_arn in _unlimited:
            return True
        window = _rates.setdefault(room_arn, collections.deque())
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= per_second:
            return False
        window.append(now)
        return True


def review(handler: dict, room_arn: str, conn: Connection, message_id: str, content: str, attributes) -> dict:
    """The review handler's verdict: {'ReviewResult', 'Content', 'Attributes', 'Reason'?}; the room's
    fallbackResult (with the message as sent) when the handler is missing, fails, is late or answers
    something invalid."""
    event_doc = {'Content': content, 'MessageId': message_id, 'RoomArn': room_arn, 'Attributes': attributes or {},
                 'Sender': {'Attributes': dict(conn.attributes), 'UserId': conn.user_id, 'Ip': conn.ip}}
    with _lock:
        reg = dict(REVIEW_HANDLERS.get(handler['uri']) or {})
    fallback = {'ReviewResult': handler.get('fallbackResult') or 'ALLOW', 'Content': content, 'Attributes': attributes}
    timeout = reg.get('timeoutMs', REVIEW_TIMEOUT_MS) / 1000
    try:
        if not reg or reg.get('fail'):
            raise ValueError('no handler')
        if reg.get('url'):
            req = urllib.request.Request(reg['url'], data=json.dumps(event_doc).encode(), method='POST',
                                         headers={'Content-Type': 'application/json'})
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                answer = json.loads(resp.read())
        else:
            delay = reg.get('delayMs', 0) / 1000
            if delay >= timeout:
                time.sleep(timeout)
                raise TimeoutError
            time.sleep(delay)
            answer = reg.get('result')
        with _lock:
            if handler['uri'] in REVIEW_HANDLERS:
                calls = REVIEW_HANDLERS[handler['uri']].setdefault('invocations', [])
                calls.append(event_doc)
                del calls[:-100]  # the last 100
    except (OSError, ValueError, TimeoutError, urllib.error.URLError):
        return fallback
    if not isinstance(answer, dict) or answer.get('ReviewResult') not in ('ALLOW', 'DENY'):
        return fallback
    new_content = answer.get('Content', content)
    new_attributes = answer.get('Attributes', attributes)
    if not isinstance(new_content, str) or not new_content or (new_attributes is not None and not _strings(new_attributes)):
        return fallback
    reason = (answer.get('Attributes') or {}).get('Reason') if isinstance(answer.get('Attributes'), dict) else None
    return {'ReviewResult': answer['ReviewResult'], 'Content': new_content, 'Attributes': new_attributes,
            'Reason': reason}


# -- control API (/_local/chat/...) -----------------------------------------------------------------

def control_connections(state, body):
    """GET /_local/chat/connections[?roomArn=ARN]: the clients connected, per room."""
    room = body.get('roomArn')
    if room:
        return {'roomArn': room, 'connections': [c.view() for c in _connections(room)]}
    with _lock:
        rooms = {arn: [c.view() for c in conns] for arn, conns in REGISTRY.items()}
    return {'rooms': rooms}


def control_drop(state, body):
    """POST /_local/chat/connections/drop {"roomArn"?, "userId"?, "connectionId"?, "mode": "reset" |
    "close", "code"?, "reason"?}: ends the matching connections, abruptly (reset: no close frame, as a
    network failure) or with a close frame. Answers {"dropped": n}."""
    mode = body.get('mode', 'reset')
    if mode not in ('reset', 'close'):
        raise ServiceError('ValidationException', "mode must be 'reset' or 'close'", 400)
    code = body.get('code', websocket.GOING_AWAY)
    if not isinstance(code, int) or not websocket.close_code_allowed(code):
        raise ServiceError('ValidationException', 'code must be a close code a server may send', 400)
    picked = [c for c in _connections(body.get('roomArn'))
              if body.get('userId') in (None, c.user_id) and body.get('connectionId') in (None, c.id)]
    for c in picked:
        if mode == 'reset':
            c.reset()
        else:
            c.close(code, str(body.get('reason', '')))
    return {'dropped': len(picked)}


def control_hold(state, body):
    """POST /_local/chat/connections/hold {"roomArn"?, "userId"?, "connectionId"?, "hold": bool}: the
    matching connections stop acting on and reading the client's frames (true) until released (false),
    so what the client writes waits in the socket buffers, as with a server that stops reading.
    Answers {"held": n}."""
    if not isinstance(body.get('hold'), bool):
        raise ServiceError('ValidationException', 'hold (a boolean) is required', 400)
    picked = [c for c in _connections(body.get('roomArn'))
              if body.get('userId') in (None, c.user_id) and body.get('connectionId') in (None, c.id)]
    for c in picked:
        if body['hold']:
            c.reading.clear()
        else:
            c.reading.set()
    return {'held': len(picked)}


def control_token(state, body):
    """POST /_local/chat/tokens {"roomArn", "userId", "capabilities"?, "attributes"?,
    "sessionDurationSeconds"? (default 3600), "tokenLifetimeSeconds"? (default 60)}: a token as
    CreateChatToken makes one, with a session as short as a test needs."""
    ctx = common.control_context(chat.SERVICE, body, 'roomArn')
    chat.ROOMS.table(ctx).get(body['roomArn'])
    caps = body.get('capabilities', [])
    if not isinstance(caps, list) or any(c not in CAPABILITIES for c in caps):
        raise ServiceError('ValidationException', f'capabilities must be a list of {", ".join(CAPABILITIES)}', 400)
    user = body.get('userId')
    if not isinstance(user, str) or not user:
        raise ServiceError('ValidationException', 'userId is required', 400)
    return issue_token(body['roomArn'], user, caps, body.get('attributes'),
                       float(body.get('sessionDurationSeconds', 3600)), float(body.get('tokenLifetimeSeconds', 60)))


def control_review_add(state, body):
    """POST /_local/chat/review-handlers {"uri": the room's handler URI, and one of "url" (ivs-local
    POSTs the Lambda event there and reads the Lambda answer), "result" (a fixed answer, after
    "delayMs"), "fail": true; "timeoutMs"? (default 200)}."""
    uri = body.get('uri')
    if not isinstance(uri, str) or not uri:
        raise ServiceError('ValidationException', 'uri is required', 400)
    reg = {k: body[k] for k in ('url', 'result', 'fail', 'delayMs', 'timeoutMs') if k in body}
    with _lock:
        REVIEW_HANDLERS[uri] = reg
    return {'uri': uri, **reg}


def control_review_list(state, body):
    """GET /_local/chat/review-handlers: the registrations, each with the events it was invoked with."""
    with _lock:
        return {'handlers': {uri: json.loads(json.dumps(reg)) for uri, reg in REVIEW_HANDLERS.items()}}


def control_review_clear(state, body):
    """DELETE /_local/chat/review-handlers[?uri=URI]."""
    with _lock:
        if body.get('uri'):
            REVIEW_HANDLERS.pop(body['uri'], None)
        else:
            REVIEW_HANDLERS.clear()
    return {}


def control_rate(state, body):
    """POST /_local/chat/rate-limit {"roomArn", "enforce": bool}: whether the room's
    maximumMessageRatePerSecond is enforced (off for benchmarks)."""
    arn = body.get('roomArn')
    if not isinstance(arn, str) or not isinstance(body.get('enforce'), bool):
        raise ServiceError('ValidationException', 'roomArn and enforce (a boolean) are required', 400)
    with _lock:
        if body['enforce']:
            _unlimited.discard(arn)
        else:
            _unlimited.add(arn)
    return {'roomArn': arn, 'enforce': body['enforce']}


CONTROL = {
    'GET chat/connections': control_connections,
    'POST chat/connections/drop': control_drop,
    'POST chat/connections/hold': control_hold,
    'POST chat/tokens': control_token,
    'POST chat/review-handlers': control_review_add,
    'GET chat/review-handlers': control_review_list,
    'DELETE chat/review-handlers': control_review_clear,
    'POST chat/rate-limit': control_rate,
}
chat.CONTROL.update(CONTROL)
