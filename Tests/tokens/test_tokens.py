"""libivs tokens and keys through the C ABI, checked with independent implementations: joserfc (JOSE)
and cryptography (PEM, ECDSA). Every documented rule is checked both ways: accepted at its limit,
refused one past it. The round trips import the keys into ivs-local and mint tokens for its stages."""
import base64
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

# ivs_status values (include/ivs.h); not imported from conftest, whose module name other suites share.
IVS_OK, IVS_E_INVALID_ARGUMENT, IVS_E_VALIDATION, IVS_E_SERVICE = 0, 1, 2, 6

ACCOUNT = '123456789012'
CHANNEL_ARN = f'arn:aws:ivs:us-west-2:{ACCOUNT}:channel/AbCd1234'
STAGE_ARN = f'arn:aws:ivs:us-west-2:{ACCOUNT}:stage/Stage123'
PUBLIC_KEY_ARN = f'arn:aws:ivs:us-west-2:{ACCOUNT}:public-key/Key123'
EVENTS = 'wss://global.events.live-video.net'
WHIP = 'https://abc.global-bm.whip.live-video.net'


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def decode(token, public_pem):
    """Verify with joserfc (signature, algorithm) and check exp with its claims registry."""
    tok = jwt.decode(token, ECKey.import_key(public_pem), algorithms=['ES384'])
    jwt.JWTClaimsRegistry(exp={'essential': True}).validate(tok.claims)
    return tok.header, tok.claims


def pem_private(key, fmt=serialization.PrivateFormat.PKCS8, enc=serialization.NoEncryption()):
    return key.private_bytes(serialization.Encoding.PEM, fmt, enc).decode()


def pem_public(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def problems(err):
    assert err['error']['kind'] == 'validation', err
    assert err['error']['code'] == 'ParamValidationError'
    return {p['path']: p['problem'] for p in err['error']['fields']['problems']}


@pytest.fixture
def playback(lib, keypair):
    def make(**members):
        req = {'privateKey': keypair['privateKey'], 'channelArn': CHANNEL_ARN, **members}
        return lib.call('ivs_playback_token', req)
    return make


@pytest.fixture
def participant(lib, keypair):
    def make(**members):
        req = {'privateKey': keypair['privateKey'], 'publicKeyArn': PUBLIC_KEY_ARN, 'stageArn': STAGE_ARN,
               'eventsUrl': EVENTS, 'whipUrl': WHIP, **members}
        return lib.call('ivs_participant_token', req)
    return make


def ok(result):
    status, out = result
    assert status == IVS_OK, out
    return out


def refused(result, path, text=''):
    status, out = result
    assert status == IVS_E_VALIDATION, out
    p = problems(out)
    assert path in p, p
    assert text in p[path], p[path]
    return p[path]


# ---------------------------------------------------------------------------------------------- keys

def test_keypair_is_p384_pkcs8_and_spki(lib):
    kp = lib.keypair()
    assert set(kp) == {'privateKey', 'publicKey'}
    assert kp['privateKey'].startswith('-----BEGIN PRIVATE KEY-----\n')
    assert kp['publicKey'].startswith('-----BEGIN PUBLIC KEY-----\n')
    priv = serialization.load_pem_private_key(kp['privateKey'].encode(), password=None)
    pub = serialization.load_pem_public_key(kp['publicKey'].encode())
    assert isinstance(priv, ec.EllipticCurvePrivateKey) and priv.curve.name == 'secp384r1'
    assert priv.public_key().public_numbers() == pub.public_numbers()
    assert lib.keypair()['publicKey'] != kp['publicKey']


def test_signature_is_raw_r_s_not_der(playback, keypair):
    token = ok(playback())['token']
    head, payload, sig = token.split('.')
    raw = b64url_decode(sig)
    assert len(raw) == 96 and '=' not in token
    r, s = int.from_bytes(raw[:48], 'big'), int.from_bytes(raw[48:], 'big')
    pub = serialization.load_pem_public_key(keypair['publicKey'].encode())
    pub.verify(encode_dss_signature(r, s), f'{head}.{payload}'.encode(), ec.ECDSA(hashes.SHA384()))


# ----------------------------------------------------------------------------------- playback tokens

def test_playback_token_verifies_with_joserfc(playback, keypair):
    before = int(time.time())
    out = ok(playback(accessControlAllowOrigin='https://a.example,https://*.b.example', strictOriginEnforcement=True,
                      maximumResolution='FULL_HD', playbackUrl='https://p.example/x.m3u8'))
    after = int(time.time())
    header, claims = decode(out['token'], keypair['publicKey'])
    assert header == {'alg': 'ES384', 'typ': 'JWT'}
    assert claims['aws:channel-arn'] == CHANNEL_ARN
    assert claims['aws:access-control-allow-origin'] == 'https://a.example,https://*.b.example'
    assert claims['aws:strict-origin-enforcement'] is True
    assert claims['aws:maximum-resolution'] == 'FULL_HD'
    assert before + 3600 <= claims['exp'] <= after + 3600
    assert set(claims) == {'aws:channel-arn', 'aws:access-control-allow-origin', 'aws:strict-origin-enforcement',
                           'aws:maximum-resolution', 'exp'}
    assert out['expiresAt'] == time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(claims['exp']))
    assert out['playbackUrl'] == 'https://p.example/x.m3u8?token=' + out['token']


def test_playback_optional_claims(playback, keypair):
    u = str(uuid.uuid4())
    out = ok(playback(singleUseUuid=u, viewerId='viewer-7', viewerSessionVersion=2, maximumResolution='SD'))
    _, claims = decode(out['token'], keypair['publicKey'])
    assert claims['aws:single-use-uuid'] == u
    assert claims['aws:viewer-id'] == 'viewer-7'
    assert claims['aws:viewer-session-version'] == 2
    assert claims['aws:maximum-resolution'] == 'SD'
    assert 'playbackUrl' not in out


@pytest.mark.parametrize('restriction', [{'viewerId': 'viewer-1'}, {'singleUseUuid': str(uuid.uuid4())}])
def test_exp_at_most_ten_minutes_with_viewer_id_or_single_use(playback, keypair, restriction):
    before = int(time.time())
    default = ok(playback(**restriction))
    at_limit = ok(playback(expiresIn=600, **restriction))
    after = int(time.time())
    for out in (default, at_limit):
        _, claims = decode(out['token'], keypair['publicKey'])
        assert before + 600 <= claims['exp'] <= after + 600
    refused(playback(expiresIn=601, **restriction), 'expiresIn', '600')


def test_longer_lifetimes_without_viewer_restrictions(playback, keypair):
    before = int(time.time())
    _, claims = decode(ok(playback(expiresIn=86400))['token'], keypair['publicKey'])
    assert before + 86400 <= claims['exp'] <= int(time.time()) + 86400
    refused(playback(expiresIn=0), 'expiresIn')
    refused(playback(expiresIn=-5), 'expiresIn')
    refused(playback(expiresIn=1.5), 'expiresIn', 'integer')


def test_viewer_id_at_most_40_characters(playback, keypair):
    forty = 'ü' * 40
    _, claims = decode(ok(playback(viewerId=forty))['token'], keypair['publicKey'])
    assert claims['aws:viewer-id'] == forty
    refused(playback(viewerId=forty + 'x'), 'viewerId', '40')
    refused(playback(viewerId=''), 'viewerId')


def test_at_most_five_origins_with_strict_enforcement(playback, keypair):
    origins = [f'https://o{i}.example' for i in range(1, 7)]
    ok(playback(accessControlAllowOrigin=','.join(origins[:5]), strictOriginEnforcement=True))
    ok(playback(accessControlAllowOrigin=origins[:5], strictOriginEnforcement=True))
    refused(playback(accessControlAllowOrigin=','.join(origins), strictOriginEnforcement=True),
            'accessControlAllowOrigin', 'at most 5')
    refused(playback(accessControlAllowOrigin=origins, strictOriginEnforcement=True), 'accessControlAllowOrigin')
    out = ok(playback(accessControlAllowOrigin=origins))
    _, claims = decode(out['token'], keypair['publicKey'])
    assert claims['aws:access-control-allow-origin'] == ','.join(origins)


@pytest.mark.parametrize('members,path', [
    ({'maximumResolution': '4K'}, 'maximumResolution'),
    ({'singleUseUuid': 'not-a-uuid'}, 'singleUseUuid'),
    ({'viewerSessionVersion': -1}, 'viewerSessionVersion'),
    ({'channelArn': f'arn:aws:ivs:us-west-2:{ACCOUNT}:stage/x'}, 'channelArn'),
    ({'channelArn': None}, 'channelArn'),
    ({'strictOriginEnforcement': 'true'}, 'strictOriginEnforcement'),
    ({'playbackUrl': 'x.m3u8'}, 'playbackUrl'),
    ({'channelARN': CHANNEL_ARN}, 'channelARN'),
])
def test_playback_bad_members(playback, members, path):
    refused(playback(**members), path)


def test_every_problem_is_reported_at_once(lib, keypair):
    status, err = lib.call('ivs_playback_token', {'privateKey': keypair['publicKey'], 'viewerId': 'v' * 41,
                                                  'expiresIn': 601})
    assert status == IVS_E_VALIDATION
    assert set(problems(err)) == {'privateKey', 'channelArn', 'viewerId', 'expiresIn'}


# -------------------------------------------------------------------------------- participant tokens

def test_participant_token_verifies_with_joserfc(participant, keypair):
    before = int(time.time())
    out = ok(participant(participantId='host_1', userId='alice', attributes={'role': 'host'},
                         capabilities=['PUBLISH'], duration=90))
    after = int(time.time())
    pt = out['participantToken']
    header, claims = decode(pt['token'], keypair['publicKey'])
    assert header == {'alg': 'ES384', 'typ': 'JWT', 'kid': PUBLIC_KEY_ARN}
    assert before <= claims['iat'] <= after
    assert claims['exp'] == claims['iat'] + 90 * 60
    assert claims['jti'] == 'host_1'
    assert claims['resource'] == STAGE_ARN
    assert claims['topic'] == 'Stage123'
    assert claims['events_url'] == EVENTS and claims['whip_url'] == WHIP
    assert claims['user_id'] == 'alice'
    assert claims['attributes'] == {'role': 'host'}
    assert claims['capabilities'] == {'allow_publish': True, 'allow_subscribe': False}
    assert claims['version'] == '1.0'
    assert pt == {'token': pt['token'], 'participantId': 'host_1', 'userId': 'alice', 'attributes': {'role': 'host'},
                  'capabilities': ['PUBLISH'], 'duration': 90,
                  'expirationTime': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(claims['exp']))}


def test_participant_defaults(participant, keypair):
    pt = ok(participant())['participantToken']
    _, claims = decode(pt['token'], keypair['publicKey'])
    assert pt['duration'] == 720 and claims['exp'] - claims['iat'] == 720 * 60
    assert pt['capabilities'] == ['PUBLISH', 'SUBSCRIBE']
    assert claims['capabilities'] == {'allow_publish': True, 'allow_subscribe': True}
    assert claims['jti'] == pt['participantId'] and len(pt['participantId']) == 12 and pt['participantId'].isalnum()
    assert 'userId' not in pt and 'user_id' not in claims and 'attributes' not in claims
    assert ok(participant())['participantToken']['participantId'] != pt['participantId']


def test_duration_at_most_14_days(participant, keypair):
    pt = ok(participant(duration=20160))['participantToken']
    _, claims = decode(pt['token'], keypair['publicKey'])
    assert claims['exp'] - claims['iat'] == 20160 * 60
    ok(participant(duration=1))
    refused(participant(duration=20161), 'duration', '20160')
    refused(participant(duration=0), 'duration')


def test_user_id_at_most_128_characters(participant):
    ok(participant(userId='ü' * 128))
    refused(participant(userId='ü' * 129), 'userId', '128')


def test_attributes_at_most_1_kb(participant, keypair):
    pt = ok(participant(attributes={'k': 'v' * 1023}))['participantToken']  # 1024 bytes in all
    assert decode(pt['token'], keypair['publicKey'])[1]['attributes'] == {'k': 'v' * 1023}
    refused(participant(attributes={'k': 'v' * 1024}), 'attributes', '1024')
    refused(participant(attributes={'a': 'x' * 500, 'b': 'y' * 600}), 'attributes')
    refused(participant(attributes={'k': 1}), 'attributes.k')


def test_participant_id_pattern(participant):
    ok(participant(participantId='a' * 64))
    ok(participant(participantId='AZaz09_-'))
    refused(participant(participantId='a' * 65), 'participantId')
    for bad in ('', 'a b', 'a.b', 'ä'):
        refused(participant(participantId=bad), 'participantId')


@pytest.mark.parametrize('members,path', [
    ({'capabilities': ['PUBLISH', 'ADMIN']}, 'capabilities[1]'),
    ({'capabilities': 'PUBLISH'}, 'capabilities'),
    ({'stageArn': CHANNEL_ARN}, 'stageArn'),
    ({'publicKeyArn': f'arn:aws:ivs:us-west-2:{ACCOUNT}:playback-key/x'}, 'publicKeyArn'),
    ({'whipUrl': None}, 'whipUrl'),
    ({'eventsUrl': 'global.events.live-video.net'}, 'eventsUrl'),
    ({'duration': '60'}, 'duration'),
])
def test_participant_bad_members(participant, members, path):
    refused(participant(**members), path)


# --------------------------------------------------------------------------------------------- bad keys

BAD_KEYS = {
    'p256': (lambda: pem_private(ec.generate_private_key(ec.SECP256R1())), 'curve P-256'),
    'p521': (lambda: pem_private(ec.generate_private_key(ec.SECP521R1())), 'curve P-521'),
    'secp256k1': (lambda: pem_private(ec.generate_private_key(ec.SECP256K1())), 'curve secp256k1'),
    'rsa': (lambda: pem_private(rsa.generate_private_key(public_exponent=65537, key_size=2048)), 'RSA'),
    'ed25519': (lambda: pem_private(ed25519.Ed25519PrivateKey.generate()), 'ED25519'),
    'encrypted': (lambda: pem_private(ec.generate_private_key(ec.SECP384R1()),
                                      enc=serialization.BestAvailableEncryption(b'pw')), 'encrypted'),
    'public': (lambda: pem_public(ec.generate_private_key(ec.SECP384R1())), 'public key'),
    'garbage': (lambda: 'this is not a key', 'PEM'),
    'truncated': (lambda: '-----BEGIN PRIVATE KEY-----\nMIG2AgEAMBAGByqGSM49\n-----END PRIVATE KEY-----\n', 'PEM'),
    'number': (lambda: 42, 'string'),
}


@pytest.mark.parametrize('kind', sorted(BAD_KEYS))
def test_bad_private_keys_are_validation_errors(lib, kind):
    make, text = BAD_KEYS[kind]
    pem = make()
    for fn, req in (('ivs_playback_token', {'channelArn': CHANNEL_ARN}),
                    ('ivs_participant_token', {'publicKeyArn': PUBLIC_KEY_ARN, 'stageArn': STAGE_ARN,
                                               'eventsUrl': EVENTS, 'whipUrl': WHIP})):
        status, err = lib.call(fn, {'privateKey': pem, **req})
        assert status == IVS_E_VALIDATION, err
        problem = problems(err)['privateKey']
        assert text.lower() in problem.lower(), problem
        if isinstance(pem, str):  # no line of the key in the error
            text_out = json.dumps(err)
            assert not any(line in text_out for line in pem.splitlines() if len(line) > 16 and '-----' not in line)


def test_sec1_p384_private_key_is_accepted(lib, keypair):
    key = ec.generate_private_key(ec.SECP384R1())
    out = ok(lib.call('ivs_playback_token', {'privateKey': pem_private(key, serialization.PrivateFormat.TraditionalOpenSSL),
                                             'channelArn': CHANNEL_ARN}))
    decode(out['token'], pem_public(key))


def test_verify_refuses_wrong_public_keys(lib, playback):
    token = ok(playback())['token']
    for pem, text in ((pem_public(ec.generate_private_key(ec.SECP256R1())), 'P-256'),
                      (pem_public(rsa.generate_private_key(public_exponent=65537, key_size=2048)), 'RSA'),
                      (pem_private(ec.generate_private_key(ec.SECP384R1())), 'private key'),
                      ('nonsense', 'PEM')):
        status, err = lib.call('ivs_token_verify', token, pem)
        assert status == IVS_E_VALIDATION
        assert text.lower() in problems(err)['publicKey'].lower()


# ------------------------------------------------------------------------------------------ verification

def test_verify_returns_header_and_claims(lib, playback, keypair):
    token = ok(playback(viewerId='v1'))['token']
    out = ok(lib.call('ivs_token_verify', token, keypair['publicKey']))
    header, claims = decode(token, keypair['publicKey'])
    assert out == {'header': header, 'claims': claims}


def test_verify_accepts_tokens_signed_by_joserfc(lib, keypair):
    claims = {'aws:channel-arn': CHANNEL_ARN, 'exp': int(time.time()) + 300}
    token = jwt.encode({'alg': 'ES384', 'typ': 'JWT'}, claims, ECKey.import_key(keypair['privateKey']),
                       algorithms=['ES384'])
    assert ok(lib.call('ivs_token_verify', token, keypair['publicKey']))['claims'] == claims


def test_verify_refuses_bad_tokens(lib, keypair):
    key = ECKey.import_key(keypair['privateKey'])

    def sign(claims, header=None):
        return jwt.encode(header or {'alg': 'ES384'}, claims, key, algorithms=['ES384'])

    future = int(time.time()) + 300
    cases = {
        'expired': (sign({'exp': int(time.time()) - 1}), 'expired'),
        'no exp': (sign({'aws:channel-arn': CHANNEL_ARN}), 'exp'),
        'not yet valid': (sign({'exp': future, 'nbf': future - 10}), 'before'),
        'other key': (jwt.encode({'alg': 'ES384'}, {'exp': future}, ECKey.generate_key('P-384'), algorithms=['ES384']),
                      'signature'),
        'alg none': (base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b'=').decode() + '.'
                     + sign({'exp': future}).split('.')[1] + '.', 'ES384'),
        'garbage': ('not.a.token', 'base64url'),
        'two parts': ('abc.def', 'parts'),
    }
    cases['exp far past'] = (sign({'exp': -1e308}), 'expired')
    cases['nbf far future'] = (sign({'exp': 1e308, 'nbf': 1e308}), 'before')
    cases['exp not a number'] = (sign({'exp': str(future)}), 'exp')
    tampered = sign({'exp': future, 'aws:viewer-id': 'a'}).split('.')
    tampered[1] = base64.urlsafe_b64encode(json.dumps({'exp': future, 'aws:viewer-id': 'b'}).encode()).rstrip(b'=').decode()
    cases['tampered'] = ('.'.join(tampered), 'signature')
    hs = jwt.encode({'alg': 'HS256'}, {'exp': future}, __import__('joserfc.jwk', fromlist=['OctKey']).OctKey.import_key('k' * 32))
    cases['hs256'] = (hs, 'ES384')
    for name, (token, text) in cases.items():
        status, err = lib.call('ivs_token_verify', token, keypair['publicKey'])
        assert status == IVS_E_VALIDATION, name
        assert text in problems(err)['token'], (name, err)
        with pytest.raises((JoseError, ValueError)):  # the independent implementation agrees
            decode(token, keypair['publicKey'])


# ------------------------------------------------------------------------------------------- C ABI edges

def test_null_and_malformed_arguments(lib, keypair):
    for name, args in (('ivs_playback_token', (None,)), ('ivs_participant_token', (None,)),
                       ('ivs_token_verify', (None, keypair['publicKey'])), ('ivs_token_verify', ('a.b.c', None)),
                       ('ivs_participant_token_for_stage', (None, '{}'))):
        status, err = lib.call(name, *args)
        assert status == IVS_E_INVALID_ARGUMENT and err['error']['kind'] == 'invalid_argument', (name, err)
    for text in (b'', b'{', b'[]', b'"x"', b'{"a":1,"a":1}', b'{"privateKey":"\xff"}'):
        status, err = lib.call('ivs_playback_token', text)
        assert status == IVS_E_INVALID_ARGUMENT, (text, err)
    # A NULL out pointer is refused without a crash.
    assert lib.dll.ivs_keypair_generate(None) == IVS_E_INVALID_ARGUMENT
    assert lib.dll.ivs_playback_token(b'{}', None) == IVS_E_INVALID_ARGUMENT


def test_huge_and_nested_input(lib, keypair):
    status, _ = lib.call('ivs_playback_token', '[' * 100000 + ']' * 100000)
    assert status == IVS_E_INVALID_ARGUMENT
    status, err = lib.call('ivs_token_verify', 'a' * 1_000_000, keypair['publicKey'])
    assert status == IVS_E_VALIDATION and 'too large' in problems(err)['token']
    status, err = lib.call('ivs_playback_token', {'privateKey': 'x' * 1_000_000, 'channelArn': CHANNEL_ARN})
    assert status == IVS_E_VALIDATION and 'too large' in problems(err)['privateKey']


# -------------------------------------------------------------------------------- round trips: ivs-local

def test_round_trip_playback_key_pair_and_private_channel(lib, client, keypair, fresh):
    imported = ok(lib.ivs_call(client, 'ivs', 'ImportPlaybackKeyPair',
                               {'publicKeyMaterial': keypair['publicKey'], 'name': 'tokens'}))
    assert imported['keyPair']['arn'].startswith('arn:aws:ivs:us-west-2:')
    channel = ok(lib.ivs_call(client, 'ivs', 'CreateChannel', {'name': 'private', 'authorized': True}))['channel']
    out = ok(lib.call('ivs_playback_token', {'privateKey': keypair['privateKey'], 'channelArn': channel['arn'],
                                             'playbackUrl': channel['playbackUrl'], 'viewerId': 'viewer-1'}))
    _, claims = decode(out['token'], keypair['publicKey'])
    assert claims['aws:channel-arn'] == channel['arn']
    assert out['playbackUrl'] == channel['playbackUrl'] + '?token=' + out['token']
    # The same public key cannot be imported twice: ivs-local saw exactly our key.
    status, err = lib.ivs_call(client, 'ivs', 'ImportPlaybackKeyPair', {'publicKeyMaterial': keypair['publicKey']})
    assert status == IVS_E_SERVICE and err['error']['code'] == 'ConflictException'


def test_round_trip_participant_token_for_stage(lib, client, fresh):
    kp = lib.keypair()
    key_arn = ok(lib.ivs_call(client, 'ivs-realtime', 'ImportPublicKey',
                              {'publicKeyMaterial': kp['publicKey'], 'name': 'tokens'}))['publicKey']['arn']
    stage = ok(lib.ivs_call(client, 'ivs-realtime', 'CreateStage', {'name': 'tokens'}))['stage']
    endpoints = ok(lib.ivs_call(client, 'ivs-realtime', 'GetStage', {'arn': stage['arn']}))['stage']['endpoints']

    direct = ok(lib.call('ivs_participant_token', {'privateKey': kp['privateKey'], 'publicKeyArn': key_arn,
                                                   'stageArn': stage['arn'], 'eventsUrl': endpoints['events'],
                                                   'whipUrl': endpoints['whip'], 'userId': 'u1'}))
    before = len(fresh(operation='GetStage'))
    via = ok(lib.call('ivs_participant_token_for_stage', client,
                      {'privateKey': kp['privateKey'], 'publicKeyArn': key_arn, 'stageArn': stage['arn'],
                       'userId': 'u1', 'capabilities': ['SUBSCRIBE']}))
    assert len(fresh(operation='GetStage')) == before + 1
    for out in (direct, via):
        header, claims = decode(out['participantToken']['token'], kp['publicKey'])
        assert header['kid'] == key_arn
        assert claims['resource'] == stage['arn'] and claims['topic'] == stage['arn'].rsplit('/', 1)[1]
        assert claims['events_url'] == endpoints['events'] and claims['whip_url'] == endpoints['whip']
        assert claims['user_id'] == 'u1'
        verified = ok(lib.call('ivs_token_verify', out['participantToken']['token'], kp['publicKey']))
        assert verified['claims'] == claims
    assert decode(via['participantToken']['token'], kp['publicKey'])[1]['capabilities'] == \
        {'allow_publish': False, 'allow_subscribe': True}
    # The key ivs-local holds is the one that verifies the tokens.
    stored = ok(lib.ivs_call(client, 'ivs-realtime', 'GetPublicKey', {'arn': key_arn}))['publicKey']
    decode(via['participantToken']['token'], stored['publicKeyMaterial'])


def test_for_stage_errors(lib, client, keypair, fresh):
    base = {'privateKey': keypair['privateKey'], 'publicKeyArn': PUBLIC_KEY_ARN}
    status, err = lib.call('ivs_participant_token_for_stage', client,
                           {**base, 'stageArn': f'arn:aws:ivs:us-west-2:{ACCOUNT}:stage/missing'})
    assert status == IVS_E_SERVICE and err['error']['code'] == 'ResourceNotFoundException', err
    # Request problems are found before anything is sent.
    sent = len(fresh(operation='GetStage'))
    status, err = lib.call('ivs_participant_token_for_stage', client,
                           {**base, 'stageArn': STAGE_ARN, 'eventsUrl': EVENTS, 'duration': 20161})
    assert status == IVS_E_VALIDATION
    assert set(problems(err)) == {'eventsUrl', 'duration'}
    assert len(fresh(operation='GetStage')) == sent
