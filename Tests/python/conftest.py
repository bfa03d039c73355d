"""Fixtures for the Python binding's suites: one ivs-local per session (ivslocal.testing's fixtures),
and boto3 and ivs clients pointed at it. The ivs package is imported from bindings/python; libivs
from IVS_LIBRARY (set by scripts/test.sh to .build/release/libivs.so)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)
from ivslocal.testing import REGION  # noqa: E402
BINDING = os.path.join(ROOT, "bindings", "python")
if BINDING not in sys.path:
    sys.path.insert(0, BINDING)
os.environ.setdefault("IVS_LIBRARY", os.path.join(ROOT, ".build", "release", "libivs.so"))

import ivs  # noqa: E402


@pytest.fixture(scope="session")
def url(ivs_local_url):
    return ivs_local_url


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
def make_boto(make_client):
    """make_boto(service, config=...) -> a boto3 client on ivs-local; one attempt per call unless a
    config says otherwise."""
    return make_client
