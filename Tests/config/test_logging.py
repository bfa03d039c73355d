"""Secrets never reach logs or error JSON: credentials and every model member marked sensitive are
planted in calls that succeed, fail, retry and fail validation, at the trace level (which also logs
the redacted input and canonical request); no log line and no error JSON may contain any of them."""
import json

from cfgutil import PAIRS, REGION

AKID, SECRET = PAIRS['planted']
TOKEN = 'PLANTED-SESSION-TOKEN-55aa'
SENSITIVE = ['PLANTED-USERID-77', 'PLANTED-ATTR-88', 'PLANTED-METADATA-66']
SECRETS = [SECRET, TOKEN] + SENSITIVE
ROOM = 'arn:aws:ivschat:us-west-2:123456789012:room/abcdEFGH1234'
CHANNEL = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234'


def test_no_secret_in_logs_or_errors(local, home):
    home.write('.aws/config', '[default]\n')
    local.fault(service='ivschat', operation='CreateChatToken', count=1, status=503, retryAfter='0')
    config = {'region': REGION, 'endpointUrl': local.url, 'validation': 'strict',
              'credentials': {'accessKeyId': AKID, 'secretAccessKey': SECRET, 'sessionToken': TOKEN}}
    calls = [
        ['ivschat', 'CreateRoom', {'name': 'r1'}],
        ['ivschat', 'CreateChatToken', {'roomIdentifier': ROOM, 'userId': SENSITIVE[0],
                                        'attributes': {'k': SENSITIVE[1]}, 'capabilities': ['SEND_MESSAGE']}],
        ['ivs', 'PutMetadata', {'channelArn': CHANNEL, 'metadata': SENSITIVE[2]}],
        ['ivschat', 'CreateChatToken', {'roomIdentifier': ROOM, 'userId': SENSITIVE[0] * 10}],   # too long
        ['ivschat', 'CreateChatToken', {'roomIdentifier': ROOM, 'userId': SENSITIVE[0], 'attributes': SENSITIVE[1]}],
    ]
    r = home.probe(config, [{'calls': calls}], log_level=5)
    results = r['results'][0]
    # The calls really ran: a retry, service errors and validation errors were logged and returned.
    assert results[0]['status'] == 0
    assert {c['status'] for c in results[1:]} <= {2, 6} and results[3]['status'] == 2 and results[4]['status'] == 2
    logs = r['logs']
    assert any('retrying in 0 ms' in line for line in logs)
    assert any('canonical request' in line for line in logs)
    assert any('"userId": "***"' in line or '"userId":"***"' in line for line in logs)
    assert any('x-amz-security-token:***' in line for line in logs)
    errors = [json.dumps(c['json']) for c in results if c['status'] != 0]
    assert len(errors) == 4
    for secret in SECRETS:
        for line in logs:
            assert secret not in line, (secret, line)
        for e in errors:
            assert secret not in e, (secret, e)


def test_no_secret_in_credential_errors(local, home):
    """A partial key pair in the environment names the problem, not the value."""
    r = home.probe({'region': REGION, 'endpointUrl': local.url}, [{'calls': [['ivs', 'ListChannels', {}]]}],
                   env={'AWS_SECRET_ACCESS_KEY': SECRET}, log_level=5)
    e = json.dumps(r['results'][0][0]['json'])
    assert 'PartialCredentialsError' in e and SECRET not in e
    assert all(SECRET not in line for line in r['logs'])
