"""Differential test: the same input through botocore and through libivs (ivs_call over ctypes) to a
capturing HTTP server. For every one of the 103 operations of models/ both must send the same method,
path, query and JSON body, and libivs's SigV4 signature must verify when botocore recomputes it. The
installed botocore must be the one models/ was copied from (models/services.json, requirements-dev.txt)."""
import ctypes
import hmac
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import boto3
import botocore
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.session
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "fixtures"))
import make_vectors  # noqa: E402  (the sample-input builder shared with the Swift fixtures)

LIB = os.environ.get("IVS_LIBRARY", os.path.join(ROOT, ".build", "release", "libivs.so"))
SERVICES = ["ivs", "ivs-realtime", "ivschat"]
REGION = "us-west-2"


class Capture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    captured = []

    def _handle(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        Capture.captured.append({"method": self.command, "target": self.path,
                                 "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        out = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-RequestId", "diff-0001")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_DELETE = do_PUT = _handle

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


@pytest.fixture(scope="module")
def libivs(server):
    lib = ctypes.CDLL(LIB)
    lib.ivs_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
    lib.ivs_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                             ctypes.POINTER(ctypes.c_void_p)]
    lib.ivs_free.argtypes = [ctypes.c_void_p]
    client, err = ctypes.c_void_p(), ctypes.c_void_p()
    cfg = {"region": REGION, "endpointUrl": server, "retryMode": "off",
           "credentials": {"accessKeyId": "AKIDDIFF", "secretAccessKey": "diff/secret+key", "sessionToken": "tok/en=="}}
    assert lib.ivs_client_new(json.dumps(cfg).encode(), ctypes.byref(client), ctypes.byref(err)) == 0

    def call(service, op, params):
        out = ctypes.c_void_p()
        status = lib.ivs_call(client, service.encode(), op.encode(), json.dumps(params).encode(), ctypes.byref(out))
        text = ctypes.string_at(out.value).decode()
        lib.ivs_free(out)
        return status, json.loads(text)

    yield call
    lib.ivs_client_free.argtypes = [ctypes.c_void_p]
    lib.ivs_client_free(client)


def boto_clients(server):
    cfg = botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=True)
    return {s: boto3.client(s, region_name=REGION, endpoint_url=server, aws_access_key_id="AKIDDIFF",
                            aws_secret_access_key="diff/secret+key", aws_session_token="tok/en==", config=cfg)
            for s in SERVICES}


def cases():
    out = []
    for service in SERVICES:
        model = make_vectors.load_model(service)
        for op in model.operation_names:
            out.append((service, op))
    return out


def test_every_operation_is_compared_against_the_botocore_the_models_come_from():
    assert len(cases()) == 103
    with open(os.path.join(ROOT, "models", "services.json"), encoding="utf-8") as f:
        assert botocore.__version__ == json.load(f)["botocore"]
    session = botocore.session.get_session()
    for service in SERVICES:
        assert set(session.get_service_model(service).operation_names) == \
            set(make_vectors.load_model(service).operation_names), service


def signature_verifies(req, service_signing_name):
    """Recompute the signature with botocore over what the server received."""
    h = req["headers"]
    auth = h["authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    scope = auth.split("Credential=")[1].split(",")[0].split("/")
    assert scope[2] == REGION and scope[3] == service_signing_name
    path, _, query = req["target"].partition("?")
    headers = {k: h[k] for k in signed}
    # The received path is already percent-encoded once; AWSRequest must not re-encode it, so sign the
    # raw path through a URL botocore leaves as is.
    url = "http://" + h["host"] + path + ("?" + query if query else "")
    aws = botocore.awsrequest.AWSRequest(method=req["method"], url=url, headers=headers, data=req["body"])
    aws.context["timestamp"] = h["x-amz-date"]
    signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials("AKIDDIFF", "diff/secret+key", "tok/en=="),
                                     service_signing_name, REGION)
    cr = signer.canonical_request(aws)
    sts = signer.string_to_sign(aws, cr)
    expected = signer.signature(sts, aws)
    got = auth.split("Signature=")[1].strip()
    return hmac.compare_digest(expected, got)


@pytest.mark.parametrize("service,operation", cases())
def test_same_request_as_botocore(server, libivs, service, operation):
    model = make_vectors.load_model(service)
    op = model.operation_model(operation)
    params = make_vectors.sample(op.input_shape, "input") if op.input_shape else {}
    if "idempotencyToken" in params:
        params["idempotencyToken"] = "11111111-2222-4333-8444-555555555555"
    client = boto_clients(server)[service]
    Capture.captured.clear()
    getattr(client, make_vectors_xform(operation))(**params)
    status, out = libivs(service, operation, make_vectors.jsonable(params))
    assert status == 0, out
    assert out["ResponseMetadata"]["RequestId"] == "diff-0001"
    assert len(Capture.captured) == 2
    ref, ours = Capture.captured
    assert ours["method"] == ref["method"]
    ref_path, _, ref_q = ref["target"].partition("?")
    our_path, _, our_q = ours["target"].partition("?")
    assert our_path == ref_path
    assert sorted(parse_qsl(our_q, keep_blank_values=True)) == sorted(parse_qsl(ref_q, keep_blank_values=True))
    assert (json.loads(ours["body"]) if ours["body"] else None) == (json.loads(ref["body"]) if ref["body"] else None)
    assert ours["headers"].get("content-type") == ref["headers"].get("content-type")
    assert ours["headers"]["x-amz-security-token"] == "tok/en=="
    assert ours["headers"]["user-agent"].startswith("libivs/")
    assert signature_verifies(ours, model.signing_name)
    assert signature_verifies(ref, model.signing_name)  # the verifier itself accepts botocore's request


def make_vectors_xform(name):
    return botocore.xform_name(name)
