"""Answers that are not well-formed HTTP/1.1: broken status lines, HTTP/0.9, broken framing, 1xx
responses before the real one, bytes left over on a kept-alive connection. The contract for these is
the general one of issue 10: no crash, valid UTF-8 JSON, an error of the fixed shape (a network or
service error: which one is not pinned down where the answer is not HTTP at all), bounded memory."""
import pytest

from hostile_driver import config_for, run

RSS_MB = 60
LIST = ('call', 'ivs', 'ListChannels', {})
BODY = b'{"channels": []}'
CT = b'Content-Type: application/json\r\n'

# (id, raw answer (the connection is closed after it), statuses allowed)
ANSWERS = [
    ('nothing', b'', {5}),
    ('status-not-a-number', b'HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('status-huge', b'HTTP/1.1 99999999999999999999 OK\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('status-negative', b'HTTP/1.1 -200 OK\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('status-1000', b'HTTP/1.1 1000 Big\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('status-099', b'HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('status-000', b'HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('status-999', b'HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\n{}', {6}),
    ('status-line-only', b'HTTP/1.1 200 OK\r\n', {0, 5, 6}),  # http.client, hence botocore, accepts it
    ('status-line-no-crlf', b'HTTP/1.1 200 OK', {5, 6}),
    ('not-http', b'FOO 200 OK\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('http-2-status-line', b'HTTP/2 200\r\nContent-Length: 2\r\n\r\n{}', {0, 5, 6}),
    ('http-9.9', b'HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\n{}', {5, 6}),
    ('http-0.9', BODY, {5, 6}),
    ('binary-junk', bytes(range(256)) * 4, {5, 6}),
    ('nul-in-status-line', b'HTTP/1.1 200 O\x00K\r\n' + CT + b'Content-Length: 16\r\n\r\n' + BODY, {0, 5, 6}),
    ('reason-invalid-utf8', b'HTTP/1.1 503 \xff\xfe\r\nContent-Length: 2\r\n\r\n{}', {6}),
    ('bare-lf', b'HTTP/1.1 200 OK\n' + b'Content-Type: application/json\n' + b'Content-Length: 16\n\n' + BODY, {0, 5, 6}),
    ('header-without-colon', b'HTTP/1.1 200 OK\r\n' + CT + b'NoColonHere\r\nContent-Length: 16\r\n\r\n' + BODY, {0, 5, 6}),
    ('header-name-empty', b'HTTP/1.1 200 OK\r\n' + CT + b': value\r\nContent-Length: 16\r\n\r\n' + BODY, {0, 5, 6}),
    ('header-continuation', b'HTTP/1.1 200 OK\r\n' + CT + b'X-Folded: a\r\n  b\r\nContent-Length: 16\r\n\r\n' + BODY,
     {0, 5, 6}),
    ('nul-in-header', b'HTTP/1.1 200 OK\r\n' + CT + b'X-Nul: a\x00b\r\nContent-Length: 16\r\n\r\n' + BODY, {6}),
    ('content-length-negative', b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Length: -1\r\n\r\n' + BODY, {0, 5, 6}),
    # An announced length no integer holds: refused, or ignored (read to the close, as curl does).
    ('content-length-huge', b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Length: 99999999999999999999999\r\n\r\n' + BODY,
     {0, 5, 6}),
    ('content-length-not-a-number', b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Length: abc\r\n\r\n' + BODY, {0, 5, 6}),
    ('content-length-conflicting',
     b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Length: 16\r\nContent-Length: 1000\r\n\r\n' + BODY, {0, 5, 6}),
    ('chunk-size-not-hex', b'HTTP/1.1 200 OK\r\n' + CT + b'Transfer-Encoding: chunked\r\n\r\nzz\r\n' + BODY, {5, 6}),
    ('chunk-size-huge', b'HTTP/1.1 200 OK\r\n' + CT + b'Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n'
     + BODY, {5, 6}),
    ('chunked-and-length', b'HTTP/1.1 200 OK\r\n' + CT + b'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n'
     + b'10\r\n' + BODY + b'\r\n0\r\n\r\n', {0, 5, 6}),
    ('chunked-truncated', b'HTTP/1.1 200 OK\r\n' + CT + b'Transfer-Encoding: chunked\r\n\r\n10\r\n{"chan', {5, 6}),
    ('transfer-encoding-unknown', b'HTTP/1.1 200 OK\r\n' + CT + b'Transfer-Encoding: gzip, bogus\r\n\r\n' + BODY,
     {0, 5, 6}),
    ('content-encoding-bogus-gzip', b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Encoding: gzip\r\nContent-Length: 16\r\n\r\n'
     + BODY, {0, 5, 6}),
    ('no-length-until-close', b'HTTP/1.1 200 OK\r\n' + CT + b'\r\n' + BODY, {0}),
    ('100-then-200', b'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n' + CT + b'Content-Length: 16\r\n\r\n' + BODY,
     {0}),
    ('101-unsolicited', b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
     + b'\x81\x05hello', {5, 6}),
]


@pytest.mark.parametrize('answer,allowed', [a[1:] for a in ANSWERS], ids=[a[0] for a in ANSWERS])
def test_malformed_answer(driver, tmp_path, serve, answer, allowed):
    def handler(conn, req):
        conn.send(answer)
        return False
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server), [LIST], RSS_MB, timeout=30)
    assert out.step.status in allowed, f'status not in {sorted(allowed)}: {out.step.brief()}'
    if out.step.status:
        assert out.step.error['attempts'] == 1
    assert server.count == 1


def test_1xx_before_the_answer(driver, tmp_path, serve):
    """200 informational responses (103 Early Hints with headers) before the real one: the output has the
    real response's headers only."""
    hints = b''.join(b'HTTP/1.1 103 Early Hints\r\nLink: </x%d>; rel=preload\r\n\r\n' % i for i in range(200))
    final = b'HTTP/1.1 200 OK\r\n' + CT + b'x-amzn-RequestId: final\r\nContent-Length: 16\r\n\r\n' + BODY
    server = serve(lambda conn, req: conn.send(hints + final))
    out = run(driver, tmp_path, config_for(server), [LIST, ('paginate', 'ivs', 'ListChannels', {})], RSS_MB)
    for s in out.steps:
        meta = s.expect_ok()['ResponseMetadata']
        assert meta['RequestId'] == 'final' and 'link' not in meta['HTTPHeaders'], meta


def test_endless_1xx(driver, tmp_path, serve):
    """100 Continue forever: the call ends (header bound or timeout) with bounded memory."""
    def handler(conn, req):
        conn.send_stream(b'HTTP/1.1 100 Continue\r\nX-Pad: ' + b'p' * 200 + b'\r\n\r\n')
        return False
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, requestTimeoutMs=2000), [LIST], RSS_MB, timeout=30)
    assert out.step.status in (5, 6), out.step.brief()
    assert out.step.ms < 4000


@pytest.mark.parametrize('first', [
    # Content-Length shorter than what follows: the rest is left on the kept-alive connection.
    b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Length: 16\r\n\r\n' + BODY + b'HTTP/1.1 500 Stale\r\nContent-Length: 0\r\n\r\n',
    b'HTTP/1.1 200 OK\r\n' + CT + b'Content-Length: 16\r\n\r\n' + BODY + b'garbage that is not HTTP\r\n\r\n',
    # 204 and 304 carry no body: the bytes that follow them are not theirs.
    b'HTTP/1.1 204 No Content\r\nContent-Length: 16\r\n\r\n' + BODY,
    b'HTTP/1.1 304 Not Modified\r\nContent-Length: 16\r\n\r\n' + BODY,
], ids=['length-short-then-response', 'length-short-then-garbage', '204-with-body', '304-with-body'])
def test_leftover_bytes_on_kept_alive_connection(driver, tmp_path, serve, first):
    """The second call must not take the first answer's leftovers for its own answer silently."""
    def handler(conn, req):
        if conn.server.count == 1:
            conn.send(first)
        else:
            conn.send(b'HTTP/1.1 200 OK\r\n' + CT + b'x-amzn-RequestId: second\r\nContent-Length: 16\r\n\r\n' + BODY)
        return True
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, retryMode='off'), [LIST, LIST], RSS_MB)
    second = out.steps[1]
    assert second.status in (0, 5, 6), second.brief()
    if second.status == 0:
        assert second.json['ResponseMetadata']['RequestId'] == 'second', second.text[:300]
