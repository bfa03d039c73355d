"""`aws login` profiles (login_session): the cached credentials, and their refresh through a local fake
of AWS Sign-In's CreateOAuth2Token. The DPoP proof is checked with `cryptography` (header, key, ES256
signature, claims); botocore's LoginProvider, which needs botocore[crt] (awscrt), runs in the Python
IVS_BOTOCORE_CRT_PYTHON names (scripts/setup.sh makes it, test.sh sets it; skipped without it)."""
import base64
import hashlib
import json
import os
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import re

from cfgutil import BOTOCORE_CRT_PYTHON, REGION, botocore_has_crt

SESSION = 'arn:aws:iam::123456789012:user/dev'
CLIENT_ID = 'arn:aws:signin:::devtools/same-device'


def iso(seconds_from_now):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + seconds_from_now))


def b64url(data):
    return base64.urlsafe_b64decode(data + '=' * (-len(data) % 4))


class FakeSignin:
    def __init__(self, fake_server, key, answer='ok'):
        self.key, self.answer, self.proofs = key, answer, []
        self.server = fake_server(self.handle)
        self.url = self.server.url

    def handle(self, method, path, headers, body):
        if method != 'POST' or path != '/v1/token':
            return 404, {}, b''
        self.proofs.append(self.check_proof(headers.get('DPoP')))
        req = json.loads(body)
        if self.answer != 'ok':
            return 401, {'Content-Type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException'}, \
                json.dumps({'error': self.answer, 'message': 'denied'}).encode()
        return 200, {'Content-Type': 'application/json'}, json.dumps({
            'accessToken': {'accessKeyId': 'AKIDLOGIN2', 'secretAccessKey': 'login-secret-2',
                            'sessionToken': 'login-session-2'},
            'tokenType': 'aws_sigv4', 'expiresIn': 900, 'refreshToken': req['refreshToken'] + '+1'}).encode()

    def check_proof(self, proof):
        header_b64, claims_b64, sig_b64 = proof.split('.')
        header, claims = json.loads(b64url(header_b64)), json.loads(b64url(claims_b64))
        numbers = self.key.public_key().public_numbers()
        assert header == {'typ': 'dpop+jwt', 'alg': 'ES256', 'jwk': {
            'kty': 'EC', 'x': base64.urlsafe_b64encode(numbers.x.to_bytes(32, 'big')).rstrip(b'=').decode(),
            'y': base64.urlsafe_b64encode(numbers.y.to_bytes(32, 'big')).rstrip(b'=').decode(), 'crv': 'P-256'}}
        assert list(header) == ['typ', 'alg', 'jwk'] and list(claims) == ['htm', 'htu', 'iat', 'jti']
        sig = b64url(sig_b64)
        self.key.public_key().verify(encode_dss_signature(int.from_bytes(sig[:32], 'big'), int.from_bytes(sig[32:], 'big')),
                                     f'{header_b64}.{claims_b64}'.encode(), ec.ECDSA(hashes.SHA256()))
        return claims


@pytest.fixture()
def key():
    return ec.generate_private_key(ec.SECP256R1())


def cache_file(home):
    return os.path.join(home.path, '.aws/login/cache', hashlib.sha256(SESSION.encode()).hexdigest() + '.json')


def write_cache(home, key, expires_in):
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption()).decode()
    token = {'accessToken': {'accessKeyId': 'AKIDLOGIN1', 'secretAccessKey': 'login-secret-1',
                             'sessionToken': 'login-session-1', 'accountId': '123456789012',
                             'expiresAt': iso(expires_in)},
             'tokenType': 'aws_sigv4', 'refreshToken': 'rt-1', 'idToken': 'id.token.x', 'clientId': CLIENT_ID,
             'dpopKey': pem}
    home.write(os.path.relpath(cache_file(home), home.path), json.dumps(token))
    return token


def probe(home, signin, steps=({'credentials': True},)):
    home.config(f'[default]\nlogin_session = {SESSION}\nregion = {REGION}\n')
    return home.probe({'region': REGION}, list(steps), env={'AWS_ENDPOINT_URL_SIGNIN': signin.url})


def test_cached_credentials_with_time_left(home, fake_server, key):
    signin = FakeSignin(fake_server, key)
    write_cache(home, key, 3600)
    c = probe(home, signin)['results'][0][0]['json']
    assert (c['accessKeyId'], c['secretAccessKey'], c['sessionToken'], c['source']) == \
        ('AKIDLOGIN1', 'login-secret-1', 'login-session-1', 'login')
    assert signin.server.requests == []


def test_refresh_with_dpop_and_cache_written_back(home, fake_server, key):
    signin = FakeSignin(fake_server, key)
    before = write_cache(home, key, 3 * 60)
    c = probe(home, signin)['results'][0][0]['json']
    assert (c['accessKeyId'], c['secretAccessKey'], c['sessionToken']) == ('AKIDLOGIN2', 'login-secret-2', 'login-session-2')
    req = signin.server.requests[0]
    assert json.loads(req['body']) == {'clientId': CLIENT_ID, 'refreshToken': 'rt-1', 'grantType': 'refresh_token'}
    assert list(json.loads(req['body'])) == ['clientId', 'refreshToken', 'grantType']
    claims = signin.proofs[0]
    assert claims['htm'] == 'POST' and claims['htu'] == signin.url + '/v1/token'
    assert abs(claims['iat'] - time.time()) < 60 and len(claims['jti']) == 36
    after = json.load(open(cache_file(home)))
    assert list(after) == list(before)  # botocore's token.update keeps every member where it was
    assert after['refreshToken'] == 'rt-1+1' and after['dpopKey'] == before['dpopKey']
    assert list(after['accessToken']) == ['accessKeyId', 'secretAccessKey', 'sessionToken', 'accountId', 'expiresAt']
    assert after['accessToken']['accountId'] == '123456789012'
    expires = time.mktime(time.strptime(after['accessToken']['expiresAt'], '%Y-%m-%dT%H:%M:%SZ')) - time.timezone
    assert abs(expires - (time.time() + 900)) < 30


def test_refresh_when_the_clock_moves(home, fake_server, key):
    signin = FakeSignin(fake_server, key)
    write_cache(home, key, 3600)
    r = probe(home, signin, [{'credentials': True}, {'clock': 56 * 60}, {'credentials': True}])
    assert [x[0]['json']['accessKeyId'] for x in r['results']] == ['AKIDLOGIN1', 'AKIDLOGIN2']
    assert len(signin.server.requests) == 1


@pytest.mark.parametrize('answer, code', [('TOKEN_EXPIRED', 'LoginRefreshRequired'),
                                          ('INSUFFICIENT_PERMISSIONS', 'LoginInsufficientPermissions'),
                                          ('server_error', 'LoginError')])
def test_refresh_refused(home, fake_server, key, answer, code):
    signin = FakeSignin(fake_server, key, answer=answer)
    write_cache(home, key, 60)
    err = probe(home, signin)['results'][0][0]['json']['error']
    assert err['kind'] == 'credentials' and err['code'] == code
    assert 'aws login --profile default' in err['message'] and 'login-secret' not in err['message']


def test_missing_cache(home, fake_server, key):
    signin = FakeSignin(fake_server, key)
    err = probe(home, signin)['results'][0][0]['json']['error']
    assert err['code'] == 'LoginTokenLoadError' and SESSION in err['message']


def test_wrong_key_curve(home, fake_server, key):
    signin = FakeSignin(fake_server, key)
    write_cache(home, ec.generate_private_key(ec.SECP384R1()), 60)
    err = probe(home, signin)['results'][0][0]['json']['error']
    assert err['code'] == 'LoginTokenLoadError' and 'dpopKey' in err['message']
    assert signin.server.requests == []


@pytest.mark.skipif(not botocore_has_crt(), reason='no IVS_BOTOCORE_CRT_PYTHON with botocore[crt] (run scripts/setup.sh)')
def test_same_refresh_as_botocore(home, fake_server, key):
    signin = FakeSignin(fake_server, key)
    steps = [{'credentials': True}, {'clock': 30 * 60}, {'credentials': True}]
    write_cache(home, key, 3 * 60)
    mine = [x[0]['json'] for x in probe(home, signin, steps)['results']]
    mine_cache = open(cache_file(home)).read()
    write_cache(home, key, 3 * 60)
    ref = home.botocore(REGION, None, steps, env={'AWS_ENDPOINT_URL_SIGNIN': signin.url},
                        python=BOTOCORE_CRT_PYTHON)['results']
    ref_cache = open(cache_file(home)).read()
    for a, b in zip(mine, ref):
        assert (a['accessKeyId'], a['secretAccessKey'], a['sessionToken'], a['source']) == \
            (b['accessKeyId'], b['secretAccessKey'], b['sessionToken'], b['source'])
    lib, boto = signin.server.requests[:2], signin.server.requests[2:]
    assert len(lib) == len(boto) == 2  # refreshed at first (3 minutes left), again 30 minutes on
    for a, b in zip(lib, boto):
        assert (a['method'], a['path']) == (b['method'], b['path'])
        assert json.loads(a['body']) == json.loads(b['body'])
        assert a['headers']['dpop'].split('.')[0] == b['headers']['dpop'].split('.')[0]  # same header and key
    assert [p['htu'] for p in signin.proofs[:2]] == [p['htu'] for p in signin.proofs[2:]]
    expiry = re.compile(r'"expiresAt": "[^"]*"')
    assert expiry.sub('', mine_cache) == expiry.sub('', ref_cache)
