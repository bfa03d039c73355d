"""ivs-local's framework: start-up, SigV4, routing, validation, error shapes, pagination tokens,
faults, the request log, isolation and concurrency. Service behaviour is in test_ivs.py and friends."""
import datetime
import http.client
import json
import threading
import time
import urllib.parse
import urllib.request

import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError, ConnectionClosedError

from conftest import ACCOUNT, REGION, start_ivs_local

CHANNEL = f'arn:aws:ivs:{REGION}:{ACCOUNT}:channel/doesNotExist1'


@pytest.fixture
def ivs(make_client, fresh):
    return make_client('ivs')


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response


def signed_request(url, method, path, body=b'', service='ivs', region=REGION, key='test', secret='test',
                   headers=None, tamper=None):
    """Send a request signed by botocore's SigV4Auth; (status, headers, parsed body)."""
    req = AWSRequest(method=method, url=url + path, data=body,
                     headers={'Content-Type': 'application/json', **(headers or {})})
    SigV4Auth(Credentials(key, secret), service, region).add_auth(req)
    prepared = req.prepare()
    data = prepared.body if tamper is None else tamper
    parts = urllib.parse.urlsplit(prepared.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, prepared.url[len(url):], body=data, headers=dict(prepared.headers))
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, dict(resp.getheaders()), (json.loads(raw) if raw else None)
    finally:
        conn.close()


# -- start-up and the control API -----------------------------------------------------------------

def test_starts_in_well_under_a_second_and_prints_its_url_first():
    began = time.monotonic()
    proc, url = start_ivs_local('--host', '127.0.0.1')
    try:
        elapsed = time.monotonic() - began
        assert url.startswith('http://127.0.0.1:') and int(url.rsplit(':', 1)[1]) > 0
        assert elapsed < 1.0, elapsed
        with urllib.request.urlopen(url + '/_local/health', timeout=5) as resp:
            assert json.loads(resp.read())['status'] == 'ok'
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_health_lists_every_service(control):
    health = control.get('health')
    assert set(health['services']) == {'ivs', 'ivs-realtime', 'ivschat'}
    assert health['services'] == {'ivs': 46, 'ivs-realtime': 40, 'ivschat': 17}


def test_unknown_control_route_is_404(control):
    assert control.call('GET', 'no-such-route')[0] == 404


def test_keep_alive_serves_several_requests_on_one_connection(ivs_local_url):
    parts = urllib.parse.urlsplit(ivs_local_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        for _ in range(3):
            conn.request('GET', '/_local/health')
            resp = conn.getresponse()
            assert resp.status == 200 and json.loads(resp.read())['status'] == 'ok'
            assert resp.getheader('Content-Length')
        conn.request('GET', '/_local/health', headers={'Connection': 'close'})
        resp = conn.getresponse()
        resp.read()
        assert resp.getheader('Connection') == 'close'
    finally:
        conn.close()


# -- SigV4 ----------------------------------------------------------------------------------------

def test_valid_signature_is_accepted_and_logged(ivs, control):
    ivs.list_channels()
    [entry] = control.requests()
    assert entry['signatureValid'] is True
    assert entry['service'] == 'ivs' and entry['operation'] == 'ListChannels' and entry['status'] == 200
    assert entry['headers']['Authorization'].startswith('AWS4-HMAC-SHA256 Credential=test/')


def test_unknown_access_key_is_unrecognized_client(make_client, fresh):
    err = error_of(lambda: make_client('ivs', access_key='nobody', secret_key='x').list_channels())
    assert err['Error']['Code'] == 'UnrecognizedClientException'
    assert err['ResponseMetadata']['HTTPStatusCode'] == 403


def test_wrong_secret_is_invalid_signature(make_client, fresh, control):
    err = error_of(lambda: make_client('ivs', secret_key='wrong').list_channels())
    assert err['Error']['Code'] == 'InvalidSignatureException'
    assert err['ResponseMetadata']['HTTPStatusCode'] == 403
    assert control.requests()[0]['signatureValid'] is False


@pytest.mark.parametrize('minutes', [-6, 6])
def test_request_dated_more_than_five_minutes_off_is_rejected(make_client, fresh, monkeypatch, minutes):
    real = botocore.auth.get_current_datetime
    monkeypatch.setattr(botocore.auth, 'get_current_datetime',
                        lambda: real() + datetime.timedelta(minutes=minutes))
    err = error_of(lambda: make_client('ivs').list_channels())
    assert err['Error']['Code'] == 'InvalidSignatureException'
    assert 'Signature expired' in err['Error']['Message'] or 'not yet current' in err['Error']['Message']


def test_request_dated_four_minutes_off_is_accepted(make_client, fresh, monkeypatch):
    real = botocore.auth.get_current_datetime
    monkeypatch.setattr(botocore.auth, 'get_current_datetime', lambda: real() - datetime.timedelta(minutes=4))
    assert make_client('ivs').list_channels()['channels'] == []


def test_wrong_signing_name_is_rejected(ivs_local_url, fresh):
    status, headers, body = signed_request(ivs_local_url, 'POST', '/ListChannels', b'{}', service='ivschat')
    assert status == 403 and headers['x-amzn-ErrorType'] == 'InvalidSignatureException'
    assert "'ivs'" in body['message']


def test_realtime_signs_as_ivs(make_client, fresh):
    client = make_client('ivs-realtime')
    assert client.meta.service_model.signing_name == 'ivs'
    assert 'stages' in client.list_stages()


def test_body_changed_after_signing_is_rejected(ivs_local_url, fresh):
    status, headers, _ = signed_request(ivs_local_url, 'POST', '/ListChannels', b'{"maxResults": 1}',
                                        tamper=b'{"maxResults": 2}')
    assert status == 403 and headers['x-amzn-ErrorType'] == 'InvalidSignatureException'


def test_missing_authorization_is_rejected(ivs_local_url, fresh):
    req = urllib.request.Request(ivs_local_url + '/ListChannels', data=b'{}', method='POST')
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 403
    assert info.value.headers['x-amzn-ErrorType'] == 'MissingAuthenticationTokenException'


def test_extra_credentials_and_their_account(make_client, fresh):
    other = make_client('ivs', access_key='other', secret_key='othersecret')
    arn = other.create_channel(name='x')['channel']['arn']
    assert ':210987654321:' in arn


# -- isolation and routing ------------------------------------------------------------------------

def test_state_is_per_account_and_region(make_client, fresh):
    make_client('ivs').create_channel(name='mine')
    assert len(make_client('ivs').list_channels()['channels']) == 1
    assert make_client('ivs', region='eu-west-1').list_channels()['channels'] == []
    assert make_client('ivs', access_key='other', secret_key='othersecret').list_channels()['channels'] == []


def test_tag_paths_carry_a_percent_encoded_arn(ivs, control):
    arn = ivs.create_channel(name='t')['channel']['arn']
    ivs.untag_resource(resourceArn=arn, tagKeys=['a b', 'c/d'])
    entry = [e for e in control.requests() if e['operation'] == 'UntagResource'][0]
    assert entry['method'] == 'DELETE'
    assert entry['rawPath'] == '/tags/' + urllib.parse.quote(arn, safe='')
    assert '%3A' in entry['rawPath'] and '%2F' in entry['rawPath']
    assert entry['path'] == '/tags/' + arn
    assert entry['query'] == {'tagKeys': ['a b', 'c/d']}


def test_tag_paths_route_realtime_arns_to_realtime(ivs_local_url, fresh, control):
    stage = f'arn:aws:ivs:{REGION}:{ACCOUNT}:stage/abcdABCD1234'
    status, _, _ = signed_request(ivs_local_url, 'GET', '/tags/' + urllib.parse.quote(stage, safe=''))
    assert status == 404
    assert control.requests()[0]['service'] == 'ivs-realtime'


def test_tag_paths_route_by_host_prefix(ivs_local_url, fresh, control):
    port = urllib.parse.urlsplit(ivs_local_url).port
    channel = urllib.parse.quote(CHANNEL, safe='')
    signed_request(ivs_local_url, 'GET', '/tags/' + channel, headers={'Host': f'ivsrealtime.{REGION}.amazonaws.com:{port}'})
    signed_request(ivs_local_url, 'GET', '/tags/' + channel, headers={'Host': f'ivs.{REGION}.amazonaws.com:{port}'})
    assert [e['service'] for e in control.requests()] == ['ivs-realtime', 'ivs']


def test_chat_tag_paths_route_by_signing_name(make_client, fresh, control):
    room = f'arn:aws:ivschat:{REGION}:{ACCOUNT}:room/abcdABCD1234'
    err = error_of(lambda: make_client('ivschat').list_tags_for_resource(resourceArn=room))
    assert err['Error']['Code'] == 'ResourceNotFoundException'
    assert control.requests()[0]['service'] == 'ivschat'


def test_unknown_operation_is_404(ivs_local_url, fresh):
    status, headers, _ = signed_request(ivs_local_url, 'POST', '/NoSuchOperation', b'{}')
    assert status == 404 and headers['x-amzn-ErrorType'] == 'UnknownOperationException'


# -- validation and error shapes ------------------------------------------------------------------

@pytest.fixture
def unchecked_ivs(make_client, fresh):
    """A client that sends what it is given, so the server's validation is what is tested."""
    return make_client('ivs', config=Config(parameter_validation=False, retries={'total_max_attempts': 1}))


@pytest.mark.parametrize('call, path, constraint', [
    (lambda c: c.create_stream_key(), 'channelArn', 'must not be null'),
    (lambda c: c.create_channel(name='x' * 129), 'name', 'length less than or equal to 128'),
    (lambda c: c.create_channel(latencyMode='FAST'), 'latencyMode', 'enum value set'),
    (lambda c: c.create_channel(name='bad name!'), 'name', 'regular expression'),
    (lambda c: c.list_channels(maxResults=0), 'maxResults', 'greater than or equal to 1'),
    (lambda c: c.list_channels(maxResults=101), 'maxResults', 'less than or equal to 100'),
    (lambda c: c.create_channel(authorized='yes'), 'authorized', 'boolean'),
    (lambda c: c.batch_get_channel(arns=[]), 'arns', 'length greater than or equal to 1'),
    (lambda c: c.create_channel(tags={'k': 'v' * 257}), 'tags.k', 'less than or equal to 256'),
])
def test_input_is_validated_against_the_model(unchecked_ivs, call, path, constraint):
    err = error_of(lambda: call(unchecked_ivs))
    assert err['Error']['Code'] == 'ValidationException'
    assert err['ResponseMetadata']['HTTPStatusCode'] == 400
    assert f"at '{path}'" in err['Error']['Message'] and constraint in err['Error']['Message']


def test_every_problem_is_reported(unchecked_ivs):
    err = error_of(lambda: unchecked_ivs.create_channel(name='x' * 129, latencyMode='FAST'))
    assert err['Error']['Message'].startswith('2 validation errors detected')


def test_error_response_shape(ivs):
    err = error_of(lambda: ivs.get_channel(arn=CHANNEL))
    headers = err['ResponseMetadata']['HTTPHeaders']
    assert err['ResponseMetadata']['HTTPStatusCode'] == 404
    assert headers['x-amzn-errortype'] == 'ResourceNotFoundException'
    assert headers['x-amzn-requestid'] == err['ResponseMetadata']['RequestId']
    assert CHANNEL in err['exceptionMessage']


def test_chat_validation_error_carries_reason_and_field_list(make_client, fresh):
    chat = make_client('ivschat', config=Config(parameter_validation=False, retries={'total_max_attempts': 1}))
    err = error_of(lambda: chat.create_room(maximumMessageLength=0))
    assert err['Error']['Code'] == 'ValidationException'
    assert err['reason'] == 'FIELD_VALIDATION_FAILED'
    assert err['fieldList'][0]['name'] == 'maximumMessageLength'


def test_malformed_json_body_is_a_validation_error(ivs_local_url, fresh):
    status, headers, _ = signed_request(ivs_local_url, 'POST', '/CreateChannel', b'{not json')
    assert status == 400 and headers['x-amzn-ErrorType'] == 'ValidationException'


# -- pagination tokens ----------------------------------------------------------------------------

def test_forged_and_foreign_next_tokens_are_rejected(ivs):
    for i in range(3):
        ivs.create_channel(name=f'c{i}')
    token = ivs.list_channels(maxResults=1)['nextToken']
    assert len(ivs.list_channels(maxResults=1, nextToken=token)['channels']) == 1
    forged = token[:-2] + ('AA' if not token.endswith('AA') else 'BB')
    for bad in (forged, 'bm90LWEtdG9rZW4', token + 'x'):
        err = error_of(lambda: ivs.list_channels(nextToken=bad))
        assert err['Error']['Code'] == 'ValidationException'
    err = error_of(lambda: ivs.list_playback_key_pairs(nextToken=token))
    assert err['Error']['Code'] == 'ValidationException'


# -- faults ---------------------------------------------------------------------------------------

def test_error_fault_for_the_next_n_matching_requests(make_client, fresh, control):
    control.post('faults', {'service': 'ivs', 'operation': 'ListChannels', 'count': 2, 'action': 'error',
                            'status': 503, 'code': 'ServiceUnavailable', 'retryAfter': '1'})
    assert [f['remaining'] for f in control.get('faults')['faults']] == [2]
    client = make_client('ivs', attempts=3)
    response = client.list_channels()
    assert response['ResponseMetadata']['RetryAttempts'] == 2
    log = control.requests(operation='ListChannels')
    assert [e['status'] for e in log] == [503, 503, 200]
    assert control.get('faults')['faults'] == []


def test_error_fault_reaches_the_caller_when_retries_run_out(make_client, fresh, control):
    control.post('faults', {'operation': 'ListChannels', 'count': 5, 'status': 429, 'code': 'ThrottlingException',
                            'message': 'Rate exceeded'})
    err = error_of(lambda: make_client('ivs', attempts=2).list_channels())
    assert err['Error']['Code'] == 'ThrottlingException' and err['Error']['Message'] == 'Rate exceeded'
    assert err['ResponseMetadata']['HTTPStatusCode'] == 429
    assert len(control.requests()) == 2
    assert control.get('faults')['faults'][0]['remaining'] == 3


def test_fault_matches_only_its_operation(make_client, fresh, control):
    control.post('faults', {'operation': 'GetChannel', 'count': 1, 'status': 500, 'code': 'InternalServerException'})
    client = make_client('ivs')
    assert client.list_channels()['channels'] == []
    assert error_of(lambda: client.get_channel(arn=CHANNEL))['Error']['Code'] == 'InternalServerException'
    assert error_of(lambda: client.get_channel(arn=CHANNEL))['Error']['Code'] == 'ResourceNotFoundException'


def test_drop_fault_closes_the_connection(make_client, fresh, control):
    control.post('faults', {'operation': 'ListChannels', 'count': 1, 'action': 'drop'})
    with pytest.raises(ConnectionClosedError):
        make_client('ivs').list_channels()
    control.post('faults', {'operation': 'ListChannels', 'count': 1, 'action': 'drop'})
    assert make_client('ivs', attempts=2).list_channels()['ResponseMetadata']['RetryAttempts'] == 1
    assert [e.get('fault') for e in control.requests()] == ['drop', 'drop', None]


def test_delay_fault_delays_then_serves(make_client, fresh, control):
    control.post('faults', {'operation': 'ListChannels', 'count': 1, 'action': 'delay', 'delayMs': 400})
    client = make_client('ivs')
    began = time.monotonic()
    assert client.list_channels()['channels'] == []
    assert time.monotonic() - began >= 0.4
    began = time.monotonic()
    client.list_channels()
    assert time.monotonic() - began < 0.4


def test_request_held_over_a_reset_is_not_logged_after_it(make_client, fresh, control):
    """A reset forgets logged requests, including one a delay fault still holds: otherwise it lands
    in the next test's log when it is answered."""
    control.post('faults', {'operation': 'ListChannels', 'count': 1, 'action': 'delay', 'delayMs': 600})
    held = threading.Thread(target=make_client('ivs').list_channels)
    held.start()
    deadline = time.monotonic() + 5
    while not control.get('faults')['faults'] == [] and time.monotonic() < deadline:
        time.sleep(0.02)  # the fault is taken when the request arrives
    control.reset()
    held.join(10)
    make_client('ivs').list_channels()
    assert [e['operation'] for e in control.requests()] == ['ListChannels']
    assert all(e.get('fault') is None for e in control.requests())


def test_faults_can_be_listed_and_cleared(control, fresh):
    control.post('faults', {'count': 3, 'action': 'delay', 'delayMs': 1})
    assert len(control.get('faults')['faults']) == 1
    control.delete('faults')
    assert control.get('faults')['faults'] == []
    assert control.call('POST', 'faults', {'action': 'explode'})[0] == 400
    assert control.call('POST', 'faults', {'count': 0})[0] == 400


def test_request_log_keeps_what_was_sent_and_can_be_cleared(ivs, control):
    ivs.create_channel(name='logged', latencyMode='NORMAL')
    [entry] = control.requests()
    assert entry['method'] == 'POST' and entry['rawPath'] == '/CreateChannel'
    assert json.loads(entry['body']) == {'name': 'logged', 'latencyMode': 'NORMAL'}
    assert entry['headers']['Content-Type'].startswith('application/')
    control.delete('requests')
    assert control.requests() == []


def test_reset_forgets_resources(ivs, control):
    ivs.create_channel(name='gone')
    control.reset()
    assert ivs.list_channels()['channels'] == []


# -- concurrency ----------------------------------------------------------------------------------

def test_concurrent_clients(make_client, fresh):
    errors, arns = [], []

    def work(i):
        try:
            client = make_client('ivs')
            arns.append(client.create_channel(name=f'c{i}')['channel']['arn'])
            client.list_channels()
        except Exception as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(set(arns)) == 12
    listed = make_client('ivs').get_paginator('list_channels').paginate().build_full_result()['channels']
    assert {c['arn'] for c in listed} == set(arns)
