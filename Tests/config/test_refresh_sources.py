"""Container (ECS, EKS Pod Identity) and instance-metadata credentials across refreshes, with botocore
(botoref.py) as the reference where the two agree: the authorization token file is read on every fetch,
botocore's rules on the hosts a full URI may name, and instance-metadata static stability."""
import json
import time

import pytest

from cfgutil import PAIRS, REGION, free_port

MANDATORY = 5 * 3600 + 55 * 60  # six-hour instance credentials then have 5 minutes left


def iso(seconds_from_now):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + seconds_from_now))


def creds_of(result):
    out = []
    for step in result['results']:
        for r in step:
            out.append(r['json'] if r['status'] == 0 else {'error': r['json']['error']})
    return out


def test_pod_identity_token_file_is_read_on_every_fetch(home, fake_server):
    seen = []

    def handler(method, path, headers, body):
        seen.append(headers.get('Authorization'))
        akid, secret = PAIRS['container']
        return 200, {}, json.dumps({'AccessKeyId': akid, 'SecretAccessKey': secret, 'Token': f't{len(seen)}',
                                    'Expiration': iso(3600)}).encode()
    srv = fake_server(handler)
    token = home.write('pod-identity-token', 'eks-token-v1')
    env = {'AWS_CONTAINER_CREDENTIALS_FULL_URI': srv.url + '/v1/credentials',
           'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE': token}
    steps = [{'credentials': True}, {'write': [token, 'eks-token-v2']}, {'clock': 51 * 60}, {'credentials': True}]
    mine = creds_of(home.probe({'region': REGION}, steps, env=env))
    assert seen == ['eks-token-v1', 'eks-token-v2']
    home.write('pod-identity-token', 'eks-token-v1')
    ref = home.botocore(REGION, None, steps, env=env)['results']
    assert seen[2:] == ['eks-token-v1', 'eks-token-v2']
    assert [c['sessionToken'] for c in mine] == ['t1', 't2'] and [c['sessionToken'] for c in ref] == ['t3', 't4']
    assert all(c['source'] == 'container-role' for c in mine + ref)


@pytest.mark.parametrize('host, allowed', [
    ('127.0.0.1', True), ('127.9.8.7', True), ('[::1]', True), ('[0:0:0:0:0:0:0:1]', True), ('localhost', True),
    ('169.254.170.23', True), ('example.com', False), ('127.000.0.1', False), ('[fd00:ec2::24]', False),
    ('10.0.0.1', False), ('[::2]', False),
])
def test_container_full_uri_hosts_as_botocore(home, host, allowed):
    # Nothing listens on the port: an allowed host fails to connect, a refused one fails on its host.
    url = f'http://{host}:{free_port()}/creds'
    r = home.probe({'region': REGION, 'connectTimeoutMs': 200}, [{'credentials': True}],
                   env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': url})
    err = r['results'][0][0]['json']['error']
    refused = 'must be https' in err['message']
    ref = home.botocore(REGION, None, [{'credentials': True}], env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': url})
    ref_refused = 'Unsupported host' in ref['results'][0].get('error', '')
    assert refused == ref_refused == (not allowed), (err['message'], ref['results'][0])


def imds_server(fake_server, state):
    """Instance metadata whose credentials expire as state['expires_in'] says; state['down'] answers 500."""
    def handler(method, path, headers, body):
        if state.get('down'):
            return 500, {}, b''
        if path == '/latest/api/token':
            return 200, {}, b'imds-token'
        if path == '/latest/meta-data/iam/security-credentials/':
            return 200, {}, b'role'
        akid, secret = PAIRS['imds']
        return 200, {}, json.dumps({'Code': 'Success', 'AccessKeyId': akid, 'SecretAccessKey': secret,
                                    'Token': 'itoken', 'Expiration': iso(state['expires_in'])}).encode()
    return fake_server(handler)


def imds_env(srv):
    return {'AWS_EC2_METADATA_DISABLED': None, 'AWS_EC2_METADATA_SERVICE_ENDPOINT': srv.url}


def test_stale_instance_credentials_are_extended_as_botocore_does(home, fake_server):
    """The metadata service keeps serving credentials that expired (it cannot reach IAM): both clients use
    them for another 17 to 25 minutes instead of failing."""
    srv = imds_server(fake_server, {'expires_in': -120})
    mine = home.probe({'region': REGION}, [{'credentials': True}], env=imds_env(srv), log_level=2)
    ref = home.botocore(REGION, None, [{'credentials': True}], env=imds_env(srv))['results'][0]
    c = mine['results'][0][0]['json']
    assert c['accessKeyId'] == ref['accessKeyId'] == 'AKIDIMDS'
    for exp in (c['expiration'], ref['expiration']):
        left = time.mktime(time.strptime(exp[:19], '%Y-%m-%dT%H:%M:%S')) - time.timezone - time.time()
        assert 16 * 60 < left < 26 * 60, exp
    assert any('static stability' in line for line in mine['logs'])


def test_instance_credentials_kept_when_the_service_fails(home, fake_server):
    """A refresh in the mandatory window finds the metadata service failing: libivs keeps the credentials
    it has for 17 to 25 minutes more, with a warning (the other SDKs' static stability); botocore raises."""
    state = {'expires_in': 6 * 3600}
    srv = imds_server(fake_server, state)
    down = {'post': [srv.url + '/x', {}]}  # any request to the fake; state flips below through the handler
    steps = [{'credentials': True}, {'clock': MANDATORY}, {'credentials': True}]
    original = srv.handler

    def handler(method, path, headers, body):
        if path == '/x':
            state['down'] = True
            return 200, {}, b'{}'
        return original(method, path, headers, body)
    srv.handler = handler
    steps.insert(1, down)
    mine = home.probe({'region': REGION}, steps, env=imds_env(srv), log_level=2)
    first, kept = mine['results'][0][0]['json'], mine['results'][1][0]
    assert kept['status'] == 0 and kept['json']['accessKeyId'] == first['accessKeyId']
    assert any('did not answer with credentials' in line and 'static stability' in line for line in mine['logs'])
    state['down'] = False
    ref = home.botocore(REGION, None, steps, env=imds_env(srv))['results']
    assert 'accessKeyId' in ref[0] and 'error' in ref[1]
