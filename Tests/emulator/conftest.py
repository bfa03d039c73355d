"""Fixtures for the ivs-local suites: one real ivs-local process per test session, boto3 clients
pointed at it, and a small client for its /_local/ control API."""
import json
import os
import sys
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import start_ivs_local, stop_ivs_local  # noqa: E402
REGION = 'us-west-2'
ACCOUNT = '123456789012'
SERVICES = {'ivs': 'ivs', 'ivs-realtime': 'ivs-realtime', 'ivschat': 'ivschat', 'realtime': 'ivs-realtime',
            'chat': 'ivschat'}


@pytest.fixture(scope='session')
def ivs_local_url():
    proc, url = start_ivs_local('--credentials', 'test:test', '--credentials', 'other:othersecret:210987654321')
    yield url
    stop_ivs_local(proc)


@pytest.fixture(scope='session')
def endpoint_url(ivs_local_url):
    return ivs_local_url


@pytest.fixture(scope='session')
def make_client(ivs_local_url):
    """make_client('ivs' | 'ivs-realtime' | 'ivschat', **overrides) -> a boto3 client on ivs-local.
    attempts (alias max_attempts) counts every attempt, the first included: botocore's
    total_max_attempts, since its own max_attempts would count retries only."""
    def make(service, *, region=REGION, access_key='test', secret_key='test', attempts=None, max_attempts=None,
             **kwargs):
        total = attempts or max_attempts or 1
        config = kwargs.pop('config', None) or Config(retries={'total_max_attempts': total, 'mode': 'standard'})
        return boto3.client(SERVICES[service], endpoint_url=kwargs.pop('endpoint_url', ivs_local_url),
                            region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                            config=config, **kwargs)
    return make


class Control:
    """The unsigned control API under /_local/."""

    def __init__(self, base):
        self.base = base

    def call(self, method, route, body=None, query=None):
        url = f'{self.base}/_local/{route}'
        if query:
            url += '?' + '&'.join(f'{k}={urllib.request.quote(str(v), safe="")}' for k, v in query.items())
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b'{}')
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b'{}')

    def _ok(self, method, route, body=None, query=None):
        status, doc = self.call(method, route, body, query)
        assert status == 200, (status, doc)
        return doc

    def get(self, route, **query):
        return self._ok('GET', route, query=query)

    def post(self, route, body=None):
        return self._ok('POST', route, body if body is not None else {})

    def delete(self, route):
        return self._ok('DELETE', route)

    def reset(self):
        return self.post('reset')

    def requests(self, **filters):
        return self.get('requests', **filters)['requests']


@pytest.fixture(scope='session')
def control(ivs_local_url):
    return Control(ivs_local_url)


@pytest.fixture
def fresh(control):
    """A clean emulator: no resources, faults or logged requests."""
    control.reset()
    return control
