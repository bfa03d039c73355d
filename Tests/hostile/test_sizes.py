"""Responses too large to hold (issue 10, contract 3) and pagination that never ends (contract 10).

A 2xx body over maxResponseBytes (announced, chunked, or just coming until the server closes) stops
being read at the bound: IVS_E_SERVICE ResponseTooLarge, not retryable, attempts 1. An error response
(status >= 300) is read to at most 64 KiB and classified from its status and headers. More than
256 KiB of header bytes or more than 1000 header lines: ResponseTooLarge (retried for 500, 502, 503, 504).

RSS bounds (the driver's baseline is ~20 MB): 100 MB with maxResponseBytes 1 MiB (the contract's
"under ~100 MB for a 200 MB body"); 160 MB with the default 16 MiB (baseline + 8 times the bound:
"a few times the bound at most")."""
import json

import pytest

from hostile_driver import CHANNEL, config_for, run
from hostile_server import response

MIB = 1024 * 1024
SMALL_RSS_MB = 100
DEFAULT_RSS_MB = 160
GET = ('call', 'ivs', 'GetStream', {'channelArn': CHANNEL})
LIST = ('call', 'ivs', 'ListChannels', {})
FILL = b'a' * 65536
# What a client that reads an error body to 64 KiB can have been sent on that connection: the 64 KiB,
# curl's buffer, the client's socket receive buffer (128 KiB initially, not grown by a reader that
# stops) and the server's small send buffer. A client reading the whole 200 MB gets far more.
ERROR_SENT_MAX = 2 * MIB


def big_body(kind, size=200 * 1000 * 1000, status=200, reason='OK', headers=(), prefix=b'{"stream": {"streamId": "'):
    """A handler answering with a body of `size` bytes (kind 'length'), a chunked body that never ends
    ('chunked') or a body with no length that never ends, the connection closing after it ('close')."""
    def handler(conn, req):
        head = [('Content-Type', 'application/json' if status < 300 else 'text/html'), *headers]
        if kind == 'length':
            head.append(('Content-Length', str(size)))
            conn.send(response(status, reason, head, content_length=False) + prefix)
            conn.send_stream(FILL, cap=size - len(prefix))
        elif kind == 'chunked':
            head.append(('Transfer-Encoding', 'chunked'))
            conn.send(response(status, reason, head, content_length=False)
                      + b'%x\r\n' % len(prefix) + prefix + b'\r\n')
            conn.send_stream(b'%x\r\n' % len(FILL) + FILL + b'\r\n')
        else:
            head.append(('Connection', 'close'))
            conn.send(response(status, reason, head, content_length=False) + prefix)
            conn.send_stream(FILL)
        return False
    return handler


@pytest.mark.parametrize('kind', ['length', 'chunked', 'close'])
def test_body_over_small_bound(driver, tmp_path, serve, kind):
    server = serve(big_body(kind))
    out = run(driver, tmp_path, config_for(server, maxResponseBytes=MIB, requestTimeoutMs=5000), [GET], SMALL_RSS_MB)
    out.step.expect_error(6, 'ResponseTooLarge', retryable=False, attempts=1)
    assert server.count == 1


@pytest.mark.parametrize('kind', ['length', 'chunked', 'close'])
def test_body_over_default_bound(driver, tmp_path, serve, kind):
    server = serve(big_body(kind))
    out = run(driver, tmp_path, config_for(server, requestTimeoutMs=5000), [GET], DEFAULT_RSS_MB)
    out.step.expect_error(6, 'ResponseTooLarge', retryable=False, attempts=1)
    assert server.count == 1


def exact_body(size):
    head = b'{"stream": {"streamId": "'
    tail = b'"}}'
    return head + b'x' * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize('chunked', [False, True], ids=['length', 'chunked'])
def test_body_at_the_bound_is_accepted(driver, tmp_path, serve, chunked):
    """Exactly maxResponseBytes of body (decoded bytes, when chunked in 1000-byte pieces) is fine."""
    body = exact_body(MIB)

    def handler(conn, req):
        if chunked:
            framed = b''.join(b'%x\r\n' % len(body[i:i + 1000]) + body[i:i + 1000] + b'\r\n'
                              for i in range(0, len(body), 1000)) + b'0\r\n\r\n'
            conn.send(response(200, headers=[('Content-Type', 'application/json'), ('Transfer-Encoding', 'chunked')],
                               content_length=False) + framed)
        else:
            conn.send(response(200, headers=[('Content-Type', 'application/json')], body=body))
        return True
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, maxResponseBytes=MIB), [GET], SMALL_RSS_MB)
    assert len(out.step.expect_ok()['stream']['streamId']) == MIB - 28


def test_body_one_byte_over_the_bound(driver, tmp_path, serve):
    body = exact_body(MIB + 1)
    server = serve(lambda conn, req: conn.send(response(200, headers=[('Content-Type', 'application/json')], body=body)))
    out = run(driver, tmp_path, config_for(server, maxResponseBytes=MIB), [GET], SMALL_RSS_MB)
    out.step.expect_error(6, 'ResponseTooLarge', retryable=False, attempts=1)


@pytest.mark.parametrize('kind', ['length', 'chunked'])
def test_503_with_200_mb_html(driver, tmp_path, serve, kind):
    """A retryable 503 with a huge HTML page: classified from the status, each attempt reads at most
    64 KiB (checked as the bytes the server got out before the client closed, small send buffer)."""
    server = serve(big_body(kind, status=503, reason='Service Unavailable', prefix=b'<html><body>'), sndbuf=16384)
    out = run(driver, tmp_path, config_for(server, maxAttempts=2, requestTimeoutMs=5000), [GET], SMALL_RSS_MB)
    out.step.expect_error(6, 'ServiceUnavailable', httpStatus=503, retryable=True, attempts=2)
    assert server.count == 2
    server.settle()
    sent = server.sent_per_connection()
    assert all(n < ERROR_SENT_MAX for n in sent), f'bytes sent per connection before the client closed: {sent}'


def test_throttling_error_with_endless_body(driver, tmp_path, serve):
    """The error code comes from x-amzn-ErrorType even though the body is never complete."""
    server = serve(big_body('chunked', status=400, reason='Bad Request', prefix=b'{"message": "',
                            headers=[('x-amzn-ErrorType', 'ThrottlingException:http://internal.amazon.com/')]),
                   sndbuf=16384)
    out = run(driver, tmp_path, config_for(server, maxAttempts=2, requestTimeoutMs=5000), [GET], SMALL_RSS_MB)
    out.step.expect_error(6, 'ThrottlingException', httpStatus=400, retryable=True, attempts=2)
    server.settle()
    sent = server.sent_per_connection()
    assert all(n < ERROR_SENT_MAX for n in sent), f'bytes sent per connection before the client closed: {sent}'


def headers_answer(lines, body=b'{"channels": []}', status=b'200 OK'):
    head = b'HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n' % (status, len(body))
    return head + b''.join(lines) + b'\r\n' + body


@pytest.mark.parametrize('case', ['bytes', 'lines', 'single-1mb-line'])
def test_headers_over_the_bound(driver, tmp_path, serve, case):
    if case == 'bytes':
        lines = [b'X-Big-%d: %s\r\n' % (i, b'v' * 1000) for i in range(270)]    # ~270 KiB, 270 lines
    elif case == 'lines':
        lines = [b'X-H-%d: v\r\n' % i for i in range(1001)]                     # ~12 KiB, 1001 lines
    else:
        lines = [b'X-Huge: ' + b'v' * MIB + b'\r\n']
    server = serve(lambda conn, req: conn.send(headers_answer(lines)))
    out = run(driver, tmp_path, config_for(server), [LIST], SMALL_RSS_MB)
    out.step.expect_error(6, 'ResponseTooLarge', retryable=False, attempts=1)


def test_headers_over_the_bound_on_a_503(driver, tmp_path, serve):
    """The retry decision is the status's: a 503 is retried (as botocore retries it, whatever came with
    it), each attempt stopped at the header bound; the error keeps the status."""
    lines = [b'X-Big-%d: %s\r\n' % (i, b'v' * 1000) for i in range(270)]
    server = serve(lambda conn, req: conn.send(headers_answer(lines, status=b'503 Slow Down')) or True)
    out = run(driver, tmp_path, config_for(server, maxAttempts=3), [LIST], SMALL_RSS_MB)
    out.step.expect_error(6, 'ResponseTooLarge', httpStatus=503, retryable=True, attempts=3)
    assert server.count == 3


def test_headers_under_the_bound(driver, tmp_path, serve):
    """The control case: 900 header lines and ~200 KiB of header bytes are accepted, all reported."""
    lines = [b'X-H-%d: %s\r\n' % (i, b'v' * 220) for i in range(900)]
    server = serve(lambda conn, req: conn.send(headers_answer(lines)))
    out = run(driver, tmp_path, config_for(server), [LIST], SMALL_RSS_MB)
    headers = out.step.expect_ok()['ResponseMetadata']['HTTPHeaders']
    assert headers['x-h-899'] == 'v' * 220 and len(headers) == 902


def test_endless_headers(driver, tmp_path, serve):
    """Header lines that never end: stopped at the header bound, memory bounded."""
    def handler(conn, req):
        conn.send(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n')
        conn.send_stream(b''.join(b'X-More-%d: %s\r\n' % (i, b'v' * 100) for i in range(500)))
        return False
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, requestTimeoutMs=5000), [LIST], SMALL_RSS_MB)
    out.step.expect_error(6, 'ResponseTooLarge', retryable=False, attempts=1)


# Pagination that never ends. The server gives up after SAFETY_PAGES (a final page without a token) so
# that a client without the limits ends too.
SAFETY_PAGES = 3000


def endless_pages(item_bytes=0, safety=SAFETY_PAGES, same_token=False):
    def handler(conn, req):
        n = conn.server.count
        body = {'channels': [{'arn': f'arn:aws:ivs:us-west-2:123456789012:channel/c{n}', 'name': 'x' * item_bytes}]}
        if n < safety:
            body['nextToken'] = 'same' if same_token else f'token-{n}'
        conn.send(response(200, headers=[('Content-Type', 'application/json')], body=json.dumps(body).encode()))
        return True
    return handler


def test_paginate_max_pages(driver, tmp_path, serve):
    server = serve(endless_pages())
    out = run(driver, tmp_path, config_for(server, maxPages=5), [('paginate', 'ivs', 'ListChannels', {})],
              SMALL_RSS_MB)
    out.step.expect_error(6, 'PaginationLimitExceeded', retryable=False)
    assert 'maxPages' in out.step.error['message']
    assert server.count == 5


def test_paginate_max_paginate_bytes(driver, tmp_path, serve):
    """Pages of ~1000 bytes with maxPaginateBytes 4096: stops at the page that crosses 4096 bytes."""
    server = serve(endless_pages(item_bytes=900))
    out = run(driver, tmp_path, config_for(server, maxPaginateBytes=4096), [('paginate', 'ivs', 'ListChannels', {})],
              SMALL_RSS_MB)
    out.step.expect_error(6, 'PaginationLimitExceeded', retryable=False)
    assert 'maxPaginateBytes' in out.step.error['message']
    assert 4 <= server.count <= 5


def test_paginate_max_paginate_bytes_memory(driver, tmp_path, serve):
    """Pages of 512 KiB with maxPaginateBytes 8 MiB: stops after ~16 pages, memory bounded (the server
    gives up after 200 pages, 100 MB, for a client without the limit)."""
    server = serve(endless_pages(item_bytes=512 * 1024, safety=200))
    out = run(driver, tmp_path, config_for(server, maxPaginateBytes=8 * MIB),
              [('paginate', 'ivs', 'ListChannels', {})], SMALL_RSS_MB)
    out.step.expect_error(6, 'PaginationLimitExceeded', retryable=False)
    assert server.count <= 17


def test_paginate_repeated_token(driver, tmp_path, serve):
    """A token that repeats stays the existing PaginationError."""
    server = serve(endless_pages(same_token=True))
    out = run(driver, tmp_path, config_for(server), [('paginate', 'ivs', 'ListChannels', {})], SMALL_RSS_MB)
    out.step.expect_error(6, 'PaginationError')
    assert server.count == 2

