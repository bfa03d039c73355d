"""ivs.tokens over libivs's token functions: keys, playback and participant tokens checked with
joserfc (an independent JOSE implementation), the C API's rules, and a round trip with ivs-local."""
import datetime
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import ivs
from ivs import _lib, exceptions as exc

pytestmark = pytest.mark.skipif(not _lib.has_function("ivs_token_verify"),
                                reason="this libivs build has no token functions yet")

CHANNEL = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGh1234"
STAGE = "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGh1234"
PUBLIC_KEY_ARN = "arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEfGh1234"


def joserfc_decode(token, public_pem):
    from joserfc import jwt
    from joserfc.jwk import ECKey
    key = ECKey.import_key(public_pem)
    return jwt.decode(token, key, algorithms=["ES384"])


@pytest.fixture(scope="module")
def keys():
    return ivs.tokens.keypair_generate()


def test_keypair_is_p384_pem(keys):
    private = serialization.load_pem_private_key(keys["privateKey"].encode(), password=None)
    public = serialization.load_pem_public_key(keys["publicKey"].encode())
    assert isinstance(private.curve, ec.SECP384R1) and isinstance(public.curve, ec.SECP384R1)
    assert private.public_key().public_numbers() == public.public_numbers()
    assert ivs.tokens.keypair_generate()["privateKey"] != keys["privateKey"]


def test_playback_token(keys):
    out = ivs.tokens.playback_token(privateKey=keys["privateKey"], channelArn=CHANNEL, expiresIn=120,
                                    accessControlAllowOrigin="https://a.example",
                                    playbackUrl="https://x.playback.live-video.net/a.m3u8")
    token = joserfc_decode(out["token"], keys["publicKey"])
    assert token.header["alg"] == "ES384"
    assert token.claims["aws:channel-arn"] == CHANNEL
    assert token.claims["aws:access-control-allow-origin"] == "https://a.example"
    assert isinstance(out["expiresAt"], datetime.datetime) and out["expiresAt"].utcoffset() == datetime.timedelta(0)
    assert int(out["expiresAt"].timestamp()) == token.claims["exp"]
    assert 100 <= token.claims["exp"] - time.time() <= 125
    assert out["playbackUrl"].endswith("?token=" + out["token"])


def test_playback_token_rules(keys):
    with pytest.raises(exc.ParamValidationError):
        ivs.tokens.playback_token(privateKey=keys["privateKey"], channelArn=CHANNEL, viewerId="v", expiresIn=601)
    with pytest.raises(exc.ParamValidationError):
        ivs.tokens.playback_token(privateKey="not a key", channelArn=CHANNEL)
    with pytest.raises(exc.ParamValidationError):
        ivs.tokens.playback_token(privateKey=keys["privateKey"], channelArn=CHANNEL, viewerId="v" * 41)


def test_participant_token(keys):
    out = ivs.tokens.participant_token(privateKey=keys["privateKey"], publicKeyArn=PUBLIC_KEY_ARN, stageArn=STAGE,
                                       eventsUrl="wss://global.events.live-video.net",
                                       whipUrl="https://abc.global-bm.whip.live-video.net", userId="u1",
                                       attributes={"a": "b"}, capabilities=["SUBSCRIBE"], duration=30)["participantToken"]
    token = joserfc_decode(out["token"], keys["publicKey"])
    assert token.header["kid"] == PUBLIC_KEY_ARN and token.header["alg"] == "ES384"
    assert token.claims["resource"] == STAGE and token.claims["user_id"] == "u1"
    assert token.claims["attributes"] == {"a": "b"}
    assert token.claims["capabilities"] == {"allow_publish": False, "allow_subscribe": True}
    assert out["capabilities"] == ["SUBSCRIBE"] and out["duration"] == 30 and out["userId"] == "u1"
    assert int(out["expirationTime"].timestamp()) == token.claims["exp"]
    with pytest.raises(exc.ParamValidationError):
        ivs.tokens.participant_token(privateKey=keys["privateKey"], publicKeyArn=PUBLIC_KEY_ARN, stageArn=STAGE,
                                     eventsUrl="wss://e", whipUrl="https://w", duration=20161)


def test_verify(keys):
    token = ivs.tokens.playback_token(privateKey=keys["privateKey"], channelArn=CHANNEL)["token"]
    out = ivs.tokens.verify(token, keys["publicKey"])
    assert out["claims"]["aws:channel-arn"] == CHANNEL and out["header"]["alg"] == "ES384"
    other = ivs.tokens.keypair_generate()
    with pytest.raises(exc.InvalidTokenError):
        ivs.tokens.verify(token, other["publicKey"])
    head, body, sig = token.split(".")
    with pytest.raises(exc.InvalidTokenError):
        ivs.tokens.verify(f"{head}.{body}x.{sig}", keys["publicKey"])
    with pytest.raises(exc.ParamValidationError):
        ivs.tokens.verify("not a token", keys["publicKey"])


def test_verify_rejects_expired_and_other_algorithms(keys):
    from joserfc import jwt
    from joserfc.jwk import ECKey, OctKey
    key = ECKey.import_key(keys["privateKey"])
    expired = jwt.encode({"alg": "ES384"}, {"aws:channel-arn": CHANNEL, "exp": int(time.time()) - 60}, key,
                         algorithms=["ES384"])
    with pytest.raises(exc.InvalidTokenError):
        ivs.tokens.verify(expired, keys["publicKey"])
    valid = jwt.encode({"alg": "ES384"}, {"aws:channel-arn": CHANNEL, "exp": int(time.time()) + 60}, key,
                       algorithms=["ES384"])
    assert ivs.tokens.verify(valid, keys["publicKey"])["claims"]["aws:channel-arn"] == CHANNEL
    hs = jwt.encode({"alg": "HS256"}, {"exp": int(time.time()) + 60}, OctKey.import_key(b"k" * 32))
    with pytest.raises(exc.InvalidTokenError):
        ivs.tokens.verify(hs, keys["publicKey"])


def test_participant_token_for_stage_round_trip(fresh, make_ivs, keys):
    rt = make_ivs("ivs-realtime")
    pk = rt.import_public_key(publicKeyMaterial=keys["publicKey"], name="signer")["publicKey"]
    stage = rt.create_stage(name="tokens")["stage"]
    out = ivs.tokens.participant_token_for_stage(rt, privateKey=keys["privateKey"], publicKeyArn=pk["arn"],
                                                 stageArn=stage["arn"], userId="u9")["participantToken"]
    claims = joserfc_decode(out["token"], pk["publicKeyMaterial"]).claims
    assert claims["events_url"] == stage["endpoints"]["events"]
    assert claims["whip_url"] == stage["endpoints"]["whip"]
    assert ivs.tokens.verify(out["token"], keys["publicKey"])["claims"]["user_id"] == "u9"
    with pytest.raises(rt.exceptions.ResourceNotFoundException):
        ivs.tokens.participant_token_for_stage(rt, privateKey=keys["privateKey"], publicKeyArn=pk["arn"],
                                               stageArn=stage["arn"][:-4] + "Zzzz")
