"""HTTP settings end to end: TLS verification against a real HTTPS server on loopback with a
self-signed certificate (caBundle, AWS_CA_BUNDLE, the profile's ca_bundle, verifyTls), and the
proxy environment variables libcurl honours (HTTPS_PROXY, NO_PROXY)."""
import http.server
import ssl
import threading
import time

import pytest

from cfgutil import LIST, REGION
from ivslocal.testing import self_signed
from test_endpoints import RecordingProxy

CREDS = {'accessKeyId': 'AKIDTLS', 'secretAccessKey': 'tlssecret'}


def serve_tls(cert_path, key_path, delay=0.0):
    """An HTTPS server on 127.0.0.1 answering every request 200 {"channels": []} after delay seconds.
    Returns (server, url, sessions): sessions gets, per TLS connection, whether its handshake resumed
    an earlier session."""
    sessions = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def setup(self):
            super().setup()
            sessions.append(self.connection.session_reused)

        def do_POST(self):
            self.rfile.read(int(self.headers.get('Content-Length') or 0))
            time.sleep(delay)
            body = b'{"channels": []}'
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('x-amzn-RequestId', 'tls-1')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert_path), str(key_path))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'https://127.0.0.1:{srv.server_address[1]}', sessions


@pytest.fixture(scope='module')
def tls_cert(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp('tls'))


@pytest.fixture(scope='module')
def tls_server(tls_cert):
    """An HTTPS server with a self-signed certificate; yields (url, cert path)."""
    srv, url, _ = serve_tls(*tls_cert)
    yield url, str(tls_cert[0])
    srv.shutdown()


def call(home, config, env=None):
    r = home.probe(dict(config, credentials=CREDS, maxAttempts=1), [{'calls': [LIST]}], env=env)
    assert r['new']['status'] == 0, r['new']
    return r['results'][0][0]


def test_tls_is_verified_by_default(home, tls_server):
    url, _ = tls_server
    out = call(home, {'region': REGION, 'endpointUrl': url})
    assert out['status'] == 5, out
    assert out['json']['error']['code'] == 'SSLError'


@pytest.mark.parametrize('source', ['config', 'env', 'profile'])
def test_ca_bundle_from_each_source_trusts_the_server(home, tls_server, source):
    url, cert = tls_server
    config, env = {'region': REGION, 'endpointUrl': url}, {}
    if source == 'config':
        config['caBundle'] = cert
    elif source == 'env':
        env['AWS_CA_BUNDLE'] = cert
    else:
        home.write('.aws/config', f'[default]\nca_bundle = {cert}\n')
    out = call(home, config, env)
    assert out['status'] == 0, out
    assert out['json']['channels'] == [] and out['json']['ResponseMetadata']['RequestId'] == 'tls-1'


def test_verify_tls_false_accepts_the_self_signed_server(home, tls_server):
    url, _ = tls_server
    out = call(home, {'region': REGION, 'endpointUrl': url, 'verifyTls': False})
    assert out['status'] == 0, out


def test_a_new_connection_resumes_the_tls_session_of_another_handle(home, tls_cert):
    """A client's pooled handles share TLS sessions: after one call, two concurrent calls need a second
    handle, whose new connection resumes the first one's session instead of a full handshake."""
    srv, url, sessions = serve_tls(*tls_cert, delay=0.5)
    try:
        r = home.probe(dict({'region': REGION, 'endpointUrl': url, 'caBundle': str(tls_cert[0])},
                            credentials=CREDS, maxAttempts=1),
                       [{'calls': [LIST]}, {'calls': [LIST], 'threads': 2}])
    finally:
        srv.shutdown()
    assert r['new']['status'] == 0, r['new']
    assert [o['status'] for step in r['results'] for o in step] == [0, 0, 0], r['results']
    assert sessions == [False, True], sessions


@pytest.mark.parametrize('no_proxy, through_proxy', [(None, True), ('amazonaws.com', False)])
def test_https_proxy_environment(home, no_proxy, through_proxy):
    proxy = RecordingProxy()
    try:
        env = {'HTTPS_PROXY': proxy.url}
        if no_proxy:
            env['NO_PROXY'] = no_proxy
        out = call(home, {'region': REGION, 'connectTimeoutMs': 2000}, env)
        assert out['status'] in (5, 6), out  # nothing real is reachable: the proxy answers 502, or no route
        assert proxy.targets == (['https://ivs.us-west-2.amazonaws.com'] if through_proxy else [])
    finally:
        proxy.close()
