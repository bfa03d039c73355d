"""The same scenarios through boto3 and through ivs, each on a freshly reset ivs-local, must give
equal results: outputs, modeled error responses and response metadata, once request ids, headers
and the values the emulator generates (ids, ARNs, keys, tokens, times) are replaced by placeholders
in order of first appearance (so "the ARN create returned is the one get returns" is still checked).
"""
import datetime
import re

import botocore.exceptions
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import ivs

GENERATED_KEYS = re.compile(r"(?i)(arn|id|token|value|passphrase|endpoint|url|fingerprint|whip|rtmps?|events)$")
ARN = re.compile(r"arn:aws:[a-z-]+:[a-z0-9-]+:\d{12}:[a-z-]+/[A-Za-z0-9]+")


class Recorder:
    """Runs steps against one client and records each output or error, normalized later."""

    def __init__(self, client, control):
        self.client = client
        self.control = control
        self.log = []

    def __call__(self, label, method, **kwargs):
        try:
            out = getattr(self.client, method)(**kwargs)
        except (botocore.exceptions.ClientError, ivs.exceptions.ClientError) as e:
            self.log.append((label, "error", type(e).__name__, error_view(e.response, e.operation_name)))
            return None
        self.log.append((label, "ok", output_view(out)))
        return out


def output_view(out):
    out = dict(out)
    meta = out.pop("ResponseMetadata")
    out["ResponseMetadata"] = metadata_view(meta)
    return out


def metadata_view(meta):
    return {k: v for k, v in meta.items() if k not in ("RequestId", "HTTPHeaders")}


HEADER_MEMBERS = {"accessControlAllowOrigin", "accessControlExposeHeaders", "cacheControl", "contentSecurityPolicy",
                  "strictTransportSecurity", "xContentTypeOptions", "xFrameOptions", "xAmznErrorType"}


def error_view(response, operation):
    view = {k: v for k, v in response.items() if k != "ResponseMetadata" and k not in HEADER_MEMBERS}
    meta = response["ResponseMetadata"]
    view["ResponseMetadata"] = metadata_view(meta)
    view["operation"] = operation
    return view


def normalize(log):
    """Generated values -> <G1>, <G2>, ... consistently across the whole log; datetimes -> <time>
    after checking they are aware and UTC."""
    names = {}

    def name_of(value):
        if value not in names:
            names[value] = f"<G{len(names) + 1}>"
        return names[value]

    def collect(v, key=""):
        if isinstance(v, dict):
            for k in sorted(v):
                collect(v[k], k)
        elif isinstance(v, (list, tuple)):
            for x in v:
                collect(x, key)
        elif isinstance(v, str):
            for m in ARN.findall(v):
                name_of(m)
            if v and GENERATED_KEYS.search(key) and not v.isupper():
                name_of(v)

    def rewrite(v):
        if isinstance(v, dict):
            return {k: rewrite(v[k]) for k in sorted(v)}
        if isinstance(v, (list, tuple)):
            return [rewrite(x) for x in v]
        if isinstance(v, datetime.datetime):
            assert v.tzinfo is not None and v.utcoffset() == datetime.timedelta(0), v
            return "<time>"
        if isinstance(v, str):
            if v in names:
                return names[v]
            for original in sorted(names, key=len, reverse=True):
                if len(original) >= 8 and original in v:
                    v = v.replace(original, names[original])
            return v
        return v

    collect(log)
    return rewrite(log)


def public_pem():
    key = ec.generate_private_key(ec.SECP384R1())
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def scenario_ivs(r, control, pem):
    ch = r("create channel", "create_channel", name="parity", latencyMode="LOW", type="STANDARD", tags={"team": "a"})
    arn = ch["channel"]["arn"]
    r("get channel", "get_channel", arn=arn)
    r("update channel", "update_channel", arn=arn, name="parity2", latencyMode="NORMAL")
    r("list channels", "list_channels", filterByName="parity2")
    r("second stream key", "create_stream_key", channelArn=arn)
    keys = r("list stream keys", "list_stream_keys", channelArn=arn)
    r("get stream key", "get_stream_key", arn=keys["streamKeys"][0]["arn"])
    r("batch get", "batch_get_channel", arns=[arn, arn[:-4] + "Zzzz"])
    r("tag", "tag_resource", resourceArn=arn, tags={"env": "test", "k2": "v2"})
    r("untag", "untag_resource", resourceArn=arn, tagKeys=["k2"])
    r("tags", "list_tags_for_resource", resourceArn=arn)
    rc = r("recording", "create_recording_configuration", name="rec",
           destinationConfiguration={"s3": {"bucketName": "parity-bucket"}},
           thumbnailConfiguration={"recordingMode": "INTERVAL", "targetIntervalSeconds": 30})
    r("get recording", "get_recording_configuration", arn=rc["recordingConfiguration"]["arn"])
    r("import key pair", "import_playback_key_pair", publicKeyMaterial=pem, name="signer")
    r("list key pairs", "list_playback_key_pairs")
    r("policy", "create_playback_restriction_policy", allowedCountries=["US"], allowedOrigins=["https://a.example"])
    r("offline stream", "get_stream", channelArn=arn)
    control.post("streams/start", {"channelArn": arn, "viewerCount": 3})
    r("live stream", "get_stream", channelArn=arn)
    r("list streams", "list_streams")
    r("put metadata", "put_metadata", channelArn=arn, metadata="hello")
    sessions = r("stream sessions", "list_stream_sessions", channelArn=arn)
    r("stream session", "get_stream_session", channelArn=arn, streamId=sessions["streamSessions"][0]["streamId"])
    r("delete live", "delete_channel", arn=arn)
    r("stop stream", "stop_stream", channelArn=arn)
    r("delete channel", "delete_channel", arn=arn)
    r("get deleted", "get_channel", arn=arn)


def scenario_realtime(r, control, pem):
    st = r("create stage", "create_stage", name="parity", tags={"t": "1"},
           participantTokenConfigurations=[{"userId": "u1", "capabilities": ["PUBLISH", "SUBSCRIBE"],
                                            "attributes": {"a": "b"}, "duration": 60}])
    arn = st["stage"]["arn"]
    r("get stage", "get_stage", arn=arn)
    r("update stage", "update_stage", arn=arn, name="parity2")
    r("list stages", "list_stages")
    tok = r("participant token", "create_participant_token", stageArn=arn, userId="u2", duration=30,
            capabilities=["SUBSCRIBE"])
    control.post("stages/participants", {"stageArn": arn, "participantId": tok["participantToken"]["participantId"]})
    sessions = r("stage sessions", "list_stage_sessions", stageArn=arn)
    sid = sessions["stageSessions"][0]["sessionId"]
    r("stage session", "get_stage_session", stageArn=arn, sessionId=sid)
    parts = r("participants", "list_participants", stageArn=arn, sessionId=sid)
    pid = parts["participants"][0]["participantId"]
    r("participant", "get_participant", stageArn=arn, sessionId=sid, participantId=pid)
    r("participant events", "list_participant_events", stageArn=arn, sessionId=sid, participantId=pid)
    r("encoder", "create_encoder_configuration", name="enc", video={"width": 1280, "height": 720, "framerate": 30.0,
                                                                     "bitrate": 2500000})
    r("storage", "create_storage_configuration", name="sto", s3={"bucketName": "parity-bucket"})
    r("import public key", "import_public_key", publicKeyMaterial=pem, name="pk")
    r("public keys", "list_public_keys")
    r("tag", "tag_resource", resourceArn=arn, tags={"x": "y"})
    r("tags", "list_tags_for_resource", resourceArn=arn)
    r("disconnect", "disconnect_participant", stageArn=arn, participantId=pid, reason="bye")
    r("delete stage", "delete_stage", arn=arn)
    r("get deleted", "get_stage", arn=arn)
    r("no composition", "get_composition", arn="arn:aws:ivs:us-west-2:123456789012:composition/AbCdEfGh1234")


def scenario_chat(r, control, pem):
    lc = r("logging", "create_logging_configuration", name="logs",
           destinationConfiguration={"cloudWatchLogs": {"logGroupName": "/ivs/chat"}})
    room = r("create room", "create_room", name="parity", maximumMessageLength=200, maximumMessageRatePerSecond=5,
             tags={"t": "1"}, loggingConfigurationIdentifiers=[lc["arn"]])
    arn = room["arn"]
    r("get room", "get_room", identifier=arn)
    r("update room", "update_room", identifier=arn, name="parity2", maximumMessageLength=300)
    r("list rooms", "list_rooms", name="parity2")
    r("chat token", "create_chat_token", roomIdentifier=arn, userId="u1", capabilities=["SEND_MESSAGE"],
      sessionDurationInMinutes=30, attributes={"a": "b"})
    r("send event", "send_event", roomIdentifier=arn, eventName="app:hello", attributes={"k": "v"})
    r("delete message", "delete_message", roomIdentifier=arn, id="ABCDEFGHIJKL", reason="spam")
    r("disconnect", "disconnect_user", roomIdentifier=arn, userId="u1", reason="bye")
    r("bad logging", "create_logging_configuration", destinationConfiguration={"s3": {"bucketName": "Not_A_Bucket"}})
    r("list logging", "list_logging_configurations")
    r("tag", "tag_resource", resourceArn=arn, tags={"x": "y"})
    r("untag", "untag_resource", resourceArn=arn, tagKeys=["t"])
    r("tags", "list_tags_for_resource", resourceArn=arn)
    r("delete room", "delete_room", identifier=arn)
    r("get deleted", "get_room", identifier=arn)


SCENARIOS = {"ivs": scenario_ivs, "ivs-realtime": scenario_realtime, "ivschat": scenario_chat}


@pytest.mark.parametrize("service", sorted(SCENARIOS))
def test_same_results_as_boto3(service, fresh, make_boto, make_ivs):
    pem = public_pem()
    logs = []
    for make in (make_boto, make_ivs):
        fresh.reset()
        rec = Recorder(make(service), fresh)
        SCENARIOS[service](rec, fresh, pem)
        logs.append(rec.log)
    expected, got = normalize(logs[0]), normalize(logs[1])
    assert [e[0] for e in got] == [e[0] for e in expected]
    for want, have in zip(expected, got):
        assert have == want, want[0]
    # The scenarios exercise both outcomes.
    assert any(e[1] == "error" for e in expected) and any(e[1] == "ok" for e in expected)


def test_timestamps_are_aware_datetimes_equal_to_boto3s(fresh, make_boto, make_ivs):
    b, i = make_boto("ivs-realtime"), make_ivs("ivs-realtime")
    arn = b.create_stage(name="t")["stage"]["arn"]
    fresh.post("stages/participants", {"stageArn": arn, "userId": "u"})
    sid = b.list_stage_sessions(stageArn=arn)["stageSessions"][0]["sessionId"]
    want = b.get_stage_session(stageArn=arn, sessionId=sid)["stageSession"]
    have = i.get_stage_session(stageArn=arn, sessionId=sid)["stageSession"]
    assert isinstance(have["startTime"], datetime.datetime)
    assert have["startTime"] == want["startTime"]
    assert have["startTime"].utcoffset() == datetime.timedelta(0)
    # A datetime input is sent as ISO 8601 and accepted.
    events = i.list_participant_events(stageArn=arn, sessionId=sid,
                                       participantId=i.list_participants(stageArn=arn, sessionId=sid)
                                       ["participants"][0]["participantId"])
    assert all(isinstance(e["eventTime"], datetime.datetime) for e in events["events"])


def test_every_operation_is_a_method_with_boto3s_name(make_boto, make_ivs):
    for service in ("ivs", "ivs-realtime", "ivschat"):
        b, i = make_boto(service), make_ivs(service)
        want = set(b.meta.method_to_api_mapping)
        have = set(i.meta.method_to_api_mapping)
        assert have == want
        assert {k: v for k, v in i.meta.method_to_api_mapping.items()} == b.meta.method_to_api_mapping
        for name in want:
            assert callable(getattr(i, name))


def test_error_response_carries_header_members(fresh, make_boto, make_ivs):
    arn = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGh1234"
    responses = []
    for make in (make_boto, make_ivs):
        with pytest.raises((botocore.exceptions.ClientError, ivs.exceptions.ClientError)) as info:
            make("ivs").get_channel(arn=arn)
        responses.append({k: v for k, v in info.value.response.items() if k in HEADER_MEMBERS})
    assert responses[1] == responses[0]


TZ_CHECK = """
import sys, boto3, ivs
args = dict(region_name="us-west-2", endpoint_url=sys.argv[1], aws_access_key_id="test", aws_secret_access_key="test")
b, i = boto3.client("ivs-realtime", **args), ivs.client("ivs-realtime", **args)
stage = b.create_stage(name="tz", participantTokenConfigurations=[{"userId": "u"}])
arn = stage["stage"]["arn"]
want = stage["participantTokens"][0]["expirationTime"]
have = i.create_participant_token(stageArn=arn, userId="v")["participantToken"]["expirationTime"]
print(repr(want.tzinfo), repr(have.tzinfo), type(want.tzinfo) is type(have.tzinfo))
"""


@pytest.mark.parametrize("tz", ["UTC", "Etc/UTC", "Europe/Paris", "America/New_York", "GMT"])
def test_datetimes_have_botocores_tzinfo_in_any_local_zone(url, tz):
    """botocore's timestamps get dateutil's tzinfo, which depends on the machine's zone (tzlocal()
    where it is named UTC, else tzutc()); ivs gives the same, so reprs and types match."""
    import os
    import subprocess
    import sys
    from .conftest import BINDING
    env = dict(os.environ, TZ=tz, PYTHONPATH=BINDING)
    out = subprocess.run([sys.executable, "-c", TZ_CHECK, url], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    want, have, same_type = out.stdout.split()
    assert (have, same_type) == (want, "True")
