"""Each credential source, and the order between them, through the C ABI with a temporary HOME and
environment. ivs-local accepts one key pair per source (cfgutil.PAIRS), so the access key of the
request it received names the source libivs used, and its signature check proves the secret."""
import json
import os
import stat
import time

import pytest

from cfgutil import LIST, PAIRS, REGION, free_port, service_config


def iso(seconds_from_now):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + seconds_from_now))


def keys(name):
    akid, secret = PAIRS[name]
    return {'AWS_ACCESS_KEY_ID': akid, 'AWS_SECRET_ACCESS_KEY': secret}


def profile_keys(name):
    akid, secret = PAIRS[name]
    return f'aws_access_key_id = {akid}\naws_secret_access_key = {secret}\n'


def used(local, result):
    """The access key of the one request a single-call probe sent (asserting the call succeeded)."""
    call = result['results'][0][0]
    assert call['status'] == 0, call
    return local.access_keys()[-1]


def error(result):
    if result['new']['status'] != 0:
        return result['new']['status'], result['new']['error']['error']
    call = result['results'][0][0]
    return call['status'], call['json']['error']


def test_config_credentials_beat_environment(local, home):
    akid, secret = PAIRS['config']
    r = home.probe(service_config(local, credentials={'accessKeyId': akid, 'secretAccessKey': secret}),
                   [{'calls': [LIST]}], env=keys('env'))
    assert used(local, r) == 'AKIDCONFIG'


def test_environment_beats_shared_files(local, home):
    home.credentials('[default]\n' + profile_keys('credfile'))
    r = home.probe(service_config(local), [{'calls': [LIST]}], env=keys('env'))
    assert used(local, r) == 'AKIDENV'


def test_credentials_file_beats_process_beats_config_file(local, home):
    script = home.write('bin/creds.sh', '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "AKIDPROCESS", '
                        '"SecretAccessKey": "processsecret"}\'\n', mode=0o700)
    home.config(f'[default]\ncredential_process = {script}\n' + profile_keys('cfgfile'))
    home.credentials('[default]\n' + profile_keys('credfile'))
    assert used(local, home.probe(service_config(local), [{'calls': [LIST]}])) == 'AKIDCREDFILE'
    os.remove(os.path.join(home.path, '.aws/credentials'))
    assert used(local, home.probe(service_config(local), [{'calls': [LIST]}])) == 'AKIDPROCESS'
    home.config('[default]\n' + profile_keys('cfgfile'))
    assert used(local, home.probe(service_config(local), [{'calls': [LIST]}])) == 'AKIDCFGFILE'


def test_profile_from_aws_profile_and_from_config(local, home):
    home.credentials('[default]\n' + profile_keys('credfile') + '\n[other]\n' + profile_keys('sso'))
    home.config('[profile cfg]\n' + profile_keys('cfgfile'))
    assert used(local, home.probe(service_config(local), [{'calls': [LIST]}], env={'AWS_PROFILE': 'other'})) == 'AKIDSSO'
    # AWS_PROFILE does not outrank the environment's keys...
    r = home.probe(service_config(local), [{'calls': [LIST]}], env={'AWS_PROFILE': 'other', **keys('env')})
    assert used(local, r) == 'AKIDENV'
    # ...but a profile named in the client config does (botocore: an explicit profile skips the env provider).
    r = home.probe(service_config(local, profile='cfg'), [{'calls': [LIST]}], env=keys('env'))
    assert used(local, r) == 'AKIDCFGFILE'


def test_shared_file_locations_from_environment(local, home):
    creds = home.write('elsewhere/creds.ini', '[default]\n' + profile_keys('credfile'))
    cfg = home.write('elsewhere/config.ini', '[default]\nregion = us-west-2\n')
    r = home.probe({'endpointUrl': local.url, 'maxAttempts': 1}, [{'calls': [LIST]}],
                   env={'AWS_SHARED_CREDENTIALS_FILE': creds, 'AWS_CONFIG_FILE': cfg})
    assert used(local, r) == 'AKIDCREDFILE'


def test_missing_named_profile_is_a_config_error(local, home):
    home.credentials('[default]\n' + profile_keys('credfile'))
    r = home.probe(service_config(local, profile='nope'))
    assert r['new']['status'] == 3
    assert 'nope' in r['new']['error']['error']['message']


def test_no_credentials_names_the_sources(local, home):
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}]))
    assert status == 4 and e['kind'] == 'credentials'
    for name in ('environment', 'shared-credentials-file', 'custom-process', 'container-role', 'iam-role'):
        assert name in e['message']


# --- credential_process ---------------------------------------------------------------------------

def process_profile(home, body):
    script = home.write('bin/creds.sh', '#!/bin/sh\n' + body, mode=0o700)
    home.config(f'[default]\ncredential_process = "{script}" --flag "two words"\n')


def test_process_success_with_expiration(local, home):
    process_profile(home, '[ "$1 $2" = "--flag two words" ] || exit 7\n'
                    f'echo \'{{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "processsecret", '
                    f'"SessionToken": "tok", "Expiration": "{iso(3600)}"}}\'\n')
    r = home.probe(service_config(local), [{'calls': [LIST]}])
    assert used(local, r) == 'AKIDPROCESS'
    assert local.requests()[-1]['headers'].get('X-Amz-Security-Token') == 'tok'


def test_process_bad_json_reports_stderr(local, home):
    process_profile(home, 'echo "this is not json"\necho "helper says: config broken" >&2\n')
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}]))
    assert status == 4 and 'JSON' in e['message'] and 'helper says: config broken' in e['message']


def test_process_nonzero_exit_reports_stderr(local, home):
    process_profile(home, 'echo "login required for sso-thing" >&2\nexit 3\n')
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}]))
    assert status == 4 and 'status 3' in e['message'] and 'login required for sso-thing' in e['message']


def test_process_expired_credentials(local, home):
    process_profile(home, f'echo \'{{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "processsecret", '
                    f'"Expiration": "{iso(-60)}"}}\'\n')
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}]))
    assert status == 4 and 'expired' in e['message']


def test_process_wrong_version(local, home):
    process_profile(home, 'echo \'{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "B"}\'\n')
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}]))
    assert status == 4 and 'Version 2' in e['message']


# --- SSO ------------------------------------------------------------------------------------------

def sso_portal(fake_server, expiration_ms=None):
    def handler(method, path, headers, body):
        akid, secret = PAIRS['sso']
        exp = expiration_ms or int((time.time() + 3600) * 1000)
        if headers.get('x-amz-sso_bearer_token') != 'cached-sso-token':
            return 401, {}, b'{"message": "Session token not found or invalid"}'
        return 200, {'Content-Type': 'application/json'}, json.dumps({'roleCredentials': {
            'accessKeyId': akid, 'secretAccessKey': secret, 'sessionToken': 'sso-session-token',
            'expiration': exp}}).encode()
    return fake_server(handler)


def test_sso_session_profile(local, home, fake_server):
    portal = sso_portal(fake_server)
    home.config('[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\n'
                '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n'
                'sso_registration_scopes = sso:account:access\n')
    home.sso_token('corp', 'cached-sso-token', iso(3600))
    r = home.probe(service_config(local), [{'calls': [LIST]}], env={'AWS_ENDPOINT_URL_SSO': portal.url})
    assert used(local, r) == 'AKIDSSO'
    req = portal.requests[0]
    assert req['method'] == 'GET'
    assert req['path'] == '/federation/credentials?role_name=Dev&account_id=111122223333'


def test_legacy_sso_profile(local, home, fake_server):
    portal = sso_portal(fake_server)
    home.config('[profile dev]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n'
                'sso_account_id = 111122223333\nsso_role_name = Dev\n')
    home.sso_token('https://corp.awsapps.com/start', 'cached-sso-token', iso(3600))
    r = home.probe(service_config(local), [{'calls': [LIST]}],
                   env={'AWS_ENDPOINT_URL_SSO': portal.url, 'AWS_PROFILE': 'dev'})
    assert used(local, r) == 'AKIDSSO'


def test_sso_expired_token_says_to_log_in(local, home, fake_server):
    portal = sso_portal(fake_server)
    home.config('[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n\n'
                '[sso-session corp]\nsso_start_url = https://x/start\nsso_region = us-east-1\n')
    home.sso_token('corp', 'cached-sso-token', iso(-10))
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}], env={'AWS_ENDPOINT_URL_SSO': portal.url}))
    assert status == 4 and 'aws sso login' in e['message'] and portal.requests == []


def test_sso_missing_settings(local, home):
    home.config('[default]\nsso_session = corp\nsso_role_name = Dev\n\n'
                '[sso-session corp]\nsso_start_url = https://x/start\nsso_region = us-east-1\n')
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}]))
    assert status == 3 and 'sso_account_id' in e['message']


# --- container ------------------------------------------------------------------------------------

def container(fake_server, expires_in=3600, token='container-auth'):
    def handler(method, path, headers, body):
        if headers.get('Authorization') != token:
            return 401, {}, b'unauthorized'
        akid, secret = PAIRS['container']
        return 200, {'Content-Type': 'application/json'}, json.dumps({
            'AccessKeyId': akid, 'SecretAccessKey': secret, 'Token': 'container-session',
            'Expiration': iso(expires_in)}).encode()
    return fake_server(handler)


def test_container_full_uri_with_token_file(local, home, fake_server):
    srv = container(fake_server)
    token_file = home.write('token', 'container-auth\n')
    r = home.probe(service_config(local), [{'calls': [LIST]}],
                   env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': srv.url + '/creds',
                        'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE': token_file,
                        'AWS_CONTAINER_AUTHORIZATION_TOKEN': 'ignored-when-file-is-set'})
    assert used(local, r) == 'AKIDCONTAINER'
    assert srv.requests[0]['path'] == '/creds'


def test_container_token_from_environment(local, home, fake_server):
    srv = container(fake_server)
    r = home.probe(service_config(local), [{'calls': [LIST]}],
                   env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': srv.url + '/creds',
                        'AWS_CONTAINER_AUTHORIZATION_TOKEN': 'container-auth'})
    assert used(local, r) == 'AKIDCONTAINER'


def test_container_refused_is_an_error(local, home, fake_server):
    srv = container(fake_server)
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}],
                                 env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': srv.url + '/creds',
                                      'AWS_CONTAINER_AUTHORIZATION_TOKEN': 'wrong'}))
    assert status == 4 and 'HTTP 401' in e['message']


def test_container_full_uri_host_must_be_allowed(local, home):
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}],
                                 env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': 'http://example.com/creds'}))
    assert status == 4 and 'AWS_CONTAINER_CREDENTIALS_FULL_URI' in e['message']


# --- instance metadata ----------------------------------------------------------------------------

def imds(fake_server, v2=True):
    def handler(method, path, headers, body):
        if path == '/latest/api/token':
            if not v2:
                return 405, {}, b''
            if method != 'PUT' or headers.get('x-aws-ec2-metadata-token-ttl-seconds') != '21600':
                return 400, {}, b''
            return 200, {}, b'imds-session-token'
        if v2 and headers.get('x-aws-ec2-metadata-token') != 'imds-session-token':
            return 401, {}, b''
        if path == '/latest/meta-data/iam/security-credentials/':
            return 200, {}, b'my-instance-role'
        if path == '/latest/meta-data/iam/security-credentials/my-instance-role':
            akid, secret = PAIRS['imds']
            return 200, {}, json.dumps({'Code': 'Success', 'AccessKeyId': akid, 'SecretAccessKey': secret,
                                        'Token': 'imds-creds-token', 'Expiration': iso(6 * 3600)}).encode()
        return 404, {}, b''
    return fake_server(handler)


@pytest.mark.parametrize('v2', [True, False], ids=['imdsv2', 'imdsv1-fallback'])
def test_instance_metadata(local, home, fake_server, v2):
    srv = imds(fake_server, v2)
    r = home.probe(service_config(local), [{'calls': [LIST]}],
                   env={'AWS_EC2_METADATA_DISABLED': None, 'AWS_EC2_METADATA_SERVICE_ENDPOINT': srv.url + '/'})
    assert used(local, r) == 'AKIDIMDS'
    assert [q['method'] for q in srv.requests] == ['PUT', 'GET', 'GET']


def test_instance_metadata_disabled(local, home, fake_server):
    srv = imds(fake_server)
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}],
                                 env={'AWS_EC2_METADATA_DISABLED': 'true',
                                      'AWS_EC2_METADATA_SERVICE_ENDPOINT': srv.url}))
    assert status == 4 and srv.requests == []


def test_instance_metadata_unreachable_means_no_credentials(local, home):
    status, e = error(home.probe(service_config(local), [{'calls': [LIST]}],
                                 env={'AWS_EC2_METADATA_DISABLED': None,
                                      'AWS_EC2_METADATA_SERVICE_ENDPOINT': f'http://127.0.0.1:{free_port()}'}))
    assert status == 4 and e['code'] == 'NoCredentialsError'


# --- refresh --------------------------------------------------------------------------------------

@pytest.mark.parametrize('first_lifetime', [15 * 60 + 2, 10 * 60 + 2], ids=['advisory', 'mandatory'])
def test_refresh_once_under_concurrent_callers(local, home, fake_server, first_lifetime):
    """The first credentials leave the refresh window 2 s after they are fetched; then 16 threads
    call at once: exactly one of them fetches new credentials."""
    served = []

    def handler(method, path, headers, body):
        lifetime = first_lifetime if not served else 3600
        served.append(lifetime)
        time.sleep(0.3)  # a slow endpoint widens the window in which callers overlap
        akid, secret = PAIRS['container']
        return 200, {}, json.dumps({'AccessKeyId': akid, 'SecretAccessKey': secret, 'Token': f't{len(served)}',
                                    'Expiration': iso(lifetime)}).encode()
    srv = fake_server(handler)
    r = home.probe(service_config(local), [{'calls': [LIST]}, {'sleep': 3}, {'calls': [LIST], 'threads': 16}],
                   env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': srv.url + '/creds'})
    assert all(c['status'] == 0 for step in r['results'] for c in step)
    assert len(srv.requests) == 2
    tokens = [q['headers'].get('X-Amz-Security-Token') for q in local.requests()]
    assert tokens[0] == 't1' and tokens.count('t2') >= 1


# --- region ---------------------------------------------------------------------------------------

def test_region_precedence(local, home):
    home.config('[default]\nregion = eu-west-1\n' + profile_keys('cfgfile'))
    base = {'endpointUrl': local.url, 'maxAttempts': 1}

    def region(config, env=None):
        r = home.probe(config, [{'calls': [LIST]}], env=env)
        assert r['results'][0][0]['status'] == 0, r
        auth = {k.lower(): v for k, v in local.requests()[-1]['headers'].items()}['authorization']
        return auth.split('/')[2]
    assert region(base) == 'eu-west-1'
    assert region(base, {'AWS_DEFAULT_REGION': 'ap-south-1'}) == 'ap-south-1'
    assert region(base, {'AWS_DEFAULT_REGION': 'ap-south-1', 'AWS_REGION': 'ca-central-1'}) == 'ca-central-1'
    assert region(dict(base, region='us-west-2'), {'AWS_REGION': 'ca-central-1'}) == 'us-west-2'


def test_no_region_says_how_to_set_one(home):
    r = home.probe({})
    assert r['new']['status'] == 3
    e = r['new']['error']['error']
    assert e['code'] == 'NoRegionError' and 'AWS_REGION' in e['message'] and 'region' in e['message']


@pytest.mark.parametrize('config, env, needle', [
    ('[default]\nregion = us-west-2\nmax_attempts = many\n', {}, 'max_attempts'),
    ('[default]\nregion = us-west-2\nretry_mode = fast\n', {}, 'retry_mode'),
    ('[default]\nregion = us-west-2\n', {'AWS_USE_FIPS_ENDPOINT': 'yes'}, 'AWS_USE_FIPS_ENDPOINT'),
    ('[default]\nregion = us-west-2\nca_bundle = /nonexistent/ca.pem\n', {}, 'ca_bundle'),
    ('[default]\nregion = us-west-2\n[default]\nregion = eu-west-1\n', {}, 'line 3'),
    ('region = us-west-2\n', {}, 'before any [section]'),
    ('[default]\nregion = Not A Region\n', {}, 'region'),
])
def test_bad_settings_are_named(home, config, env, needle):
    home.config(config)
    r = home.probe({}, env=env)
    assert r['new']['status'] == 3, r
    assert needle in r['new']['error']['error']['message']
