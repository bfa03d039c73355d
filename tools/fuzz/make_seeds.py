#!/usr/bin/env python3
"""Writes the seed inputs and dictionaries of the fuzz targets (Sources/IVSFuzz, docs/fuzzing.md).

    python3 tools/fuzz/make_seeds.py      # rewrites fuzz/corpus/<target>/seed-* and fuzz/<target>.dict
    python3 tools/fuzz/make_seeds.py chat sts   # only those targets (websocket, chat, sts)

Seeds are realistic data in each target's input format: responses shaped by the models for every
operation (and error responses as the services send them), the inputs of
Tests/IVSCoreTests/Fixtures/serializer.json, shared config files as the AWS CLI writes them,
credential documents as the sources return them, and tokens made by libivs itself (through
libivs.so: IVS_LIBRARY, else .build/release/libivs.so from scripts/build.sh). Inputs the fuzzer
added (files named by their SHA-1) are left alone; only seed-* files are replaced.

The response and input targets pick an operation by its index in the generated tables: after a model
refresh adds operations, run this again (older inputs still fuzz, but name other operations).
"""
import ctypes
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
SERVICES = ["ivs", "ivs-realtime", "ivschat"]  # ServiceModel.all's order
GENERATED = {"ivs": "IvsModel.swift", "ivs-realtime": "IvsRealtimeModel.swift", "ivschat": "IvschatModel.swift"}
DATE = "Sat, 21 Nov 2026 09:30:00 GMT"
ACCOUNT = "123456789012"


def load_model(service):
    with open(os.path.join(ROOT, "models", service, "2020-07-14", "service-2.json")) as f:
        return json.load(f)


def operation_order():
    """(service, operation) in the order of the generated tables: the fuzz targets' byte picks one."""
    out = []
    for s in SERVICES:
        with open(os.path.join(ROOT, "Sources", "IVSCore", "Generated", GENERATED[s])) as f:
            out += [(s, name) for name in re.findall(r'^\s*Operation\("(\w+)"', f.read(), re.M)]
    return out


def write_seeds(target, seeds):
    """seeds: {name: bytes}. Replaces the target's seed-* files."""
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    for name, data in seeds.items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(data)
    print(f"{target}: {len(seeds)} seeds")


def write_dict(target, words):
    with open(os.path.join(ROOT, "fuzz", target + ".dict"), "w") as f:
        f.write(f"# libFuzzer dictionary for the {target} fuzz target (written by tools/fuzz/make_seeds.py)\n")
        for w in sorted(set(words)):
            # Bytes: latin-1 where every character fits (so "\xff" is the byte 0xff), else UTF-8.
            b = w.encode("latin-1") if all(ord(c) < 256 for c in w) else w.encode()
            if not b or len(b) > 64:  # libFuzzer skips longer entries
                continue
            esc = "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else "\\x%02x" % c for c in b)
            f.write(f'"{esc}"\n')


# ---- response -------------------------------------------------------------------------------------

def arn(service, kind, rid="AbCdEfGhIjKl"):
    return f"arn:aws:{'ivs' if service != 'ivschat' else 'ivschat'}:us-west-2:{ACCOUNT}:{kind}/{rid}"


def sample(model, service, shape_name, member, depth, ts_form):
    """A realistic value for an output shape (one element per list and map)."""
    shape = model["shapes"][shape_name]
    t = shape["type"]
    if depth > 6:
        return None
    if t == "structure":
        out = {}
        for m, ref in shape.get("members", {}).items():
            if ref.get("location"):
                continue
            v = sample(model, service, ref["shape"], m, depth + 1, ts_form)
            if v is not None:
                out[m] = v
        return out
    if t == "list":
        v = sample(model, service, shape["member"]["shape"], member, depth + 1, ts_form)
        return [] if v is None else [v]
    if t == "map":
        v = sample(model, service, shape["value"]["shape"], member, depth + 1, ts_form)
        return {} if v is None else {"key1": v}
    if t == "string":
        if "enum" in shape:
            return shape["enum"][0]
        low = member.lower()
        if low.endswith("arn") or "arn:aws" in shape.get("pattern", ""):
            return arn(service, "channel" if service == "ivs" else "stage" if service == "ivs-realtime" else "room")
        if low in ("nexttoken",):
            return "AQICAHhjTj2XEXAMPLEtoken"
        if "url" in low:
            return "https://a1b2c3d4e5f6.us-west-2.playback.live-video.net/api/video/v1/example.m3u8"
        if low == "token":
            return "eyJhbGciOiJFUzM4NCJ9.e30.c2lnbmF0dXJl"
        if low in ("id", "participantid", "sessionid", "streamid"):
            return "st-1A2b3C4d5E6f7G8h9I0jKlMn"
        if low == "name":
            return "example-name"
        return "example"
    if t == "timestamp":
        # ISO 8601 strings, epoch seconds, and epoch seconds as Java prints a double (services written
        # in Java send 1.7952534001E9); the last is written in after json.dumps (see EXPONENT).
        return {"iso": "2026-11-21T09:30:00.123Z", "epoch": 1795253400}.get(ts_form, EXPONENT)
    if t in ("integer", "long"):
        return max(1, shape.get("min", 1))
    if t in ("float", "double"):
        return 1.5
    if t == "boolean":
        return True
    if t == "blob":
        return "ZXhhbXBsZQ=="
    return None


EXPONENT = "@@exponent@@"


def dumps(value):
    """Compact JSON, with EXPONENT strings as the number 1.7952534001E9."""
    return json.dumps(value, separators=(",", ":")).replace(f'"{EXPONENT}"', "1.7952534001E9").encode()


def http_response(status, reason, headers, body):
    head = f"HTTP/1.1 {status} {reason}\r\n"
    for k, v in headers:
        head += f"{k}: {v}\r\n"
    return head.encode("latin-1") + b"\r\n" + body


def aws_headers(service, body, extra=()):
    h = [("Date", DATE), ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
         ("Connection", "keep-alive"), ("x-amzn-RequestId", "8f2c6a1e-5d4b-4c3a-9e8f-7a6b5c4d3e2f")]
    if service == "ivs":
        h += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "x-amzn-RequestId,x-amzn-ErrorType"),
              ("Cache-Control", "no-store, no-cache"), ("Content-Security-Policy", "default-src 'self'"),
              ("Strict-Transport-Security", "max-age=47304000; includeSubDomains"),
              ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY")]
    return h + list(extra)


def response_seeds(ops, models):
    seeds = {}
    index = {op: i for i, op in enumerate(ops)}
    for i, (service, name) in enumerate(ops):
        model = models[service]
        out = model["operations"][name].get("output")
        body = b""
        if out:
            value = sample(model, service, out["shape"], "", 0, ["iso", "epoch", "exponent"][i % 3])
            body = dumps(value)
        status = model["operations"][name]["http"].get("responseCode", 200)
        seeds[f"{service}-{name}"] = bytes([i, 0]) + http_response(status, "OK", aws_headers(service, body), body)

    def put(label, service, name, flags, status, reason, headers, body):
        seeds[label] = bytes([index[(service, name)], flags]) + http_response(status, reason, headers, body)

    # Errors as the services send them: x-amzn-ErrorType with the code (and a URL after ':'), the
    # message in exceptionMessage (ivs, ivs-realtime) or message (ivschat).
    def err(code, msg_key="exceptionMessage", **extra):
        return json.dumps({msg_key: f"{code} happened", **extra}, separators=(",", ":")).encode()
    b = err("ValidationException")
    put("error-400-validation", "ivs", "CreateChannel", 0, 400, "Bad Request",
        aws_headers("ivs", b, [("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazonaws.ivs/")]), b)
    b = err("ResourceNotFoundException")
    put("error-404-not-found", "ivs", "GetChannel", 1, 404, "Not Found",
        aws_headers("ivs", b, [("x-amzn-ErrorType", "ResourceNotFoundException")]), b)
    b = err("AccessDeniedException")
    put("error-403-access-denied", "ivs-realtime", "GetStage", 0, 403, "Forbidden",
        aws_headers("ivs-realtime", b, [("x-amzn-ErrorType", "AccessDeniedException")]), b)
    b = err("ThrottlingException")
    put("error-429-retry-after", "ivs", "ListChannels", 2, 429, "Too Many Requests",
        aws_headers("ivs", b, [("x-amzn-ErrorType", "ThrottlingException"), ("Retry-After", "2")]), b)
    b = err("ThrottlingException")
    put("error-429-retry-after-date", "ivs", "ListStreams", 1, 429, "Too Many Requests",
        aws_headers("ivs", b, [("Retry-After", "Sat, 21 Nov 2026 09:30:05 GMT")]), b)
    b = json.dumps({"__type": "InternalServerException", "message": "internal error"}).encode()
    put("error-500-retry-after-ms", "ivs-realtime", "ListStages", 3, 500, "Internal Server Error",
        aws_headers("ivs-realtime", b, [("x-amz-retry-after", "1500")]), b)
    b = err("ConflictException", "message", resourceId="AbCdEfGhIjKl", resourceType="ROOM")
    put("error-409-chat-conflict", "ivschat", "DeleteRoom", 0, 409, "Conflict",
        aws_headers("ivschat", b, [("x-amzn-ErrorType", "ConflictException:http://internal.amazon.com/coral/com.amazonaws.ivschat/")]), b)
    html = b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>try again</body></html>"
    put("error-503-html", "ivschat", "ListRooms", 4, 503, "Service Unavailable",
        [("Date", DATE), ("Content-Type", "text/html"), ("Content-Length", str(len(html)))], html)
    put("error-502-empty", "ivs", "GetStream", 0, 502, "Bad Gateway", [("Date", DATE), ("Content-Length", "0")], b"")

    # Transport-level shapes: an interim 100 Continue, repeated and non-UTF-8 headers, a body in
    # small pieces, a body over the 1024-byte bound, no Content-Length.
    body = json.dumps({"channels": [{"arn": arn("ivs", "channel"), "name": "a", "latencyMode": "LOW"}],
                       "nextToken": "AQICAHhjTj2XEXAMPLEtoken"}, separators=(",", ":")).encode()
    seeds["continue-then-200"] = (bytes([index[("ivs", "ListChannels")], 0]) + b"HTTP/1.1 100 Continue\r\n\r\n"
                                  + http_response(200, "OK", aws_headers("ivs", body), body))
    put("repeated-headers", "ivs", "ListChannels", 0, 200, "OK",
        aws_headers("ivs", body, [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]), body)
    seeds["non-utf8-header"] = (bytes([index[("ivs", "ListChannels")], 0])
                                + http_response(200, "OK", aws_headers("ivs", body), body).replace(
                                    b"Connection: keep-alive", b"X-Weird: \xff\xfe caf\xc3\xa9"))
    put("pieces-of-7", "ivs", "ListChannels", 7 << 3, 200, "OK", aws_headers("ivs", body), body)
    big = json.dumps({"channels": [{"arn": arn("ivs", "channel", f"Ch{i:010d}"), "name": f"c{i}"} for i in range(20)]},
                     separators=(",", ":")).encode()
    put("over-1024-bytes", "ivs", "ListChannels", 4, 200, "OK", aws_headers("ivs", big), big)
    stream = json.dumps({"stream": {"channelArn": arn("ivs", "channel"), "streamId": "st-1A2b3C4d5E6f7G8h9I0jKlMn",
                                    "playbackUrl": "https://example.m3u8", "startTime": 1795253400.25,
                                    "state": "LIVE", "health": "HEALTHY", "viewerCount": 12}}).encode()
    put("http10-no-length", "ivs", "GetStream", 0, 200, "OK",
        [("Date", DATE), ("Content-Type", "application/json"), ("x-amzn-RequestId", "req-1")], stream)
    token = json.dumps({"token": "abc", "tokenExpirationTime": "2026-11-21T10:30:00Z",
                        "sessionExpirationTime": "Sat, 21 Nov 2026 11:30:00 GMT"}).encode()
    put("chat-token-http-date", "ivschat", "CreateChatToken", 0, 200, "OK", aws_headers("ivschat", token), token)
    return seeds


def response_dict(models):
    words = ["HTTP/1.1 ", "HTTP/1.0 ", "HTTP/2 ", " 200 OK\r\n", "\r\n", "\r\n\r\n", ": ", "100 Continue",
             "Content-Length: ", "Content-Type: application/json", "Retry-After: ", "x-amz-retry-after: ",
             "x-amzn-RequestId: ", "x-amz-request-id: ", "x-amzn-ErrorType: ", "Set-Cookie: ", "Transfer-Encoding",
             "__type", "message", "Message", "code", "Code", "exceptionMessage", "nextToken", "null", "true", "false",
             "1e300", "9223372036854775807", "-1", "0.5", "\\u0000", "\\ud800", "\xff", "GMT", "T00:00:00Z"]
    for model in models.values():
        for shape in model["shapes"].values():
            words += list(shape.get("members", {}).keys())
            words += shape.get("enum", [])
    return words


# ---- dates ------------------------------------------------------------------------------------------

def date_seeds():
    texts = ["2026-11-21T09:30:00Z", "2026-11-21T09:30:00.123Z", "2026-11-21T09:30:00.123456+01:00",
             "2026-11-21t09:30:00-05:30", "2026-11-21 09:30:00", "2026-11-21T09:30Z", "2024-02-29",
             "2026-11-21T09:30:00,5Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
             "2016-12-31T23:59:60Z", "Sat, 21 Nov 2026 09:30:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT",
             "Thu, 1 Jan 1970 00:00:00 GMT", "1795253400", "1795253400.5", "0", "120", "1.5", "-5", "2.5e3"]
    seeds = {f"text-{i:02d}": t.encode() for i, t in enumerate(texts)}
    import struct
    for label, d in [("epoch", 1795253400.0), ("fraction", 1795253400.123456), ("negative", -1.0), ("zero", 0.0)]:
        seeds[f"double-{label}"] = struct.pack("<d", d)
    return seeds


DATE_DICT = ["Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, ", "Sat, ", "Sun, ", " Jan ", " Feb ", " Mar ", " Apr ", " May ",
             " Jun ", " Jul ", " Aug ", " Sep ", " Oct ", " Nov ", " Dec ", " GMT", "T", "Z", "+", "-", ":", ".", ",",
             "00:00:00", "23:59:60", "9999", "0000", "1970-01-01", "e308", "-0", "nan", "inf", "1e"]


# ---- shared-config ----------------------------------------------------------------------------------

def shared_config_seeds():
    cfgs = {
        "default-region": ("[default]\nregion = us-west-2\noutput = json\n", "[default]\naws_access_key_id = AKIDEXAMPLE\n"
                           "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"),
        "profile-retries": ("[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-east-1\nretry_mode = adaptive\n"
                            "max_attempts = 5\nuse_fips_endpoint = true\n", ""),
        "sso-session": ("[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n"
                        "region = us-west-2\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                        "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n", ""),
        "sso-legacy": ("[profile old]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
                       "sso_account_id = 123456789012\nsso_role_name = ReadOnly\nregion = ap-northeast-1\n", ""),
        "services-nested": ("[profile local]\nregion = us-west-2\nservices = local-ivs\n\n[services local-ivs]\nivs =\n"
                            "  endpoint_url = http://127.0.0.1:4566\nivs_realtime =\n  endpoint_url = http://127.0.0.1:4567\n"
                            "ivschat =\n  endpoint_url = http://localhost:4568/base\n", ""),
        "credential-process": ("[profile proc]\nregion = us-west-2\ncredential_process = /usr/local/bin/creds --profile "
                               "\"my profile\" 'a b' c\\ d\n", ""),
        "comments-continuation": ("# comment\n; another\n[default]\nregion = us-west-2\nca_bundle = /nonexistent/ca.pem\n"
                                  "note = first line\n  second line\n\n  after blank\n", "[default]\r\n"
                                  "aws_access_key_id: AKIDEXAMPLE\r\naws_secret_access_key: secret\r\naws_session_token = tok\r\n"),
        "endpoint-and-imds": ("[default]\nregion = us-gov-west-1\nendpoint_url = https://ivs.example.com:8443/prefix\n"
                              "ec2_metadata_service_endpoint_mode = IPv6\nmetadata_service_timeout = 2\n"
                              "metadata_service_num_attempts = 3\nuse_dualstack_endpoint = false\n", ""),
        "assume-role": ("[profile role]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = default\n"
                        "[default]\nregion = cn-north-1\n", "[default]\naws_access_key_id = A\naws_secret_access_key = B\n"),
        "quoted-profile": ("[profile \"my name\"]\nregion = us-west-2\n[profile 'single quoted']\nregion = sa-east-1\n", ""),
    }
    return {k: (c.encode() + (b"\0" + cr.encode() if cr else b"")) for k, (c, cr) in cfgs.items()}


CONFIG_DICT = ["[default]", "[profile ", "[sso-session ", "[services ", "]", "\n", " = ", ": ", "\n  ", "#", ";", "\"", "'",
               "region", "output", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "credential_process",
               "sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name", "services", "endpoint_url",
               "ivs", "ivs_realtime", "ivschat", "retry_mode", "max_attempts", "use_fips_endpoint",
               "use_dualstack_endpoint", "ignore_configured_endpoint_urls", "ca_bundle", "role_arn", "source_profile",
               "credential_source", "web_identity_token_file", "ec2_metadata_service_endpoint",
               "ec2_metadata_service_endpoint_mode", "metadata_service_timeout", "metadata_service_num_attempts",
               "ec2_metadata_v1_disabled", "true", "false", "standard", "adaptive", "legacy", "off", "https://", "http://",
               "us-west-2", "IPv6", "\\", "\0"]


# ---- credential-documents ---------------------------------------------------------------------------

def credential_seeds():
    exp = "2026-11-21T10:30:00Z"
    keys = {"AccessKeyId": "ASIAEXAMPLEKEYID", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
    docs = {
        "process-full": (0, {"Version": 1, **keys, "SessionToken": "IQoJb3JpZ2luX2VjEXAMPLE", "Expiration": exp}),
        "process-long-term": (0, {"Version": 1, **keys}),
        "process-version-2": (0, {"Version": 2, **keys}),
        "container": (1, {"RoleArn": "arn:aws:iam::123456789012:role/task", **keys, "Token": "IQoJEXAMPLE",
                          "Expiration": "2026-11-21T10:30:00.000Z"}),
        "instance-metadata": (2, {"Code": "Success", "LastUpdated": "2026-11-21T09:00:00Z", "Type": "AWS-HMAC", **keys,
                                  "Token": "IQoJEXAMPLE", "Expiration": exp}),
        "sso-portal": (3, {"roleCredentials": {"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "secret",
                                               "sessionToken": "IQoJEXAMPLE", "expiration": 1795257000000}}),
        "sso-cache": (4, {"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                          "accessToken": "aoaAAAAAGV4YW1wbGU", "expiresAt": "2027-11-21T10:30:00Z",
                          "clientId": "client", "clientSecret": "secret", "registrationExpiresAt": "2027-01-01T00:00:00Z",
                          "refreshToken": "refresh"}),
        "sso-cache-expired": (4, {"accessToken": "tok", "expiresAt": "2020-01-01T00:00:00UTC"}),
        # 0xF0: the aws login cache; 0xF1: an [sso-session]'s token cache
        "login-cache": (0xF0, {"accessToken": {**{k[0].lower() + k[1:]: v for k, v in keys.items()},
                                               "sessionToken": "IQoJEXAMPLE", "accountId": "123456789012",
                                               "expiresAt": "2027-11-21T10:30:00Z"},
                               "tokenType": "aws_sigv4", "refreshToken": "refresh", "idToken": "id",
                               "clientId": "arn:aws:signin:::devtools/same-device",
                               "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"
                                          "oAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n"}),
        "login-cache-expired": (0xF0, {"accessToken": {"accessKeyId": "ASIA", "secretAccessKey": "s", "sessionToken": "t",
                                                       "expiresAt": "2020-01-01T00:00:00Z"},
                                       "refreshToken": "r", "clientId": "c", "dpopKey": "not a key"}),
        "sso-session-cache": (0xF1, {"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                                     "accessToken": "aoaAAAAAGV4YW1wbGU", "expiresAt": "2027-11-21T10:30:00Z"}),
        "sso-session-cache-expired": (0xF1, {"accessToken": "tok", "expiresAt": "2020-01-01T00:00:00Z",
                                             "refreshToken": "r", "clientId": "c", "clientSecret": "s",
                                             "registrationExpiresAt": "2099-01-01T00:00:00Z"}),
    }
    return {k: bytes([kind]) + json.dumps(d).encode() for k, (kind, d) in docs.items()}


CREDENTIAL_DICT = ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Token", "Expiration", "roleCredentials",
                   "accessKeyId", "secretAccessKey", "sessionToken", "expiration", "accessToken", "expiresAt",
                   "refreshToken", "clientId", "clientSecret", "registrationExpiresAt", "dpopKey", "accountId",
                   "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
                   "2026-11-21T10:30:00Z", "1e300", "-1", "null", "true", "{}", "[]", "\\u0000", "\\r\\n"]

# ---- websocket --------------------------------------------------------------------------------------

def ws_frame(opcode, payload, fin=True, mask=False, rsv=0, length_form=None):
    """A frame as a server sends it (unmasked unless mask)."""
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload)
    form = length_form or (0 if n < 126 else (1 if n <= 0xFFFF else 2))
    m = 0x80 if mask else 0
    head = bytes([b0]) + (bytes([m | n]) if form == 0 else bytes([m | 126]) + n.to_bytes(2, "big") if form == 1
                           else bytes([m | 127]) + n.to_bytes(8, "big"))
    if mask:
        key = b"\x01\x02\x03\x04"
        return head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))
    return head + payload


WS_KEY_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455's example key, the target's fixed one


def websocket_seeds():
    event = json.dumps({"Type": "MESSAGE", "Id": "AbCdEfGhIjKl", "RequestId": "a1b2", "Content": "hello \u00e9\u4e16",
                        "Attributes": {"k": "v"}, "SendTime": "2026-11-21T09:30:00.123Z",
                        "Sender": {"UserId": "user-1", "Attributes": {}}}).encode()
    frames = {
        "text": ws_frame(1, b"hello"),
        "event-16bit-length": ws_frame(1, event + b" " * 200),
        "fragmented-with-ping": ws_frame(1, b"hel", fin=False) + ws_frame(9, b"p") + ws_frame(0, b"lo"),
        "binary-pong": ws_frame(2, b"\x00\xff") + ws_frame(10, b"pong"),
        "close-normal": ws_frame(8, b"\x03\xe8bye"),
        "close-empty": ws_frame(8, b""),
        "close-bad-utf8": ws_frame(8, b"\x03\xe9\xc3\x28"),
        "close-bad-code": ws_frame(8, b"\x03\xed"),
        "masked": ws_frame(1, b"masked", mask=True),
        "reserved-bits": ws_frame(1, b"x", rsv=0x40),
        "non-minimal-length": ws_frame(1, b"short", length_form=1),
        "64bit-length-header": ws_frame(2, b"", length_form=2)[:10] + b"\x00",
        "text-bad-utf8": ws_frame(1, b"\xed\xa0\x80"),
        "too-big": ws_frame(1, b"x" * 300),
        "continuation-alone": ws_frame(0, b"x"),
        "long-control": ws_frame(9, b"p" * 126),
    }
    seeds = {}
    for name, stream in frames.items():
        # mode 0 (frames); maxMessageBytes 128 KiB (3) or 125 (0) for too-big; pieces of 7 bytes or whole
        seeds[name] = bytes([0, 0 if name == "too-big" else 3, 7]) + stream
        seeds[name + "-whole"] = bytes([2, 1, 0]) + stream
    ok = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          f"Sec-WebSocket-Accept: {WS_KEY_ACCEPT}\r\nSec-WebSocket-Protocol: fuzz-chat-token\r\n\r\n").encode()
    answers = {
        "handshake-accepted": ok,
        "handshake-accepted-with-frame": ok + ws_frame(1, b"{}"),
        "handshake-refused": b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n"
                             b'{"message":"token fuzz-chat-token expired"}',
        "handshake-wrong-accept": ok.replace(WS_KEY_ACCEPT.encode(), b"AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        "handshake-extension": ok[:-2] + b"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
        "handshake-http10": ok.replace(b"HTTP/1.1", b"HTTP/1.0"),
        "handshake-incomplete": ok[:-4],
    }
    for name, answer in answers.items():
        seeds[name] = bytes([1]) + answer
    return seeds


WEBSOCKET_DICT = ["\x81", "\x01", "\x80", "\x88", "\x89", "\x8a", "\x82", "\x00", "\x7e", "\x7f", "\x03\xe8", "\x03\xf3",
                  "\x0f\xa0", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\r\n", "\r\n\r\n", "HTTP/1.1 ", "101",
                  "Upgrade: websocket", "Connection: Upgrade", "Connection: keep-alive, Upgrade",
                  "Sec-WebSocket-Accept: " + WS_KEY_ACCEPT, "Sec-WebSocket-Protocol: fuzz-chat-token",
                  "Sec-WebSocket-Extensions: ", "\x7f\x00\x00\x00\x00\x00\x01\x00\x00", "\x7e\x00\x7e"]


# ---- chat -------------------------------------------------------------------------------------------

def chat_seeds():
    room = "arn:aws:ivschat:us-west-2:123456789012:room/AbCdEfGhIjKl"
    token = "AQICAHg" + "abcdefghijklmnopqrstuvwxyz0123456789-_" * 4
    times = {"tokenExpirationTime": "2026-11-21T10:30:00Z", "sessionExpirationTime": "2026-11-21T11:30:00.000Z"}
    events = {
        "message": {"Type": "MESSAGE", "Id": "AbCdEfGhIjKl", "RequestId": "a1b2", "Content": "hello",
                    "Attributes": {"k": "v"}, "SendTime": "2026-11-21T09:30:00.123Z",
                    "Sender": {"UserId": "user-1", "Attributes": {"name": "A"}}},
        "event": {"Type": "EVENT", "Id": "AbCd", "EventName": "aws:DELETE_MESSAGE",
                  "Attributes": {"MessageID": "AbCdEfGhIjKl", "Reason": "spam"}, "SendTime": "2026-11-21T09:30:00Z"},
        "error": {"Type": "ERROR", "Id": "AbCd", "RequestId": "a1b2", "ErrorCode": 429, "ErrorMessage": "Too many requests"},
    }
    seeds = {f"event-{k}": bytes([0]) + json.dumps(v).encode() for k, v in events.items()}
    seeds["event-not-object"] = bytes([0]) + b'["MESSAGE"]'
    options = {
        "token": {"token": token, "url": "wss://edge.ivschat.us-west-2.amazonaws.com/", "pingIntervalMs": 1000,
                  "reconnect": {"maxAttempts": 3, "initialDelayMs": 100, "maxDelayMs": 5000, "renewSession": False}},
        "token-object": {"token": {"token": token, **times}, "maximumMessageLength": 200, "maxMessageBytes": 4096},
        "create-token": {"createToken": {"roomIdentifier": room, "userId": "user-1", "capabilities": ["SEND_MESSAGE"],
                                         "sessionDurationInMinutes": 60, "attributes": {"name": "A"}},
                         "url": "ws://127.0.0.1:8080/chat?x=1", "reconnect": False},
        "both": {"token": token, "createToken": {"roomIdentifier": room, "userId": "u"}, "unknown": 1},
    }
    for k, v in options.items():
        seeds[f"options-{k}"] = bytes([1]) + json.dumps(v).encode()
    requests = {
        "send": (0, {"Action": "SEND_MESSAGE", "Content": "hello \u00e9", "Attributes": {"k": "v"}}),
        "send-limit": (5, {"Action": "SEND_MESSAGE", "Content": "too long", "RequestId": "r-1"}),
        "delete": (200, {"Action": "DELETE_MESSAGE", "Id": "AbCdEfGhIjKl", "Reason": "spam", "RequestId": None}),
        "disconnect": (0, {"Action": "DISCONNECT_USER", "UserId": "user-1", "Reason": ""}),
    }
    for k, (limit, v) in requests.items():
        seeds[f"send-{k}"] = bytes([2, limit]) + json.dumps(v).encode()
    seeds["set-token"] = bytes([3]) + token.encode()
    seeds["set-token-json"] = bytes([3]) + json.dumps({"token": token, **times}).encode()
    seeds["set-token-epoch"] = bytes([3]) + json.dumps({"token": token, "tokenExpirationTime": 1795257000}).encode()
    seeds["create-chat-token-output"] = bytes([4]) + json.dumps({"token": token, **times}).encode()
    seeds["get-room-output"] = bytes([4]) + json.dumps({"arn": room, "maximumMessageLength": 500,
                                                        "maximumMessageRatePerSecond": 10}).encode()
    seeds["close-reason"] = bytes([5, 10]) + b"AQICAHgabc the token AQICAHgabc expired"
    return seeds


CHAT_DICT = ["Type", "MESSAGE", "EVENT", "ERROR", "Action", "SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER",
             "Content", "Attributes", "RequestId", "Id", "UserId", "Reason", "token", "createToken", "url",
             "maximumMessageLength", "reconnect", "pingIntervalMs", "pingTimeoutMs", "maxMessageBytes", "maxQueuedBytes",
             "maxPendingEvents", "handshakeTimeoutMs", "closeTimeoutMs", "enabled", "renewSession", "maxAttempts",
             "initialDelayMs", "maxDelayMs", "tokenExpirationTime", "sessionExpirationTime", "roomIdentifier", "userId",
             "capabilities", "wss://", "ws://", "user@", ":65535", "[::1]", "%0d%0a", "\\u0000", "\\ud800",
             "1e300", "-1", "null", "true", "false", "{}", "[]"]


# ---- sts --------------------------------------------------------------------------------------------

def sts_seeds():
    creds = ("<Credentials><AccessKeyId>ASIAEXAMPLEKEYID</AccessKeyId>"
             "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY</SecretAccessKey>"
             "<SessionToken>IQoJb3JpZ2luX2VjEXAMPLE</SessionToken><Expiration>2026-11-21T10:30:00Z</Expiration></Credentials>")
    ns = ' xmlns="https://sts.amazonaws.com/doc/2011-06-15/"'
    user = "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:fuzz</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/fuzz/s</Arn></AssumedRoleUser>"
    seeds = {
        "assume-role": bytes([0]) + (f"<AssumeRoleResponse{ns}><AssumeRoleResult>{user}{creds}</AssumeRoleResult>"
                                     "<ResponseMetadata><RequestId>4f3c0b7a</RequestId></ResponseMetadata></AssumeRoleResponse>").encode(),
        "web-identity": bytes([1]) + (f'<?xml version="1.0" encoding="UTF-8"?>\n<AssumeRoleWithWebIdentityResponse{ns}>'
                                      f"<AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken>"
                                      f"{user}{creds}<Provider>accounts.google.com</Provider></AssumeRoleWithWebIdentityResult>"
                                      "</AssumeRoleWithWebIdentityResponse>").encode(),
        "prefixed": bytes([0]) + (f'<sts:AssumeRoleResponse xmlns:sts="x"><sts:AssumeRoleResult>'
                                  f'{creds.replace("<", "<sts:").replace("<sts:/", "</sts:")}</sts:AssumeRoleResult></sts:AssumeRoleResponse>').encode(),
        "doctype": bytes([0]) + b'<!DOCTYPE x [<!ENTITY a "aaaa">]><AssumeRoleResponse>&a;</AssumeRoleResponse>',
        "error": bytes([2, 3, 1]) + (f"<ErrorResponse{ns}><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                                     "<Message>User: arn:aws:iam::123456789012:user/x is not authorized &amp; denied</Message>"
                                     "</Error><RequestId>4f3c0b7a-0a5e</RequestId></ErrorResponse>").encode(),
        "error-throttling": bytes([2, 0, 0]) + b"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
        "error-idp": bytes([2, 0, 1]) + b"<ErrorResponse><Error><Code>IDPCommunicationError</Code></Error></ErrorResponse>",
        "error-cdata": bytes([2, 100, 0]) + b"<ErrorResponse><Error><Code><![CDATA[X]]></Code><Message>\xc3\xa9&#x1F600;</Message></Error></ErrorResponse>",
        "web-identity-token": bytes([3]) + b"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJmdXp6In0.c2ln",
        "web-identity-token-short": bytes([3]) + b"ab\n",
    }
    return seeds


STS_DICT = ["<AssumeRoleResponse>", "<AssumeRoleResult>", "<AssumeRoleWithWebIdentityResponse>",
            "<AssumeRoleWithWebIdentityResult>", "<Credentials>", "<AccessKeyId>", "<SecretAccessKey>", "<SessionToken>",
            "<Expiration>", "<AssumedRoleUser>", "<Arn>", "<ErrorResponse>", "<Error>", "<Code>", "<Message>",
            "<RequestId>", "</Credentials>", "</Error>", "<![CDATA[", "]]>", "<!DOCTYPE", "<!ENTITY", "&amp;", "&#x0;",
            "&#65;", "<?xml version=\"1.0\"?>", "xmlns:sts=\"x\"", "sts:", "2026-11-21T10:30:00Z", "\xef\xbb\xbf"]



# ---- input ------------------------------------------------------------------------------------------

def input_seeds(ops):
    index = {op: i for i, op in enumerate(ops)}
    with open(os.path.join(ROOT, "Tests", "IVSCoreTests", "Fixtures", "serializer.json")) as f:
        cases = json.load(f)
    seeds = {}
    for c in cases:
        key = (c["service"], c["operation"])
        seeds[f"{c['service']}-{c['operation']}-{c['case']}"] = bytes([index[key]]) + json.dumps(
            c["input"], ensure_ascii=False, separators=(",", ":")).encode()
    return seeds


def input_dict(models):
    words = ["{", "}", "[", "]", ":", ",", "null", "true", "false", "1e300", "-1", "0.5", "9223372036854775807",
             "\\u0000", "\\ud800", "arn:aws:ivs:us-west-2:123456789012:channel/", "2026-11-21T09:30:00Z"]
    for model in models.values():
        for shape in model["shapes"].values():
            words += [f'"{m}"' for m in shape.get("members", {})]
            words += [f'"{e}"' for e in shape.get("enum", [])]
    return words


# ---- tokens -----------------------------------------------------------------------------------------

def fuzz_keys():
    """The key pair compiled into TokenTarget.swift (one place for it)."""
    with open(os.path.join(ROOT, "Sources", "IVSFuzz", "TokenTarget.swift")) as f:
        text = f.read()
    pems = re.findall(r'"""\n(.*?)"""', text, re.S)
    priv, pub = ["\n".join(line.strip() for line in p.strip().splitlines()) + "\n" for p in pems[:2]]
    assert "PRIVATE KEY" in priv and "PUBLIC KEY" in pub
    return priv, pub


def libivs():
    path = os.environ.get("IVS_LIBRARY") or os.path.join(ROOT, ".build", "release", "libivs.so")
    if not os.path.exists(path):
        sys.exit(f"make_seeds: {path} not found: run ./scripts/build.sh (or set IVS_LIBRARY)")
    lib = ctypes.CDLL(path)
    for fn in ("ivs_playback_token", "ivs_participant_token"):
        getattr(lib, fn).argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        getattr(lib, fn).restype = ctypes.c_int
    lib.ivs_free.argtypes = [ctypes.c_void_p]
    return lib


def make_token(lib, fn, request):
    out = ctypes.c_void_p()
    status = getattr(lib, fn)(json.dumps(request).encode(), ctypes.byref(out))
    text = ctypes.string_at(out.value).decode()
    lib.ivs_free(out)
    if status != 0:
        sys.exit(f"make_seeds: {fn} failed: {text}")
    return json.loads(text)


def token_seeds():
    priv, pub = fuzz_keys()
    lib = libivs()
    channel = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGhIjKl"
    stage = "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGhIjKl"
    key_arn = "arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEfGhIjKl"
    # expiresIn and duration at their maximum: the target verifies at a fixed "now" before today.
    playback = {"channelArn": channel, "expiresIn": 365 * 86400, "accessControlAllowOrigin": "https://example.com",
                "strictOriginEnforcement": True, "maximumResolution": "HD"}
    participant = {"publicKeyArn": key_arn, "stageArn": stage, "eventsUrl": "wss://global.events.live-video.net",
                   "whipUrl": "https://f99084460c35.global-bm.whip.live-video.net", "userId": "user-1",
                   "attributes": {"displayName": "Ann"}, "capabilities": ["PUBLISH", "SUBSCRIBE"], "duration": 20160}
    seeds = {
        "verify-playback": b"\0" + make_token(lib, "ivs_playback_token", {"privateKey": priv, **playback})["token"].encode(),
        "verify-participant": b"\0" + make_token(lib, "ivs_participant_token",
                                                 {"privateKey": priv, **participant})["participantToken"]["token"].encode(),
        "sign-claims": b"\1" + json.dumps({"aws:channel-arn": channel, "exp": 1895253400}).encode(),
        "sign-header-claims": b"\1" + json.dumps({"alg": "ES384", "typ": "JWT", "kid": key_arn}).encode() + b"\0"
                              + json.dumps({"exp": 1895253400, "nbf": 1795253000, "iat": 1795253000}).encode(),
        "playback-request": b"\2" + json.dumps(playback).encode(),
        "playback-viewer": b"\2" + json.dumps({"channelArn": channel, "viewerId": "viewer-1", "viewerSessionVersion": 3,
                                               "singleUseUuid": "123e4567-e89b-42d3-a456-426614174000",
                                               "playbackUrl": "https://example.m3u8?x=1"}).encode(),
        "participant-request": b"\3" + json.dumps(participant).encode(),
        "public-key": b"\4" + pub.encode(),
        "private-key": b"\4" + priv.encode(),
    }
    return seeds


TOKEN_DICT = ["alg", "typ", "kid", "crit", "ES384", "JWT", "exp", "nbf", "iat", "jti", "aws:channel-arn",
              "aws:access-control-allow-origin", "aws:strict-origin-enforcement", "aws:viewer-id",
              "aws:viewer-session-version", "aws:single-use-uuid", "aws:maximum-resolution", "channelArn", "expiresIn",
              "accessControlAllowOrigin", "strictOriginEnforcement", "singleUseUuid", "viewerId",
              "viewerSessionVersion", "maximumResolution", "playbackUrl", "publicKeyArn", "stageArn", "eventsUrl",
              "whipUrl", "participantId", "userId", "attributes", "capabilities", "duration", "PUBLISH", "SUBSCRIBE",
              "eyJ", ".", "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----",
              "-----BEGIN EC PRIVATE KEY-----", "1e308", "-1", "null"]


# ---- client-config ----------------------------------------------------------------------------------

def client_config_seeds():
    configs = {
        "empty": {},
        "region": {"region": "us-west-2"},
        "full": {"region": "eu-central-1", "credentials": {"accessKeyId": "AKIDEXAMPLE", "secretAccessKey": "secret",
                                                           "sessionToken": "token"},
                 "retryMode": "adaptive", "maxAttempts": 5, "connectTimeoutMs": 2000, "requestTimeoutMs": 10000,
                 "validation": "strict", "logLevel": 0, "userAgentSuffix": "app/1.0", "verifyTls": True,
                 "maxResponseBytes": 1048576, "maxPages": 100, "maxPaginateBytes": 67108864,
                 "credentialProcessTimeoutMs": 5000},
        "endpoints": {"region": "us-west-2", "endpointUrl": "http://127.0.0.1:4566",
                      "endpointUrls": {"ivschat": "https://chat.example.com:8443/base/", "ivs-realtime": "http://[::1]:9000"}},
        "fips-dualstack": {"region": "us-gov-west-1", "useFipsEndpoint": True, "useDualstackEndpoint": True},
        "proxy": {"region": "us-west-2", "proxy": "socks5h://proxy.example.com:1080", "retryMode": "off"},
        "china": {"region": "cn-north-1", "profile": "nonexistent"},
        "ca-bundle": {"region": "us-west-2", "caBundle": "/etc/ssl/certs/ca-certificates.crt"},
    }
    return {k: json.dumps(v).encode() for k, v in configs.items()}


CLIENT_CONFIG_DICT = ["region", "profile", "credentials", "accessKeyId", "secretAccessKey", "sessionToken", "endpointUrl",
                      "endpointUrls", "useFipsEndpoint", "useDualstackEndpoint", "retryMode", "maxAttempts",
                      "connectTimeoutMs", "requestTimeoutMs", "caBundle", "verifyTls", "proxy", "userAgentSuffix",
                      "validation", "logLevel", "dispatch", "maxResponseBytes", "maxPages", "maxPaginateBytes",
                      "credentialProcessTimeoutMs", "ivs", "ivs-realtime", "ivschat", "standard", "adaptive", "off",
                      "strict", "on", "http://", "https://", "socks5h://", "user:password@", ":65535", ":0", "[::1]",
                      "%2F", "true", "false", "null", "1e300", "-1", "\\u0000", "\\r\\n"]


def main():
    # Targets named on the command line are the only ones written (the token seeds need libivs.so).
    only = set(sys.argv[1:])
    small = {"websocket": (websocket_seeds, WEBSOCKET_DICT), "chat": (chat_seeds, CHAT_DICT), "sts": (sts_seeds, STS_DICT)}
    for target, (seeds, words) in small.items():
        if not only or target in only:
            write_seeds(target, seeds())
            write_dict(target, words)
    if only:
        return
    models = {s: load_model(s) for s in SERVICES}
    ops = operation_order()
    if not ops:
        sys.exit("make_seeds: no operations found in the generated tables")
    write_seeds("response", response_seeds(ops, models))
    write_dict("response", response_dict(models))
    write_seeds("dates", date_seeds())
    write_dict("dates", DATE_DICT)
    write_seeds("shared-config", shared_config_seeds())
    write_dict("shared-config", CONFIG_DICT)
    write_seeds("credential-documents", credential_seeds())
    write_dict("credential-documents", CREDENTIAL_DICT)
    write_seeds("input", input_seeds(ops))
    write_dict("input", input_dict(models))
    write_seeds("tokens", token_seeds())
    write_dict("tokens", TOKEN_DICT)
    write_seeds("client-config", client_config_seeds())
    write_dict("client-config", CLIENT_CONFIG_DICT)


if __name__ == "__main__":
    main()
