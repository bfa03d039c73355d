"""Odd response headers in ResponseMetadata.HTTPHeaders (issue 10, contracts 4 and 5): bytes that are not
UTF-8 become U+FFFD, repeated headers are one key (names lowercased) with the values joined by ", " in
the order received, and ivs_call and ivs_paginate give the same text for the same headers."""
import pytest

from hostile_driver import CHANNEL, config_for, run

RSS_MB = 60
BODY = b'{"channels": []}'
# The same answer through both entry points and both output paths: ivs_call (text spliced from the
# body), ivs_paginate of a paginated operation (a tree joined over pages), ivs_paginate of an
# operation without a paginator (the tree path of ivs_call).
STEPS = [('call', 'ivs', 'ListChannels', {}), ('paginate', 'ivs', 'ListChannels', {}),
         ('call', 'ivs', 'GetStream', {'channelArn': CHANNEL}), ('paginate', 'ivs', 'GetStream', {'channelArn': CHANNEL})]


def answer_with(header_lines):
    data = (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-amzn-RequestId: req-1\r\n'
            + b''.join(header_lines) + b'Content-Length: %d\r\n\r\n' % len(BODY) + BODY)

    def handler(conn, req):
        conn.send(data)
        return True
    return handler


def all_headers(out):
    """HTTPHeaders of every step, after checking that every step has ResponseMetadata."""
    result = []
    for s in out.steps:
        doc = s.expect_ok()
        assert 'ResponseMetadata' in doc, f'{s.op}: no ResponseMetadata in {s.text[:300]}'
        result.append(doc['ResponseMetadata']['HTTPHeaders'])
    return result


def test_invalid_utf8_header_value(driver, tmp_path, serve):
    server = serve(answer_with([b'X-Weird: \xff\xfe\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    headers = all_headers(out)
    for h in headers:
        assert h['x-weird'] == '\ufffd\ufffd'
    assert all(h == headers[0] for h in headers), f'ivs_call and ivs_paginate disagree: {headers}'


@pytest.mark.parametrize('value', [b'\xc0\xaf', b'\xed\xa0\x80', b'\xe2\x82', b'\xf8\x88\x80\x80\x80', b'\xf4\x90\x80\x80',
                                   b'ok\xffok', b'\x80' * 1000])
def test_other_invalid_utf8_header_values(driver, tmp_path, serve, value):
    """Overlong, surrogate, truncated, 5-byte and above-U+10FFFF sequences: U+FFFD, the same in every path."""
    server = serve(answer_with([b'X-Weird: ' + value + b'\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    headers = all_headers(out)
    assert '\ufffd' in headers[0]['x-weird']
    assert all(h == headers[0] for h in headers), f'ivs_call and ivs_paginate disagree: {headers}'


def test_invalid_utf8_header_name(driver, tmp_path, serve):
    """A name that is not a token: dropped, or kept with U+FFFD for each invalid byte; the same in
    every path (the contract names values; either is valid UTF-8)."""
    server = serve(answer_with([b'X-\xff\xfe: v\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    headers = all_headers(out)
    odd = [k for k in headers[0] if k not in ('content-type', 'x-amzn-requestid', 'content-length')]
    assert odd in ([], ['x-\ufffd\ufffd']), f'unexpected header keys: {odd}'
    assert all(h == headers[0] for h in headers), f'ivs_call and ivs_paginate disagree: {headers}'


@pytest.mark.parametrize('value', [b'a\x01b', b'\x1b[31mred', b'tab\there', b'a\x7fb', b'quote"back\\slash'])
def test_control_characters_in_header_value(driver, tmp_path, serve, value):
    """Control characters a server sends are escaped in the JSON, not passed raw."""
    server = serve(answer_with([b'X-Ctl: ' + value + b'\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    headers = all_headers(out)
    assert headers[0]['x-ctl'] == value.decode()
    assert all(h == headers[0] for h in headers)


def test_repeated_set_cookie(driver, tmp_path, serve):
    server = serve(answer_with([b'Set-Cookie: a=1\r\n', b'Set-Cookie: b=2\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    for h in all_headers(out):
        assert h['set-cookie'] == 'a=1, b=2'


def test_repeated_header_in_mixed_case(driver, tmp_path, serve):
    server = serve(answer_with([b'X-Dup: 1\r\n', b'x-dup: 2\r\n', b'X-Other: o\r\n', b'X-DUP: 3\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    headers = all_headers(out)
    for h in headers:
        assert h['x-dup'] == '1, 2, 3' and h['x-other'] == 'o'
    assert all(list(h) == list(headers[0]) for h in headers)


def test_repeated_request_id(driver, tmp_path, serve):
    """Two x-amzn-RequestId headers: still one key, valid JSON, a RequestId that is a string."""
    server = serve(answer_with([b'x-amzn-RequestId: req-2\r\n']))
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    for h in all_headers(out):
        assert h['x-amzn-requestid'] == 'req-1, req-2'
    for s in out.steps:
        assert isinstance(s.json['ResponseMetadata']['RequestId'], str)


@pytest.mark.parametrize('line', [b'X-Nul: a\x00b\r\n', b'X-Nul-Only: \x00\r\n', b'X-N\x00ul: v\r\n', b'X-Cr: a\rb\r\n'],
                         ids=['nul', 'nul-only', 'nul-in-name', 'bare-cr'])
def test_nul_or_cr_in_a_header(driver, tmp_path, serve, line):
    """A field value with NUL or CR is invalid (RFC 9110 5.5: the recipient rejects the message or
    replaces them; libcurl refuses a NUL): with retries allowed, the call fails at once, one request,
    with InvalidResponse and the response's status. botocore does not retry such a 200 either (it
    takes the value as it is)."""
    server = serve(answer_with([line]))
    out = run(driver, tmp_path, config_for(server, maxAttempts=3), [STEPS[0], STEPS[1]], RSS_MB)
    for s in out.steps:
        s.expect_error(6, 'InvalidResponse', httpStatus=200, retryable=False, attempts=1)
        assert "head is not valid HTTP" in s.error['message'], s.brief()
    assert server.count == 2


def test_nul_in_a_header_of_a_503(driver, tmp_path, serve):
    """The retry decision is the status's, as botocore's is (it reads past the NUL and retries a 503)."""
    server = serve(lambda conn, req: conn.send(b'HTTP/1.1 503 Slow Down\r\nX-Nul: a\x00b\r\nContent-Length: 2\r\n\r\n{}')
                   or True)
    out = run(driver, tmp_path, config_for(server, maxAttempts=3), [STEPS[0]], RSS_MB)
    out.step.expect_error(6, 'InvalidResponse', httpStatus=503, retryable=True, attempts=3)
    assert server.count == 3
