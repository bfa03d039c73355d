"""Retry-After and x-amz-retry-after with hostile values (issue 10, contract 2): no crash, an unusable
value counts as absent (so the wait is the ordinary backoff, under 1 s for the first retry), and every
attempt is one request on the wire."""
import pytest

from hostile_driver import config_for, run
from hostile_server import response

RSS_MB = 60
# The first retry's backoff is rand * 1 s; anything near the 20 s cap means the hostile value was used.
QUICK_MS = 5000

VALUES = [
    ('Retry-After', 'Sun, 06 Nov 1994 9223372036854775807:00:00 GMT'),
    ('Retry-After', 'Sun, 06 Nov 1994 08:9223372036854775807:00 GMT'),
    ('Retry-After', 'Sun, 06 Nov 99999999999999 08:49:37 GMT'),
    ('Retry-After', 'Sun, 06 Nov -9223372036854775808 08:49:37 GMT'),
    ('Retry-After', 'Sun, 9223372036854775807 Nov 1994 08:49:37 GMT'),
    ('Retry-After', 'Sun, 06 Nov 10000 08:49:37 GMT'),
    ('Retry-After', '1e999'),
    ('Retry-After', '-5'),
    ('Retry-After', 'nan'),
    ('Retry-After', 'inf'),
    ('Retry-After', '-inf'),
    ('Retry-After', 'garbage'),
    ('Retry-After', ''),
    ('Retry-After', b'\xff\xfe'),
    ('x-amz-retry-after', '1e999'),
    ('x-amz-retry-after', '-1'),
    ('x-amz-retry-after', 'nan'),
    ('x-amz-retry-after', 'inf'),
    ('x-amz-retry-after', '0x7fffffffffffffff'),
]


@pytest.mark.parametrize('name,value', VALUES, ids=[f'{n}={v!r}' for n, v in VALUES])
def test_hostile_retry_after(driver, tmp_path, serve, name, value):
    server = serve(lambda conn, req: conn.send(response(503, 'Service Unavailable', headers=[(name, value)],
                                                        body=b'{"message": "busy"}')))
    out = run(driver, tmp_path, config_for(server, maxAttempts=2),
              [('call', 'ivs', 'ListChannels', {})], RSS_MB, timeout=60)
    out.step.expect_error(6, 'ServiceUnavailable', httpStatus=503, attempts=2, retryable=True)
    assert server.count == 2
    assert out.step.ms < QUICK_MS, f'the retry waited {out.step.ms:.0f} ms: the hostile {name} was used'


def test_usable_retry_after_is_honoured(driver, tmp_path, serve):
    """The control case: Retry-After 2 makes the client wait about 2 s."""
    server = serve(lambda conn, req: conn.send(response(503, 'Service Unavailable', headers=[('Retry-After', '2')],
                                                        body=b'{}')))
    out = run(driver, tmp_path, config_for(server, maxAttempts=2), [('call', 'ivs', 'ListChannels', {})], RSS_MB)
    out.step.expect_error(6, 'ServiceUnavailable', attempts=2)
    assert 1900 <= out.step.ms < QUICK_MS
