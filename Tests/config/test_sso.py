"""SSO with an [sso-session]: the cached token is refreshed through SSO OIDC CreateToken when it nears
expiry and the cache written back, as botocore's SSOTokenProvider does. A local fake stands in for the
SSO OIDC and portal endpoints; libivs and botocore (botoref.py) run on the same HOME, cache and
environment, and must send the same requests, write the same cache and end with the same credentials."""
import hashlib
import json
import os
import re
import time

import pytest

from cfgutil import REGION

SESSION = 'corp'
CONFIG = ('[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Encoder\n\n'
          '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n'
          'sso_registration_scopes = sso:account:access\n')


def iso(seconds_from_now):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + seconds_from_now))


class FakeSSO:
    """SSO OIDC (POST /token) and the portal (GET /federation/credentials) in one loopback server. Its
    answers follow from the request alone, so two clients asking the same get the same."""

    def __init__(self, fake_server, refuse=False):
        self.refuse = refuse
        self.server = fake_server(self.handle)
        self.url = self.server.url

    def handle(self, method, path, headers, body):
        if path == '/token' and method == 'POST':
            req = json.loads(body)
            if self.refuse or req.get('clientSecret') != 'csecret':
                return 400, {'Content-Type': 'application/json'}, b'{"error": "invalid_grant"}'
            return 200, {'Content-Type': 'application/json'}, json.dumps({
                'accessToken': 'access-from-' + req['refreshToken'], 'tokenType': 'Bearer', 'expiresIn': 28800,
                'refreshToken': req['refreshToken'] + '+1'}).encode()
        if path.startswith('/federation/credentials'):
            token = headers.get('x-amz-sso_bearer_token') or ''
            if not token.startswith(('access-', 'cached-')):
                return 401, {}, b'{"message": "Session token not found or invalid"}'
            return 200, {'Content-Type': 'application/json'}, json.dumps({'roleCredentials': {
                'accessKeyId': 'AKIDSSO' + hashlib.sha1(token.encode()).hexdigest()[:8].upper(),
                'secretAccessKey': 'secret-for-' + token, 'sessionToken': 'session-for-' + token,
                'expiration': int((time.time() + 3600) * 1000)}}).encode()
        return 404, {}, b''

    def requests(self, kind):
        return [r for r in self.server.requests if r['path'].startswith(kind)]


def cache_path(home):
    return os.path.join(home.path, '.aws/sso/cache', hashlib.sha1(SESSION.encode()).hexdigest() + '.json')


def write_cache(home, text):
    home.write(os.path.relpath(cache_path(home), home.path), text)


def cache_text(expires_in, refresh=True, registration=30 * 86400):
    token = {'startUrl': 'https://corp.awsapps.com/start', 'region': 'eu-west-1', 'accessToken': 'cached-token',
             'expiresAt': iso(expires_in), 'clientId': 'cid', 'clientSecret': 'csecret',
             'registrationExpiresAt': iso(registration)}
    if refresh:
        token['refreshToken'] = 'rt-1'
    return json.dumps(token)


def run_both(home, fake, steps, expires_in, **cache):
    env = {'AWS_ENDPOINT_URL_SSO': fake.url, 'AWS_ENDPOINT_URL_SSO_OIDC': fake.url}
    home.config(CONFIG)
    # One text for both runs: its times written twice could fall on two sides of a second.
    text = cache_text(expires_in, **cache)
    write_cache(home, text)
    mine = home.probe({'region': REGION}, steps, env=env, log_level=3)
    mine_cache = open(cache_path(home)).read()
    n = len(fake.server.requests)
    write_cache(home, text)
    ref = home.botocore(REGION, None, steps, env=env)
    ref_cache = open(cache_path(home)).read()
    out = []
    for step in mine['results']:
        for r in step:
            out.append(r['json'] if r['status'] == 0 else {'error': r['json']['error']})
    return out, ref['results'], mine_cache, ref_cache, fake.server.requests[:n], fake.server.requests[n:], mine['logs']


def same(mine, ref):
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        if 'error' in b:
            assert 'error' in a, (a, b)
        else:
            assert 'error' not in a, (a, b)
            assert (a['accessKeyId'], a['secretAccessKey'], a['sessionToken'], a['source']) == \
                (b['accessKeyId'], b['secretAccessKey'], b['sessionToken'], b['source'])


def without_expiry(text):
    return re.sub(r'"expiresAt": "[^"]*"', '"expiresAt": "*"', text)


def test_token_near_expiry_is_refreshed_and_cached(home, fake_server):
    fake = FakeSSO(fake_server)
    mine, ref, mine_cache, ref_cache, lib_reqs, ref_reqs, _ = run_both(home, fake, [{'credentials': True}], 10 * 60)
    same(mine, ref)
    assert mine[0]['secretAccessKey'] == 'secret-for-access-from-rt-1' and mine[0]['source'] == 'sso'
    # The same CreateToken request, then GetRoleCredentials with the new token.
    lib_token = [r for r in lib_reqs if r['path'] == '/token']
    ref_token = [r for r in ref_reqs if r['path'] == '/token']
    assert len(lib_token) == len(ref_token) == 1
    assert json.loads(lib_token[0]['body']) == json.loads(ref_token[0]['body']) == {
        'grantType': 'refresh_token', 'clientId': 'cid', 'clientSecret': 'csecret', 'refreshToken': 'rt-1'}
    assert lib_token[0]['headers']['content-type'].startswith('application/json')
    assert lib_token[0]['method'] == ref_token[0]['method'] == 'POST'
    # The cache written back as botocore writes it (the same keys, order and layout).
    assert without_expiry(mine_cache) == without_expiry(ref_cache)
    cached = json.loads(mine_cache)
    assert cached['accessToken'] == 'access-from-rt-1' and cached['refreshToken'] == 'rt-1+1'
    assert abs(time.mktime(time.strptime(cached['expiresAt'], '%Y-%m-%dT%H:%M:%SZ')) - time.timezone
               - (time.time() + 28800)) < 30


def test_token_with_time_left_is_not_refreshed(home, fake_server):
    fake = FakeSSO(fake_server)
    mine, ref, mine_cache, ref_cache, lib_reqs, ref_reqs, _ = run_both(home, fake, [{'credentials': True}], 40 * 60)
    same(mine, ref)
    assert mine[0]['secretAccessKey'] == 'secret-for-cached-token'
    assert not [r for r in lib_reqs + ref_reqs if r['path'] == '/token']


def test_refresh_when_the_clock_moves(home, fake_server):
    """An hour-long token: no refresh at first; 50 minutes on, the role credentials are due and so is the
    token (10 minutes left): one CreateToken, then the portal with the new token."""
    fake = FakeSSO(fake_server)
    steps = [{'credentials': True}, {'clock': 50 * 60}, {'credentials': True}]
    mine, ref, mine_cache, ref_cache, lib_reqs, ref_reqs, _ = run_both(home, fake, steps, 3600)
    same(mine, ref)
    assert [r['path'] for r in lib_reqs] == [r['path'] for r in ref_reqs]
    assert [r['path'].split('?')[0] for r in lib_reqs] == ['/federation/credentials', '/token',
                                                           '/federation/credentials']
    assert mine[1]['secretAccessKey'] == 'secret-for-access-from-rt-1'


def test_refused_refresh_uses_the_token_while_it_lasts(home, fake_server):
    fake = FakeSSO(fake_server, refuse=True)
    mine, ref, *_, logs = run_both(home, fake, [{'credentials': True}], 10 * 60)
    same(mine, ref)
    assert mine[0]['secretAccessKey'] == 'secret-for-cached-token'
    assert any('SSO token refresh attempt failed' in line for line in logs)


@pytest.mark.parametrize('cache', [{'refresh': False}, {'registration': -60}], ids=['no-refresh-token', 'registration-expired'])
def test_expired_token_without_refresh_is_an_error(home, fake_server, cache):
    fake = FakeSSO(fake_server)
    mine, ref, *_ = run_both(home, fake, [{'credentials': True}], -60, **cache)
    same(mine, ref)
    e = mine[0]['error']
    assert e['kind'] == 'credentials' and 'aws sso login --profile default' in e['message']
    assert 'csecret' not in json.dumps(mine) and 'cached-token' not in e['message']
    assert not [r for r in fake.server.requests if r['path'] == '/token']


def test_expired_token_is_refreshed(home, fake_server):
    fake = FakeSSO(fake_server)
    mine, ref, *_ = run_both(home, fake, [{'credentials': True}], -60)
    same(mine, ref)
    assert mine[0]['secretAccessKey'] == 'secret-for-access-from-rt-1'
