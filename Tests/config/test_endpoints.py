"""Endpoint resolution end to end: libivs sends through a recording proxy on loopback (the `proxy`
key), so the host it connects to is observed, not asked for; the expected URL for each case is
what botocore resolves for the same environment, config file and client arguments."""
import contextlib
import json
import os
import socket
import threading

import botocore.session
import pytest
from botocore.config import Config

import make_fixtures
from cfgutil import HERE, ROOT

OPS = {'ivs': 'ListChannels', 'ivs-realtime': 'ListStages', 'ivschat': 'ListRooms'}
CREDS = {'accessKeyId': 'AKIDPROXY', 'secretAccessKey': 'proxysecret'}


class RecordingProxy:
    """Answers every request 502 after recording where it was going: CONNECT host:port for https,
    the absolute URL for http."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.url = f'http://127.0.0.1:{self.sock.getsockname()[1]}'
        self.targets = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b''
                while b'\r\n\r\n' not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                line = data.split(b'\r\n', 1)[0].decode()
                parts = line.split(' ')
                if len(parts) == 3:
                    method, target, _ = parts
                    if method == 'CONNECT':
                        host, port = target.rsplit(':', 1)
                        self.targets.append('https://' + host + ('' if port == '443' else ':' + port))
                    else:
                        scheme, rest = target.split('://', 1)
                        self.targets.append(scheme + '://' + rest.split('/', 1)[0])
                conn.sendall(b'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')

    def close(self):
        self.sock.close()


def origin(url):
    scheme, rest = url.split('://', 1)
    host = rest.split('/', 1)[0]
    if (scheme, host.rsplit(':', 1)[-1]) in (('https', '443'), ('http', '80')):
        host = host.rsplit(':', 1)[0]
    return scheme + '://' + host


@contextlib.contextmanager
def environment(env):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def botocore_endpoints(env, client):
    """The endpoint botocore uses per service under env, with client arguments like libivs's config."""
    out = {}
    with environment(env):
        session = botocore.session.Session()
        for service, op in OPS.items():
            url = client.get('endpointUrls', {}).get(service) or client.get('endpointUrl')
            c = session.create_client(service, region_name=client.get('region'), endpoint_url=url,
                                      aws_access_key_id='a', aws_secret_access_key='b',
                                      config=Config(use_fips_endpoint=client.get('useFipsEndpoint'),
                                                    use_dualstack_endpoint=client.get('useDualstackEndpoint')))
            e = c._ruleset_resolver.construct_endpoint(operation_model=c.meta.service_model.operation_model(op),
                                                       call_args={}, request_context={})
            out[service] = origin(e.url)
    return out


def libivs_endpoints(home, env, client):
    proxy = RecordingProxy()
    try:
        config = dict(client, proxy=proxy.url, credentials=CREDS, maxAttempts=1)
        r = home.probe(config, [{'calls': [[s, op, {}] for s, op in OPS.items()]}], env=env)
        assert r['new']['status'] == 0, r['new']
        assert all(c['status'] in (5, 6) for c in r['results'][0]), r['results']
        return dict(zip(OPS, proxy.targets))
    finally:
        proxy.close()


CONFIG_FILE = """[default]
region = eu-west-1

[profile fips]
region = us-gov-west-1
use_fips_endpoint = true

[profile dual]
region = cn-north-1
use_dualstack_endpoint = true

[profile svc]
region = us-west-2
services = local-svc
endpoint_url = http://profile-wide.example:7000

[profile wide]
region = us-west-2
endpoint_url = http://profile-wide.example:7000

[profile ignore]
region = us-west-2
endpoint_url = http://profile-wide.example:7000
ignore_configured_endpoint_urls = true

[services local-svc]
ivs =
  endpoint_url = http://svc-ivs.example:7001
ivschat =
  endpoint_url = http://svc-chat.example:7002
"""

CASES = {
    'standard': ({}, {'region': 'us-west-2'}),
    'profile-region': ({}, {}),
    'fips-gov-env': ({'AWS_USE_FIPS_ENDPOINT': 'true'}, {'region': 'us-gov-east-1'}),
    'fips-dualstack-config': ({}, {'region': 'ca-central-1', 'useFipsEndpoint': True, 'useDualstackEndpoint': True}),
    'dualstack-cn-env': ({'AWS_USE_DUALSTACK_ENDPOINT': 'true'}, {'region': 'cn-northwest-1'}),
    'fips-profile': ({'AWS_PROFILE': 'fips'}, {}),
    'dualstack-profile-cn': ({'AWS_PROFILE': 'dual'}, {}),
    'config-beats-env': ({'AWS_USE_FIPS_ENDPOINT': 'false'}, {'region': 'us-east-1', 'useFipsEndpoint': True}),
    'endpointUrl': ({}, {'region': 'us-west-2', 'endpointUrl': 'http://all.example:9000'}),
    'endpointUrls-beat-endpointUrl': ({}, {'region': 'us-west-2', 'endpointUrl': 'http://all.example:9000',
                                           'endpointUrls': {'ivschat': 'http://chat.example:9001'}}),
    'config-beats-env-urls': ({'AWS_ENDPOINT_URL': 'http://env.example:8000'},
                              {'region': 'us-west-2', 'endpointUrl': 'http://all.example:9000'}),
    'env-service-beats-env-global': ({'AWS_ENDPOINT_URL': 'http://env.example:8000',
                                      'AWS_ENDPOINT_URL_IVS_REALTIME': 'http://rt.example:8001'}, {'region': 'us-west-2'}),
    'env-beats-profile': ({'AWS_PROFILE': 'svc', 'AWS_ENDPOINT_URL_IVSCHAT': 'http://envchat.example:8002'}, {}),
    'profile-services-then-endpoint_url': ({'AWS_PROFILE': 'svc'}, {}),
    'profile-endpoint_url': ({'AWS_PROFILE': 'wide'}, {}),
    'ignore-env': ({'AWS_ENDPOINT_URL': 'http://env.example:8000', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS': 'true'},
                   {'region': 'us-west-2'}),
    'ignore-profile': ({'AWS_PROFILE': 'ignore', 'AWS_ENDPOINT_URL_IVS': 'http://envivs.example:8003'}, {}),
    'ignore-keeps-client-config': ({'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS': 'true'},
                                   {'region': 'us-west-2', 'endpointUrls': {'ivs': 'http://mine.example:9002'}}),
    'fips-with-configured-endpoint': ({'AWS_USE_FIPS_ENDPOINT': 'true', 'AWS_ENDPOINT_URL': 'http://env.example:8000'},
                                      {'region': 'us-west-2'}),
}


@pytest.mark.parametrize('case', list(CASES))
def test_endpoint_matches_botocore(home, case):
    env, client = CASES[case]
    path = home.config(CONFIG_FILE)
    full_env = dict(env, AWS_CONFIG_FILE=path, AWS_SHARED_CREDENTIALS_FILE=os.path.join(home.path, 'none'),
                    HOME=home.path)
    expected = botocore_endpoints(full_env, client)
    assert libivs_endpoints(home, env, client) == expected


def test_fixtures_are_current():
    """The Swift tables (Tests/IVSCoreTests/Fixtures) are what botocore computes today."""
    for name, rows in make_fixtures.tables().items():
        with open(os.path.join(ROOT, 'Tests', 'IVSCoreTests', 'Fixtures', name)) as f:
            assert json.load(f) == json.loads(json.dumps(rows)), f'{name} is stale: run Tests/config/make_fixtures.py'


def test_bad_fips_value_is_named(home):
    r = home.probe({'region': 'us-west-2', 'useFipsEndpoint': 'yes'})
    assert r['new']['status'] == 3 and 'useFipsEndpoint' in r['new']['error']['error']['message']
