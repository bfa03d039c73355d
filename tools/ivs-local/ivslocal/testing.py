"""ivs-local in a test suite: starting and stopping it, a client for its /_local/ control API, and
the pytest fixtures every suite that uses it shares. A conftest puts tools/ivs-local on sys.path
and imports the fixtures (pytest finds fixtures imported into a conftest; __all__ is the fixtures):

    from ivslocal.testing import *  # noqa: F401,F403 (the shared fixtures)

ivs_local_url starts one ivs-local per test session with the options of the ivs_local_args
fixture (default: the key pair test:test); a conftest defines its own ivs_local_args, after the
import, to change them. control is a Control on it; fresh resets it first; make_client makes
boto3 clients for it.

Without pytest:

    from ivslocal.testing import start_ivs_local, stop_ivs_local
    proc, url = start_ivs_local('--credentials', 'test:test')
    ...
    stop_ivs_local(proc)
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

__all__ = ['ivs_local_args', 'ivs_local_url', 'control', 'fresh', 'make_client']


def self_signed(directory, common_name='libivs test'):
    """A self-signed CA certificate for 127.0.0.1 (EC P-256, valid from yesterday to tomorrow) and its
    key, written as cert.pem and key.pem (PKCS#8) in directory; returns (cert path, key path). For the
    suites' TLS servers (caBundle, AWS_CA_BUNDLE, wss, the wheel's vendored OpenSSL)."""
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / 'cert.pem', directory / 'key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path

LAUNCHER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tools/ivs-local: python runs its __main__.py
REGION = 'us-west-2'
ACCOUNT = '123456789012'  # the account of the default key pair
# make_client's service names: the API names, and the short names the suites use.
SERVICES = {'ivs': 'ivs', 'ivs-realtime': 'ivs-realtime', 'ivschat': 'ivschat', 'realtime': 'ivs-realtime',
            'chat': 'ivschat'}


def start_ivs_local(*args, python=None):
    """Start ivs-local on a free port with the given options; returns (process, base URL)."""
    proc = subprocess.Popen([python or sys.executable, LAUNCHER, '--port', '0', *args], stdout=subprocess.PIPE,
                            stderr=None, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith('http://'):
        proc.kill()
        raise RuntimeError(f'ivs-local did not start: {url!r}')
    return proc, url


def stop_ivs_local(proc, timeout=5):
    """Terminate ivs-local, killing it if it does not exit within timeout seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Control:
    """ivs-local's unsigned control API under /_local/ (docs/ivs-local.md)."""

    def __init__(self, url):
        self.url = url

    def call(self, method, route, body=None, query=None):
        """(HTTP status, parsed JSON body) of one control request, whatever the status."""
        target = f'{self.url}/_local/{route}'
        if query:
            target += '?' + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(target, data=data, method=method, headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b'{}')
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b'{}')

    def _ok(self, method, route, body=None, query=None):
        status, doc = self.call(method, route, body, query)
        assert status == 200, (method, route, status, doc)
        return doc

    def get(self, route, **query):
        return self._ok('GET', route, query=query)

    def post(self, route, body=None):
        return self._ok('POST', route, body if body is not None else {})

    def delete(self, route, **query):
        return self._ok('DELETE', route, query=query)

    def reset(self):
        """Forget every resource, fault and logged request."""
        return self.post('reset')

    def fault(self, **fault):
        """Add a fault (POST /_local/faults); returns it, with its id."""
        return self.post('faults', fault)['fault']

    def requests(self, **filters):
        """The logged service requests, oldest first (filters: service=, operation=)."""
        return self.get('requests', **filters)['requests']


# -- pytest fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope='session')
def ivs_local_args():
    """ivs-local's command-line options for the session; override in a conftest."""
    return ('--credentials', 'test:test')


@pytest.fixture(scope='session')
def ivs_local_url(ivs_local_args):
    """The base URL of one ivs-local for the whole session."""
    proc, url = start_ivs_local(*ivs_local_args)
    yield url
    stop_ivs_local(proc, timeout=10)


@pytest.fixture(scope='session')
def control(ivs_local_url):
    return Control(ivs_local_url)


@pytest.fixture
def fresh(control):
    """A clean emulator: no resources, faults or logged requests."""
    control.reset()
    return control


@pytest.fixture(scope='session')
def make_client(ivs_local_url):
    """make_client('ivs' | 'ivs-realtime' | 'ivschat', **overrides) -> a boto3 client on ivs-local.
    attempts (alias max_attempts) counts every attempt, the first included: botocore's
    total_max_attempts, since its own max_attempts would count retries only (default 1)."""
    import boto3
    from botocore.config import Config

    def make(service, *, region=REGION, access_key='test', secret_key='test', attempts=None, max_attempts=None,
             **kwargs):
        total = attempts or max_attempts or 1
        config = kwargs.pop('config', None) or Config(retries={'total_max_attempts': total, 'mode': 'standard'})
        return boto3.client(SERVICES[service], endpoint_url=kwargs.pop('endpoint_url', ivs_local_url),
                            region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                            config=config, **kwargs)
    return make
