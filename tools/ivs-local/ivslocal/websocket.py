"""RFC 6455 on the server side, standard library only: the answer to the opening handshake and frames
over a connection's socket. ivs-local's chat messaging (services/chat_messaging.py) speaks it; any
WebSocket client can talk to it.

Client frames are checked as RFC 6455 requires of a server: masked, no reserved bits or opcodes,
minimal lengths, control frames short and whole, continuation in order, text valid UTF-8, close
codes a peer may send, and at most max_message bytes per message. A violation raises ProtocolError
with the close code to send."""
from __future__ import annotations

import base64
import hashlib
import struct

GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
OPCODES = {CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG}

NORMAL, GOING_AWAY, PROTOCOL_ERROR, UNSUPPORTED_DATA, INVALID_DATA, POLICY, TOO_BIG, INTERNAL = (
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011)


class ProtocolError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def valid_key(key: str | None) -> bool:
    try:
        return key is not None and len(base64.b64decode(key, validate=True)) == 16
    except ValueError:
        return False


def close_code_allowed(code: int) -> bool:
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


def frame(opcode: int, payload: bytes = b'') -> bytes:
    """One unmasked frame with FIN set (servers do not mask)."""
    n = len(payload)
    if n < 126:
        head = struct.pack('!BB', 0x80 | opcode, n)
    elif n <= 0xFFFF:
        head = struct.pack('!BBH', 0x80 | opcode, 126, n)
    else:
        head = struct.pack('!BBQ', 0x80 | opcode, 127, n)
    return head + payload


def close_frame(code: int, reason: str = '') -> bytes:
    data = reason.encode()[:123]
    while data:  # cut at a character boundary
        try:
            data.decode()
            break
        except UnicodeDecodeError:
            data = data[:-1]
    return frame(CLOSE, struct.pack('!H', code) + data)


class FrameReader:
    """Reads whole messages and control frames from a binary file object (the connection's rfile)."""

    def __init__(self, rfile, max_message: int):
        self.rfile = rfile
        self.max_message = max_message

    def _read(self, n: int) -> bytes:
        data = self.rfile.read(n) if n else b''
        if len(data) < n:
            raise EOFError('the client closed the connection')
        return data

    def read(self) -> tuple[int, bytes]:
        """(opcode, payload) of the next whole message (TEXT or BINARY, reassembled) or control frame.
        A close frame's payload is checked (code and UTF-8 reason)."""
        fragments: list[bytes] = []
        first_opcode = None
        size = 0
        while True:
            b0, b1 = self._read(2)
            fin, rsv, opcode = b0 & 0x80, b0 & 0x70, b0 & 0x0F
            if rsv:
                raise ProtocolError(PROTOCOL_ERROR, 'reserved bits set')
            if opcode not in OPCODES:
                raise ProtocolError(PROTOCOL_ERROR, f'reserved opcode {opcode}')
            if not b1 & 0x80:
                raise ProtocolError(PROTOCOL_ERROR, 'an unmasked frame from a client')
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack('!H', self._read(2))[0]
                if n < 126:
                    raise ProtocolError(PROTOCOL_ERROR, 'a length not in its shortest form')
            elif n == 127:
                n = struct.unpack('!Q', self._read(8))[0]
                if n >> 63 or n <= 0xFFFF:
                    raise ProtocolError(PROTOCOL_ERROR, 'an invalid 64-bit length')
            control = opcode >= 0x8
            if control and (not fin or n > 125):
                raise ProtocolError(PROTOCOL_ERROR, 'a fragmented or long control frame')
            if not control:
                if opcode == CONTINUATION and first_opcode is None:
                    raise ProtocolError(PROTOCOL_ERROR, 'a continuation with nothing to continue')
                if opcode != CONTINUATION and first_opcode is not None:
                    raise ProtocolError(PROTOCOL_ERROR, 'a new message inside a fragmented one')
                if size + n > self.max_message:
                    raise ProtocolError(TOO_BIG, f'a message over {self.max_message} bytes')
            mask = self._read(4)
            payload = unmask(self._read(n), mask) if n else b''
            if control:
                if opcode == CLOSE:
                    self._check_close(payload)
                return opcode, payload
            if first_opcode is None:
                first_opcode = opcode
            fragments.append(payload)
            size += n
            if fin:
                data = b''.join(fragments)
                if first_opcode == TEXT:
                    try:
                        data.decode('utf-8')
                    except UnicodeDecodeError:
                        raise ProtocolError(INVALID_DATA, 'a text message that is not UTF-8') from None
                return first_opcode, data

    @staticmethod
    def _check_close(payload: bytes) -> None:
        if len(payload) == 1:
            raise ProtocolError(PROTOCOL_ERROR, 'a one-byte close payload')
        if len(payload) >= 2:
            code = struct.unpack('!H', payload[:2])[0]
            if not close_code_allowed(code):
                raise ProtocolError(PROTOCOL_ERROR, f'the close code {code}')
            try:
                payload[2:].decode('utf-8')
            except UnicodeDecodeError:
                raise ProtocolError(INVALID_DATA, 'a close reason that is not UTF-8') from None


def unmask(data: bytes, mask: bytes) -> bytes:
    n = len(data)
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, 'big') ^ int.from_bytes(key, 'big')).to_bytes(n, 'big')


def close_payload(payload: bytes) -> tuple[int | None, str]:
    """(code, reason) of a checked close frame's payload."""
    if len(payload) < 2:
        return None, ''
    return struct.unpack('!H', payload[:2])[0], payload[2:].decode('utf-8')
