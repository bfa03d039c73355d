"""Secrets in URLs when the server misbehaves (issue 10, contract 6): an endpointUrl or proxy with
user:password@ is never echoed with its password, whether the call fails at the network, with a
service error, or at ivs_client_new. run() checks every returned text and every log line (debug
level) for the password."""
import pytest

from hostile_driver import SECRET, config_for, run
from hostile_server import response

RSS_MB = 60
LIST = ('call', 'ivs', 'ListChannels', {})


def with_password(url):
    return url.replace('http://', f'http://user:{SECRET}@')


ANSWERS = {
    'drop': lambda conn, req: False,
    'reset': lambda conn, req: conn.reset(),
    '500': lambda conn, req: conn.send(response(500, 'Internal Server Error', body=b'{"message": "boom"}')) and False,
    '407': lambda conn, req: conn.send(response(407, 'Proxy Authentication Required', body=b'')) and False,
    'ok': lambda conn, req: conn.send(response(200, headers=[('Content-Type', 'application/json')],
                                               body=b'{"channels": []}')) and False,
}


@pytest.mark.parametrize('answer', ['drop', 'reset', '500', 'ok'])
def test_endpoint_url_password(driver, tmp_path, serve, answer):
    """Refused at ivs_client_new, or used: either way the password is not echoed."""
    server = serve(ANSWERS[answer])
    out = run(driver, tmp_path, config_for(server, endpointUrl=with_password(server.url)), [LIST], RSS_MB,
              expect_new=None)
    if out.new:
        assert out.new == 3 and out.new_json['error']['kind'] == 'config', out.new_json
    else:
        assert out.step.status in (0, 5, 6), out.step.brief()


@pytest.mark.parametrize('answer', ['drop', 'reset', '407'])
def test_proxy_password(driver, tmp_path, serve, answer):
    """The hostile server is the proxy (plain HTTP proxying: it gets the absolute-form request)."""
    proxy = serve(ANSWERS[answer])
    out = run(driver, tmp_path, config_for(proxy, endpointUrl='http://ivs.example.invalid',
                                           proxy=with_password(proxy.url)), [LIST], RSS_MB)
    assert out.step.status in (5, 6), out.step.brief()
    assert proxy.count == 1


@pytest.mark.parametrize('url', ['http://user:{s}@127.0.0.1:99999', 'http://user:{s}@127.0.0.1:port',
                                 'http://user:{s}@bad host:1', 'http://user:{s}@127.0.0.1:1/a b'])
def test_bad_endpoint_url_with_password(driver, tmp_path, serve, url):
    """An endpointUrl refused at ivs_client_new (contract 8) does not quote its password."""
    server = serve(ANSWERS['ok'])
    out = run(driver, tmp_path, config_for(server, endpointUrl=url.format(s=SECRET)), [LIST], RSS_MB, expect_new=3)
    assert out.new_json['error']['kind'] == 'config'
