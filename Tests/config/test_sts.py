"""Assume-role and web identity credentials against moto's STS, with botocore as the reference: the same
config files, environment and STS endpoint are given to libivs (through the C ABI, ivs_client_credentials)
and to botocore (botoref.py); both must send the same STS requests (method, path, form fields in order,
signing scope; every signature checked with botocore's signer) and end with the same credentials, step
by step, with the clock moved by the test hook (IVS_TEST_CREDENTIAL_CLOCK_FILE) and by botocore's clock
functions, never by sleeping."""
import datetime
import json
import re

import pytest

from cfgutil import PAIRS, REGION

ROLE = 'arn:aws:iam::123456789012:role/media-encoder'
ROLE2 = 'arn:aws:iam::210987654321:role/transcoder'
SESSION_RE = re.compile(r'botocore-session-\d+')
ADVISORY = 46 * 60   # a 1-hour credential then has 14 minutes left: botocore's advisory window
MANDATORY = 51 * 60  # 9 minutes left: the mandatory window


def keys_of(name):
    akid, secret = PAIRS[name]
    return f'aws_access_key_id = {akid}\naws_secret_access_key = {secret}\n'


def seconds(iso):
    return int(datetime.datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp()) if iso else None


def ours(result):
    """The credentials steps of a probe, as botoref reports them."""
    out = []
    for step in result['results']:
        for r in step:
            if r['status'] == 0:
                j = dict(r['json'])
                j['expiration'] = seconds(j['expiration'])
                out.append(j)
            else:
                out.append({'error': r['json']['error']['message'], 'code': r['json']['error']['code'],
                            'status': r['status']})
    return out


def theirs(result):
    out = []
    for r in result['results']:
        r = dict(r)
        if 'expiration' in r:
            r['expiration'] = seconds(r['expiration'])
        out.append(r)
    return out


def run_both(home, sts, steps, env=None, profile=None, reset=None):
    """Runs the steps through libivs, then (after `reset`, e.g. rewriting a rotated token) through botocore."""
    e = {'AWS_ENDPOINT_URL_STS': sts.url}
    e.update(env or {})
    config = {'region': REGION}
    if profile:
        config['profile'] = profile
    mine = home.probe(config, steps, env=e)
    assert mine['new']['status'] == 0, mine
    if reset:
        reset()
    ref = home.botocore(REGION, profile, steps, env=e)
    return ours(mine), theirs(ref), mine


def assert_same_credentials(mine, ref):
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        if 'error' in b:
            assert 'error' in a, (a, b)
            continue
        assert 'error' not in a, (a, b)
        for k in ('accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration', 'source'):
            assert a[k] == b[k], (k, a[k], b[k])


def normal_params(params):
    return [(k, 'botocore-session-*' if k == 'RoleSessionName' and SESSION_RE.fullmatch(v) else v) for k, v in params]


def assert_same_requests(recorder):
    lib, ref = recorder.of('libivs'), recorder.of('botocore')
    assert len(lib) == len(ref), ([r['params'] for r in lib], [r['params'] for r in ref])
    for a, b in zip(lib, ref):
        assert (a['method'], a['path']) == (b['method'], b['path']) == ('POST', '/')
        assert normal_params(a['params']) == normal_params(b['params'])
        assert a['contentType'] == b['contentType']
        assert a['signed'] == b['signed']
        if a['signed']:
            assert a['signature'] == 'valid' and b['signature'] == 'valid', (a['signature'], b['signature'])
            assert a['scope'] == b['scope'] and a['source'] == b['source']
    return lib


# --- assume-role ----------------------------------------------------------------------------------

def test_assume_role_with_static_source_profile(home, sts):
    home.config(f'[profile dev]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = encoder-7\n'
                'external_id = ext-123456\nduration_seconds = 1800\n')
    home.credentials('[base]\n' + keys_of('credfile'))
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], env={'AWS_PROFILE': 'dev'})
    assert_same_credentials(mine, ref)
    assert mine[0]['source'] == 'assume-role' and mine[0]['accessKeyId'].startswith('ASIA')
    lib = assert_same_requests(sts.recorder)
    assert lib[0]['params'] == [('Action', 'AssumeRole'), ('Version', '2011-06-15'), ('RoleSessionName', 'encoder-7'),
                                ('ExternalId', 'ext-123456'), ('DurationSeconds', '1800'), ('RoleArn', ROLE)]
    assert lib[0]['source'] == 'AKIDCREDFILE' and lib[0]['scope'] == (REGION, 'sts')
    assert lib[0]['contentType'] == 'application/x-www-form-urlencoded; charset=utf-8'


def test_assume_role_default_session_name(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\n\n[profile base]\n' + keys_of('cfgfile'))
    mine, ref, _ = run_both(home, sts, [{'credentials': True}])
    assert_same_credentials(mine, ref)
    lib = assert_same_requests(sts.recorder)
    assert [k for k, _ in lib[0]['params']] == ['Action', 'Version', 'RoleArn', 'RoleSessionName']
    assert SESSION_RE.fullmatch(lib[0]['params'][3][1])


def test_role_chain_of_three_profiles(home, sts):
    """dev assumes ROLE with credentials from ops, which assumes ROLE2 with base's static keys."""
    home.config(f'[profile dev]\nrole_arn = {ROLE}\nsource_profile = ops\nrole_session_name = dev-session\n\n'
                f'[profile ops]\nrole_arn = {ROLE2}\nsource_profile = base\nrole_session_name = ops-session\n')
    home.credentials('[base]\n' + keys_of('credfile'))
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], profile='dev')
    assert_same_credentials(mine, ref)
    lib = assert_same_requests(sts.recorder)
    assert [dict(r['params'])['RoleArn'] for r in lib] == [ROLE2, ROLE]
    # The second call is signed with what the first returned.
    assert lib[1]['source'] == lib[0]['credentials']['accessKeyId']


def test_source_profile_may_name_itself_for_its_static_keys(home, sts):
    home.config(f'[profile dev]\nrole_arn = {ROLE}\nsource_profile = dev\n' + keys_of('cfgfile'))
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], env={'AWS_PROFILE': 'dev'})
    assert_same_credentials(mine, ref)
    assert assert_same_requests(sts.recorder)[0]['source'] == 'AKIDCFGFILE'


def test_source_profile_with_web_identity(home, sts):
    token = home.write('token', 'eyJ.source-profile-token.sig')
    home.config(f'[profile dev]\nrole_arn = {ROLE}\nsource_profile = irsa\n\n'
                f'[profile irsa]\nrole_arn = {ROLE2}\nweb_identity_token_file = {token}\nrole_session_name = pod\n')
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], env={'AWS_PROFILE': 'dev'})
    assert_same_credentials(mine, ref)
    lib = assert_same_requests(sts.recorder)
    assert [dict(r['params'])['Action'] for r in lib] == ['AssumeRoleWithWebIdentity', 'AssumeRole']
    assert not lib[0]['signed'] and lib[1]['source'] == lib[0]['credentials']['accessKeyId']


def test_credential_source_environment(home, sts):
    home.config(f'[profile dev]\nrole_arn = {ROLE}\ncredential_source = Environment\n')
    akid, secret = PAIRS['env']
    env = {'AWS_ACCESS_KEY_ID': akid, 'AWS_SECRET_ACCESS_KEY': secret}
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], env=env, profile='dev')
    assert_same_credentials(mine, ref)
    assert assert_same_requests(sts.recorder)[0]['source'] == 'AKIDENV'


def test_credential_source_container(home, sts, fake_server):
    def handler(method, path, headers, body):
        akid, secret = PAIRS['container']
        return 200, {}, json.dumps({'AccessKeyId': akid, 'SecretAccessKey': secret, 'Token': 'ctoken',
                                    'Expiration': '2099-01-01T00:00:00Z'}).encode()
    container = fake_server(handler)
    home.config(f'[default]\nrole_arn = {ROLE}\ncredential_source = EcsContainer\n')
    mine, ref, _ = run_both(home, sts, [{'credentials': True}],
                            env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': container.url + '/creds'})
    assert_same_credentials(mine, ref)
    assert assert_same_requests(sts.recorder)[0]['source'] == 'AKIDCONTAINER'


def test_credential_source_instance_metadata(home, sts, fake_server):
    def handler(method, path, headers, body):
        if path == '/latest/api/token':
            return 200, {}, b'imds-token'
        if path == '/latest/meta-data/iam/security-credentials/':
            return 200, {}, b'role'
        akid, secret = PAIRS['imds']
        return 200, {}, json.dumps({'Code': 'Success', 'AccessKeyId': akid, 'SecretAccessKey': secret,
                                    'Token': 'itoken', 'Expiration': '2099-01-01T00:00:00Z'}).encode()
    imds = fake_server(handler)
    home.config(f'[default]\nrole_arn = {ROLE}\ncredential_source = Ec2InstanceMetadata\n')
    mine, ref, _ = run_both(home, sts, [{'credentials': True}],
                            env={'AWS_EC2_METADATA_DISABLED': None, 'AWS_EC2_METADATA_SERVICE_ENDPOINT': imds.url})
    assert_same_credentials(mine, ref)
    assert assert_same_requests(sts.recorder)[0]['source'] == 'AKIDIMDS'


def test_sts_endpoint_from_services_section(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\nservices = local\n\n'
                f'[services local]\nsts =\n  endpoint_url = {sts.url}\n\n[profile base]\n' + keys_of('cfgfile'))
    mine = home.probe({'region': REGION}, [{'credentials': True}])
    ref = home.botocore(REGION, None, [{'credentials': True}])
    assert_same_credentials(ours(mine), theirs(ref))
    assert len(sts.recorder.of('libivs')) == 1


# --- web identity ---------------------------------------------------------------------------------

def test_web_identity_from_environment_rereads_the_token(home, sts):
    token = home.write('eks/token', 'eyJhbGciOi.first-token.sig')
    env = {'AWS_WEB_IDENTITY_TOKEN_FILE': token, 'AWS_ROLE_ARN': ROLE, 'AWS_ROLE_SESSION_NAME': 'pod-1234'}
    steps = [{'credentials': True}, {'write': [token, 'eyJhbGciOi.rotated-token.sig']}, {'clock': MANDATORY},
             {'credentials': True}]
    mine, ref, _ = run_both(home, sts, steps, env=env,
                            reset=lambda: home.write('eks/token', 'eyJhbGciOi.first-token.sig'))
    assert_same_credentials(mine, ref)
    assert mine[0]['source'] == 'assume-role-with-web-identity'
    assert mine[0]['accessKeyId'] != mine[1]['accessKeyId']
    lib = assert_same_requests(sts.recorder)
    assert [dict(r['params'])['WebIdentityToken'] for r in lib] == ['eyJhbGciOi.first-token.sig',
                                                                     'eyJhbGciOi.rotated-token.sig']
    assert lib[0]['params'][:5] == [('Action', 'AssumeRoleWithWebIdentity'), ('Version', '2011-06-15'),
                                    ('RoleSessionName', 'pod-1234'), ('RoleArn', ROLE),
                                    ('WebIdentityToken', 'eyJhbGciOi.first-token.sig')]
    assert not lib[0]['signed']


def test_web_identity_from_profile(home, sts):
    token = home.write('token', 'eyJ.profile-token.sig')
    home.config(f'[profile pod]\nweb_identity_token_file = {token}\nrole_arn = {ROLE}\n')
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], profile='pod')
    assert_same_credentials(mine, ref)
    lib = assert_same_requests(sts.recorder)
    assert [k for k, _ in lib[0]['params']] == ['Action', 'Version', 'RoleArn', 'RoleSessionName', 'WebIdentityToken']


def test_explicit_profile_ignores_web_identity_variables(home, sts):
    token = home.write('token', 'eyJ.env-token.sig')
    home.config('[profile plain]\n' + keys_of('cfgfile'))
    env = {'AWS_WEB_IDENTITY_TOKEN_FILE': token, 'AWS_ROLE_ARN': ROLE}
    mine, ref, _ = run_both(home, sts, [{'credentials': True}], env=env, profile='plain')
    assert_same_credentials(mine, ref)
    assert mine[0]['source'] == 'config-file' and sts.recorder.records == []


# --- refresh --------------------------------------------------------------------------------------

def test_refresh_in_advisory_and_mandatory_windows(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = rs\n\n'
                '[profile base]\n' + keys_of('cfgfile'))
    steps = [{'credentials': True}, {'credentials': True}, {'clock': ADVISORY}, {'credentials': True},
             {'clock': MANDATORY}, {'credentials': True}, {'clock': 0}, {'credentials': True}]
    mine, ref, _ = run_both(home, sts, steps)
    assert_same_credentials(mine, ref)
    ids = [c['accessKeyId'] for c in mine]
    # Fetched once, refreshed in the advisory window, again in the mandatory one, then kept.
    assert ids[0] == ids[1] and len({ids[1], ids[2], ids[3]}) == 3 and ids[4] == ids[3]
    assert len(assert_same_requests(sts.recorder)) == 3


def test_failed_refresh_keeps_credentials_only_in_the_advisory_window(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = rs\nmax_attempts = 1\n\n'
                '[profile base]\n' + keys_of('cfgfile'))
    fault = {'post': [sts.url + '/_fault', {'code': 'Throttling', 'message': 'Rate exceeded', 'count': 1}]}
    steps = [{'credentials': True}, {'clock': ADVISORY}, fault, {'credentials': True},
             {'clock': MANDATORY}, fault, {'credentials': True}, {'credentials': True}]
    mine, ref, _ = run_both(home, sts, steps)
    assert_same_credentials(mine, ref)
    assert mine[1]['accessKeyId'] == mine[0]['accessKeyId']          # advisory: kept
    assert mine[2]['code'] == 'Throttling' and 'profile "default"' in mine[2]['error']  # mandatory: error
    assert mine[3]['accessKeyId'] not in (mine[0]['accessKeyId'], None)  # then refreshed


def test_one_refresh_for_many_threads_in_the_mandatory_window(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = rs\n\n'
                '[profile base]\n' + keys_of('cfgfile'))
    # The refreshed credentials last 4 hours, so they leave the window and one refresh serves all.
    lifetime = {'post': [sts.url + '/_lifetime', {'seconds': 4 * 3600}]}
    r = home.probe({'region': REGION}, [{'credentials': True}, {'clock': MANDATORY}, lifetime,
                                        {'credentials': True, 'threads': 16}],
                   env={'AWS_ENDPOINT_URL_STS': sts.url})
    first, after = r['results'][0][0]['json'], r['results'][1]
    assert all(x['status'] == 0 for x in after)
    assert len({x['json']['accessKeyId'] for x in after}) == 1
    assert after[0]['json']['accessKeyId'] != first['accessKeyId']
    assert len(sts.recorder.of('libivs')) == 2


# --- what the client reports ----------------------------------------------------------------------

def test_chain_and_winner_in_config_json_and_debug_log(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\n\n[profile base]\n'
                f'aws_access_key_id = AKIDCFGFILE\naws_secret_access_key = {PAIRS["planted"][1]}\n')
    r = home.probe({'region': REGION}, [{'describe': True}, {'credentials': True}, {'describe': True}],
                   env={'AWS_ENDPOINT_URL_STS': sts.url}, log_level=4)
    before, after = r['results'][0][0]['json']['credentials'], r['results'][2][0]['json']['credentials']
    assert before['providers'] == ['environment', 'assume-role', 'assume-role-with-web-identity', 'sso',
                                   'shared-credentials-file', 'login', 'custom-process', 'config-file',
                                   'container-role', 'iam-role']
    assert before['source'] is None and after['source'] == 'assume-role'
    assert any(line.startswith('credentials from assume-role') for line in r['logs'])
    assert any('sts.AssumeRole attempt 1' in line and 'signed for us-west-2' in line for line in r['logs'])
    secret = r['results'][1][0]['json']['secretAccessKey']
    text = json.dumps([r['logs'], r['results'][0], r['results'][2]])
    assert PAIRS['planted'][1] not in text and secret not in text
