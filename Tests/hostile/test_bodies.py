"""2xx and error bodies that are hostile JSON: nested 100,000 deep, numbers no double or integer holds,
invalid UTF-8, JSON that is not an object, duplicate keys. Either the call succeeds with valid JSON
output, or it fails as IVS_E_SERVICE InvalidResponse (a 2xx) or as the service error its status and
headers name (an error response)."""
import pytest

from hostile_driver import CHANNEL, config_for, run
from hostile_server import response

RSS_MB = 80
GET = ('call', 'ivs', 'GetStream', {'channelArn': CHANNEL})
STEPS = [GET, ('paginate', 'ivs', 'GetStream', {'channelArn': CHANNEL}), ('call', 'ivs', 'ListChannels', {}),
         ('paginate', 'ivs', 'ListChannels', {})]
DEEP = 100000


def stream(member):
    return b'{"stream": {"channelArn": "' + CHANNEL.encode() + b'", ' + member + b'}}'


BODIES = [
    ('nested-arrays', b'[' * DEEP + b']' * DEEP),
    ('nested-objects', b'{"a":' * DEEP + b'1' + b'}' * DEEP),
    ('nested-in-member', stream(b'"viewerCount": ' + b'[' * DEEP + b']' * DEEP)),
    ('nested-unclosed', b'{"stream": ' + b'[' * DEEP),
    ('nested-2000-in-tags', b'{"channels": [{"arn": "a", "tags": {"k": ' + b'[' * 2000 + b']' * 2000 + b'}}]}'),
    ('number-1e999', stream(b'"viewerCount": 1e999')),
    ('number-minus-1e999', stream(b'"viewerCount": -1e999')),
    ('number-30-digits', stream(b'"viewerCount": 123456789012345678901234567890')),
    ('number-1e-999', stream(b'"viewerCount": 1e-999')),
    ('number-100k-digits', stream(b'"viewerCount": ' + b'9' * 100000)),
    ('number-in-string-member', stream(b'"streamId": 1e999')),
    ('invalid-utf8-string', stream(b'"streamId": "\xff\xfe"')),
    ('invalid-utf8-key', stream(b'"\xff\xfe": "x"')),
    ('invalid-utf8-overlong', stream(b'"streamId": "\xc0\xaf"')),
    ('escaped-lone-surrogate', stream(b'"streamId": "\\ud800"')),
    ('escaped-nul', stream(b'"streamId": "a\\u0000b"')),
    ('raw-nul', stream(b'"streamId": "a\x00b"')),
    ('raw-control', stream(b'"streamId": "a\x01b"')),
    ('array', b'[1, 2, 3]'),
    ('string', b'"just a string"'),
    ('number', b'42'),
    ('null', b'null'),
    ('true', b'true'),
    ('empty', b''),
    ('whitespace', b' \r\n\t '),
    ('bom', b'\xef\xbb\xbf{"channels": []}'),
    ('trailing-garbage', b'{"channels": []} trailing'),
    ('two-documents', b'{"channels": []}{"channels": []}'),
    ('unclosed', b'{"channels": ['),
    ('duplicate-keys', b'{"channels": [], "channels": [{"arn": "x"}], "nextToken": null}'),
    ('duplicate-nested-keys', stream(b'"streamId": "a", "streamId": "b"')),
    ('wrong-types', b'{"channels": "not a list", "nextToken": 5, "stream": [1]}'),
    ('html', b'<html><body>Service Temporarily Unavailable</body></html>'),
]


@pytest.mark.parametrize('body', [b[1] for b in BODIES], ids=[b[0] for b in BODIES])
def test_hostile_2xx_body(driver, tmp_path, serve, body):
    server = serve(lambda conn, req: conn.send(response(200, headers=[('Content-Type', 'application/json')],
                                                        body=body)) or True)
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    for s in out.steps:
        if s.status:
            s.expect_error(6, 'InvalidResponse', httpStatus=200, retryable=False, attempts=1)


@pytest.mark.parametrize('body', [b[1] for b in BODIES], ids=[b[0] for b in BODIES])
def test_hostile_error_body(driver, tmp_path, serve, body):
    """The same bodies in a 400 with x-amzn-ErrorType: the error is classified from the header."""
    server = serve(lambda conn, req: conn.send(response(
        400, 'Bad Request', headers=[('Content-Type', 'application/json'), ('x-amzn-ErrorType', 'ValidationException')],
        body=body)) or True)
    out = run(driver, tmp_path, config_for(server), STEPS, RSS_MB)
    for s in out.steps:
        s.expect_error(6, 'ValidationException', httpStatus=400, retryable=False, attempts=1)


@pytest.mark.parametrize('error_type', [b'\xff\xfe', b'A' * 100000, b'Validation\x00Exception', b'#', b':', b'',
                                        b'aws.ivs#' + b'\xc0\xaf' + b':http://x'])
def test_hostile_error_type_header(driver, tmp_path, serve, error_type):
    server = serve(lambda conn, req: conn.send(response(
        400, 'Bad Request', headers=[('Content-Type', 'application/json'), ('x-amzn-ErrorType', error_type)],
        body=b'{"message": "\xff bad"}')) or True)
    out = run(driver, tmp_path, config_for(server), [GET], RSS_MB)
    out.step.expect_error(6, httpStatus=400, retryable=False, attempts=1)
    if b'\x00' in error_type:  # a head that is not HTTP (libcurl refuses it), not the service's error
        assert out.step.code == 'InvalidResponse', out.step.brief()
    assert out.step.code, 'an empty error code'
