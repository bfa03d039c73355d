"""Fixtures for the Python binding's suites: one ivs-local per session, and boto3 and ivs clients
pointed at it. The ivs package is imported from bindings/python; libivs from IVS_LIBRARY (set by
scripts/test.sh to .build/release/libivs.so)."""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
from botocore.config import Config as BotoConfig

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import start_ivs_local, stop_ivs_local  # noqa: E402
BINDING = os.path.join(ROOT, "bindings", "python")
if BINDING not in sys.path:
    sys.path.insert(0, BINDING)
os.environ.setdefault("IVS_LIBRARY", os.path.join(ROOT, ".build", "release", "libivs.so"))

import ivs  # noqa: E402

REGION = "us-west-2"
SERVICES = ("ivs", "ivs-realtime", "ivschat")


@pytest.fixture(scope="session")
def url():
    proc, base = start_ivs_local("--credentials", "test:test")
    yield base
    stop_ivs_local(proc)


class Control:
    """ivs-local's unsigned control API under /_local/."""

    def __init__(self, base):
        self.base = base

    def call(self, method, route, body=None, query=None):
        target = f"{self.base}/_local/{route}"
        if query:
            target += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(target, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"{}")

    def post(self, route, body=None):
        return self.call("POST", route, body if body is not None else {})

    def get(self, route, **query):
        return self.call("GET", route, query=query)

    def reset(self):
        self.post("reset")

    def fault(self, **fault):
        return self.post("faults", fault)["fault"]

    def requests(self, **filters):
        return self.get("requests", **filters)["requests"]


@pytest.fixture(scope="session")
def control(url):
    return Control(url)


@pytest.fixture
def fresh(control):
    control.reset()
    return control


def client_args(url, **overrides):
    args = dict(region_name=REGION, endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
    args.update(overrides)
    return args


@pytest.fixture(scope="session")
def make_ivs(url):
    """make_ivs(service, **boto3-style overrides) -> an ivs client on ivs-local; one attempt per call
    unless a config says otherwise."""
    def make(service, **overrides):
        overrides.setdefault("config", ivs.Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        return ivs.client(service, **client_args(url, **overrides))
    return make


@pytest.fixture(scope="session")
def make_boto(url):
    def make(service, **overrides):
        overrides.setdefault("config", BotoConfig(retries={"total_max_attempts": 1, "mode": "standard"}))
        return boto3.client(service, **client_args(url, **overrides))
    return make
