"""What goes wrong with role credentials: each a clear IVS_E_CREDENTIALS (4) that names the profile and
the setting, never a secret; botocore fails in the same cases (botoref.py)."""
import json

import pytest

from cfgutil import PAIRS, REGION
from stsutil import sts_error

ROLE = 'arn:aws:iam::123456789012:role/media-encoder'
SECRET = PAIRS['planted'][1]
BASE = f'[profile base]\naws_access_key_id = AKIDPLANTED\naws_secret_access_key = {SECRET}\n'


def failure(home, sts_url, env=None, profile=None):
    e = {'AWS_ENDPOINT_URL_STS': sts_url}
    e.update(env or {})
    config = {'region': REGION}
    if profile:
        config['profile'] = profile
    r = home.probe(config, [{'credentials': True}], env=e)
    assert r['new']['status'] == 0, r
    res = r['results'][0][0]
    assert res['status'] == 4, res
    err = res['json']['error']
    assert err['kind'] == 'credentials'
    assert SECRET not in json.dumps(r)
    ref = home.botocore(REGION, profile, [{'credentials': True}], env=e)['results'][0]
    assert 'error' in ref, ref
    return err, ref['error']


@pytest.mark.parametrize('profile, needles, reference', [
    (f'role_arn = {ROLE}\nsource_profile = nowhere\n', ['"default"', 'source_profile "nowhere"', 'does not exist'],
     'InvalidConfigError'),
    (f'role_arn = {ROLE}\n', ['"default"', 'source_profile', 'credential_source'], 'PartialCredentialsError'),
    (f'role_arn = {ROLE}\nsource_profile = base\ncredential_source = Environment\n',
     ['"default"', 'both source_profile and credential_source'], 'InvalidConfigError'),
    (f'role_arn = {ROLE}\ncredential_source = environment\n', ['credential_source "environment"', 'not valid'],
     'InvalidConfigError'),
    (f'role_arn = {ROLE}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n',
     ['"default"', 'mfa_serial'], None),
    ('role_arn = arn:aws:iam\nsource_profile = base\n', ['"default"', 'role_arn "arn:aws:iam"', '20 characters'],
     'ParamValidationError'),
    (f'role_arn = {ROLE}\nsource_profile = base\nduration_seconds = 60\n', ['duration_seconds 60', '900'],
     'ParamValidationError'),
], ids=['missing-source-profile', 'no-source', 'both-sources', 'unknown-credential-source', 'mfa', 'bad-role-arn',
        'short-duration'])
def test_role_settings(home, sts, profile, needles, reference):
    home.config('[default]\n' + profile + '\n' + BASE)
    err, ref = failure(home, sts.url)
    for n in needles:
        assert n in err['message'], err
    if reference:
        assert ref.startswith(reference), ref
    assert sts.recorder.records == []


def test_cycle_names_the_profiles(home, sts):
    home.config(f'[profile a]\nrole_arn = {ROLE}\nsource_profile = b\n\n[profile b]\nrole_arn = {ROLE}\nsource_profile = c\n\n'
                f'[profile c]\nrole_arn = {ROLE}\nsource_profile = a\n')
    err, ref = failure(home, sts.url, profile='a')
    assert err['code'] == 'InfiniteLoopConfigError' and ref.startswith('InfiniteLoopConfigError')
    assert '"a" -> "b" -> "c" -> "a"' in err['message']


def test_source_profile_without_credentials(home, sts):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = empty\n\n[profile empty]\nregion = us-west-2\n')
    err, ref = failure(home, sts.url)
    assert 'source profile "empty"' in err['message'] and 'no credentials' in err['message']
    assert ref.startswith('InvalidConfigError')


@pytest.mark.parametrize('code, status, message', [
    ('AccessDenied', 403, 'User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole'),
    ('RegionDisabledException', 403, 'STS is not activated in this region'),
])
def test_sts_refusal_is_not_retried(home, sts, code, status, message):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\n\n' + BASE)
    sts.recorder.faults += [sts_error(code, message, status)] * 2
    r = home.probe({'region': REGION}, [{'credentials': True}], env={'AWS_ENDPOINT_URL_STS': sts.url})
    err = r['results'][0][0]['json']['error']
    assert err['code'] == code and message in err['message'] and f'role_arn {ROLE}' in err['message']
    assert 'profile "default"' in err['message'] and SECRET not in json.dumps(r)
    assert len(sts.recorder.of('libivs')) == 1


def test_expired_web_identity_token(home, sts):
    token = home.write('token', 'eyJ.expired.sig')
    sts.recorder.faults.append(sts_error('ExpiredTokenException', 'Token expired: current date/time 1764547200 must be '
                                         'before the expiration date/time 1764543600'))
    r = home.probe({'region': REGION}, [{'credentials': True}],
                   env={'AWS_ENDPOINT_URL_STS': sts.url, 'AWS_WEB_IDENTITY_TOKEN_FILE': token, 'AWS_ROLE_ARN': ROLE})
    err = r['results'][0][0]['json']['error']
    assert err['code'] == 'ExpiredTokenException' and 'AWS_WEB_IDENTITY_TOKEN_FILE' in err['message']
    assert 'eyJ.expired.sig' not in json.dumps(r)


@pytest.mark.parametrize('attempts, succeeds', [(3, True), (2, False)])
def test_throttling_is_retried(home, sts, attempts, succeeds):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\nmax_attempts = {attempts}\n\n' + BASE)
    sts.recorder.faults += [sts_error('Throttling', 'Rate exceeded')] * 2
    r = home.probe({'region': REGION}, [{'credentials': True}], env={'AWS_ENDPOINT_URL_STS': sts.url}, log_level=4)
    res = r['results'][0][0]
    assert len(sts.recorder.of('libivs')) == attempts
    if succeeds:
        assert res['status'] == 0 and res['json']['source'] == 'assume-role'
        assert sum('sts.AssumeRole attempt' in line and 'retrying in' in line for line in r['logs']) == 2
    else:
        assert res['status'] == 4 and res['json']['error']['code'] == 'Throttling'
        assert 'after 2 attempt(s)' in res['json']['error']['message']


def test_idp_communication_error_is_retried(home, sts):
    token = home.write('token', 'eyJ.idp.sig')
    sts.recorder.faults.append(sts_error('IDPCommunicationError', 'the IdP could not be reached'))
    r = home.probe({'region': REGION}, [{'credentials': True}],
                   env={'AWS_ENDPOINT_URL_STS': sts.url, 'AWS_WEB_IDENTITY_TOKEN_FILE': token, 'AWS_ROLE_ARN': ROLE})
    assert r['results'][0][0]['status'] == 0 and len(sts.recorder.of('libivs')) == 2


def test_unreadable_token_file(home, sts):
    missing = home.path + '/no/such/token'
    err, ref = failure(home, sts.url, env={'AWS_WEB_IDENTITY_TOKEN_FILE': missing, 'AWS_ROLE_ARN': ROLE})
    assert 'AWS_WEB_IDENTITY_TOKEN_FILE' in err['message'] and missing in err['message']
    assert 'does not exist' in err['message']
    directory = home.write('tokens/x', '')[:-2]
    err, _ = failure(home, sts.url, env={'AWS_WEB_IDENTITY_TOKEN_FILE': directory, 'AWS_ROLE_ARN': ROLE})
    assert 'cannot read the token file' in err['message']


def test_web_identity_without_role_arn(home, sts):
    token = home.write('token', 'eyJ.t.sig')
    home.config(f'[profile pod]\nweb_identity_token_file = {token}\n')
    err, ref = failure(home, sts.url, profile='pod')
    assert 'web_identity_token_file' in err['message'] and 'role_arn' in err['message']
    assert ref.startswith('InvalidConfigError')


@pytest.mark.parametrize('body', [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
    b'<a>' * 5000 + b'</a>' * 5000,
    b'<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId></Credentials>',
    b'\xff\xfe not xml',
    b'<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s'
    b'</SecretAccessKey><SessionToken>t</SessionToken><Expiration>99999-01-01T00:00:00Z</Expiration></Credentials>'
    b'</AssumeRoleResult></AssumeRoleResponse>',
], ids=['entities', 'deep', 'truncated', 'binary', 'bad-expiration'])
def test_malformed_sts_answer(home, sts, body):
    home.config(f'[default]\nrole_arn = {ROLE}\nsource_profile = base\n\n' + BASE)
    sts.recorder.faults.append((200, {'Content-Type': 'text/xml'}, body))
    r = home.probe({'region': REGION}, [{'credentials': True}], env={'AWS_ENDPOINT_URL_STS': sts.url})
    err = r['results'][0][0]['json']['error']
    assert err['kind'] == 'credentials' and err['code'] == 'InvalidResponse', err
    assert len(sts.recorder.of('libivs')) == 1


def test_process_timeout(home, sts):
    script = home.write('bin/slow.sh', '#!/bin/sh\nsleep 30\n', mode=0o700)
    home.config(f'[default]\ncredential_process = {script}\n')
    r = home.probe({'region': REGION, 'credentialProcessTimeoutMs': 300}, [{'credentials': True}], timeout=20)
    err = r['results'][0][0]['json']['error']
    assert err['kind'] == 'credentials' and 'credential_process of profile "default"' in err['message']
    assert 'credentialProcessTimeoutMs' in err['message']
