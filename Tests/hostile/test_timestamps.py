"""Timestamps in a 2xx response that no calendar can hold (issue 10, contract 1): a timestamp member of
the output is a valid ISO 8601 UTC string for a year 0001..9999, or the call fails with IVS_E_SERVICE
InvalidResponse (httpStatus = the response's, not retryable). ivs_call and ivs_paginate alike."""
import json

import pytest

from hostile_driver import CHANNEL, ROOM, config_for, expect_timestamp_contract, run
from hostile_server import response

# Peak RSS bound for these small answers: the driver's baseline (~20 MB) and room to spare.
RSS_MB = 60

HOSTILE = [
    '1e300', '-1e300', '9223372036854775807', '67768036191676800', '-9223372036854775808',
    '18446744073709551616', '253402300800', '-62135596801', '1e-400',
    '"2024-13-45T99:99:99Z"', '"Sun, 06 Nov 99999999999 08:49:37 GMT"',
    '"Sun, 06 Nov 1994 9223372036854775807:00:00 GMT"', '"Sun, 06 Nov 1994 08:49:37 GMT extra"',
    '"0000-01-01T00:00:00Z"', '"99999-01-01T00:00:00Z"', '"2024-01-01T00:00:00+99:99"', '""',
    'true', '{}', '[]', '"1e300"',
]


def answer(body_text, status=200):
    def handler(conn, req):
        conn.send(response(status, headers=[('Content-Type', 'application/json'), ('x-amzn-RequestId', 'req-1')],
                           body=body_text.encode()))
        return True
    return handler


def get_stream_body(start):
    return ('{"stream": {"channelArn": "%s", "health": "HEALTHY", "playbackUrl": "https://p.example/x.m3u8", '
            '"startTime": %s, "state": "LIVE", "streamId": "st-1", "viewerCount": 3}}' % (CHANNEL, start))


@pytest.mark.parametrize('op', ['call', 'paginate'])
def test_valid_timestamps_are_converted(driver, tmp_path, serve, op):
    """The control case: epoch seconds and a 9999 date come back as ISO 8601."""
    for value, want in [('1700000000', '2023-11-14T22:13:20Z'), ('"9999-12-31T23:59:59Z"', '9999-12-31T23:59:59Z'),
                        ('"Tue, 14 Nov 2023 22:13:20 GMT"', '2023-11-14T22:13:20Z')]:
        server = serve(answer(get_stream_body(value)))
        out = run(driver, tmp_path, config_for(server), [(op, 'ivs', 'GetStream', {'channelArn': CHANNEL})], RSS_MB)
        assert out.step.expect_ok()['stream']['startTime'] == want


@pytest.mark.parametrize('op', ['call', 'paginate'])
@pytest.mark.parametrize('value', HOSTILE)
def test_get_stream_start_time(driver, tmp_path, serve, op, value):
    server = serve(answer(get_stream_body(value)))
    out = run(driver, tmp_path, config_for(server), [(op, 'ivs', 'GetStream', {'channelArn': CHANNEL})], RSS_MB)
    expect_timestamp_contract(out.step, lambda o: o['stream']['startTime'])
    assert server.count == 1


@pytest.mark.parametrize('op', ['call', 'paginate'])
@pytest.mark.parametrize('member', ['tokenExpirationTime', 'sessionExpirationTime'])
@pytest.mark.parametrize('value', ['1e300', '9223372036854775807', '"2024-13-45T99:99:99Z"', 'true', '{}'])
def test_create_chat_token_expiration(driver, tmp_path, serve, op, member, value):
    body = {'token': 'chat-token-value', 'tokenExpirationTime': '2030-01-01T00:00:00Z',
            'sessionExpirationTime': '2030-01-01T00:00:00Z'}
    text = json.dumps(body).replace('"%s": "2030-01-01T00:00:00Z"' % member, '"%s": %s' % (member, value))
    server = serve(answer(text))
    out = run(driver, tmp_path, config_for(server), [(op, 'ivschat', 'CreateChatToken', {'roomIdentifier': ROOM, 'userId': 'u1'})],
              RSS_MB)
    expect_timestamp_contract(out.step, lambda o: o[member])


@pytest.mark.parametrize('value', ['1e300', '-1e300', '67768036191676800', '"2024-13-45T99:99:99Z"',
                                   '"Sun, 06 Nov 1994 9223372036854775807:00:00 GMT"', 'true', '{}'])
def test_list_stream_sessions_paginated_item(driver, tmp_path, serve, value):
    """The bad timestamp sits in an item of the second page of ivs_paginate."""
    def handler(conn, req):
        token = json.loads(req.body or b'{}').get('nextToken')
        if token is None:
            body = ('{"streamSessions": [{"streamId": "s1", "startTime": "2024-01-01T00:00:00Z", '
                    '"hasErrorEvent": false}], "nextToken": "page2"}')
        else:
            body = ('{"streamSessions": [{"streamId": "s2", "startTime": %s, "endTime": "2024-01-02T00:00:00Z", '
                    '"hasErrorEvent": false}]}' % value)
        conn.send(response(200, headers=[('Content-Type', 'application/json')], body=body.encode()))
        return True
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server),
              [('paginate', 'ivs', 'ListStreamSessions', {'channelArn': CHANNEL})], RSS_MB)
    expect_timestamp_contract(out.step, lambda o: o['streamSessions'][1]['startTime'])
    assert server.count == 2
