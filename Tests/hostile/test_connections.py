"""Connections that go wrong: answers that trickle, resets mid-body, a server that reads the request and
closes without answering, kept-alive connections that die (issue 10, contract 12: with retryMode "off"
one call is exactly one request on the wire; with retries every request on the wire is a counted
attempt)."""
import time

import pytest

from hostile_driver import config_for, run
from hostile_server import response

RSS_MB = 60
LIST = ('call', 'ivs', 'ListChannels', {})
OK = response(200, headers=[('Content-Type', 'application/json')], body=b'{"channels": []}')


def drop(conn, req):
    """Reads the request (already done) and closes without a byte of answer."""
    return False


def test_close_without_answer_retry_off(driver, tmp_path, serve):
    server = serve(drop)
    out = run(driver, tmp_path, config_for(server, retryMode='off'), [LIST], RSS_MB)
    out.step.expect_error(5, attempts=1)
    assert server.count == 1


def test_close_without_answer_standard_retries(driver, tmp_path, serve):
    server = serve(drop)
    out = run(driver, tmp_path, config_for(server, maxAttempts=3), [LIST], RSS_MB)
    out.step.expect_error(5, attempts=3)
    assert server.count == 3, f'{server.count} requests on the wire for {out.step.error["attempts"]} attempts'


def kept_alive_then(second):
    """Answers the first request on a kept-alive connection; the second request on the wire gets
    `second(conn)`; any later one is answered normally (a connection that died once)."""
    def handler(conn, req):
        n = conn.server.count
        if n == 2:
            return second(conn)
        conn.send(OK)
        return True
    return handler


@pytest.mark.parametrize('how', ['close', 'reset', 'partial'])
def test_kept_alive_connection_dies_after_request_retry_off(driver, tmp_path, serve, how):
    """ivs-local's `drop` fault: the second call goes out on the kept-alive connection, the server reads
    it and then closes (FIN), resets (RST) or sends half an answer. One call, one request."""
    def second(conn):
        if how == 'reset':
            conn.reset()
        elif how == 'partial':
            conn.send(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"chan')
        return False
    server = serve(kept_alive_then(second))
    out = run(driver, tmp_path, config_for(server, retryMode='off'), [LIST, LIST], RSS_MB)
    out.steps[0].expect_ok()
    out.steps[1].expect_error(5, attempts=1)
    assert server.per_connection()[0] == 2, 'the second call did not reuse the kept-alive connection'
    assert server.count == 2, f'{server.count} requests on the wire for 2 calls with retryMode "off"'


def test_kept_alive_connection_dies_after_request_standard_retries(driver, tmp_path, serve):
    """With retries on, the request that died is attempt 1 and the retry (answered) is attempt 2:
    RetryAttempts = requests the second call put on the wire - 1."""
    server = serve(kept_alive_then(lambda conn: False))
    out = run(driver, tmp_path, config_for(server, maxAttempts=3), [LIST, LIST], RSS_MB)
    out.steps[0].expect_ok()
    second = out.steps[1].expect_ok()
    on_wire = server.count - 1
    assert second['ResponseMetadata']['RetryAttempts'] == on_wire - 1, \
        f'RetryAttempts {second["ResponseMetadata"]["RetryAttempts"]} but the call put {on_wire} requests on the wire'


@pytest.mark.parametrize('how', ['close', 'reset'])
def test_idle_kept_alive_connection_dropped_between_calls(driver, tmp_path, serve, how):
    """The server drops the idle kept-alive connection between two calls: the second call notices before
    sending and opens a new connection; both succeed, one request each (the control case)."""
    def handler(conn, req):
        conn.send(OK)
        time.sleep(0.1)
        conn.reset() if how == 'reset' else conn.close()
        return False
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, retryMode='off'), [LIST, ('sleep', 400), LIST], RSS_MB)
    out.steps[0].expect_ok()
    out.steps[1].expect_ok()
    assert server.count == 2


@pytest.mark.parametrize('retry', ['off', 'standard'])
def test_reset_mid_body(driver, tmp_path, serve, retry):
    def handler(conn, req):
        conn.send(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"channels": [')
        time.sleep(0.05)
        conn.reset()
        return False
    server = serve(handler)
    attempts = 1 if retry == 'off' else 3
    out = run(driver, tmp_path, config_for(server, retryMode=retry, maxAttempts=3), [LIST], RSS_MB)
    out.step.expect_error(5, attempts=attempts)
    assert server.count == attempts


def test_content_length_longer_than_body(driver, tmp_path, serve):
    """The server announces 1000 bytes, sends 14 and closes."""
    server = serve(lambda conn, req: conn.send(
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"channels": [') and False)
    out = run(driver, tmp_path, config_for(server, retryMode='off'), [LIST], RSS_MB)
    out.step.expect_error(5, attempts=1)
    assert server.count == 1


@pytest.mark.parametrize('where', ['head', 'body'])
def test_trickle_times_out(driver, tmp_path, serve, where):
    """One byte every 100 ms, with requestTimeoutMs 1000: a network Timeout after about a second."""
    whole = OK.replace(b'{"channels": []}', b'{"channels": [' + b' ' * 200 + b']}').replace(
        b'Content-Length: 16', b'Content-Length: 216')

    def handler(conn, req):
        start = 0 if where == 'head' else whole.index(b'\r\n\r\n') + 4
        conn.send(whole[:start])
        for i in range(start, len(whole)):
            if not conn.send(whole[i:i + 1]):
                break
            time.sleep(0.1)
        return False
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, requestTimeoutMs=1000), [LIST], RSS_MB, timeout=30)
    out.step.expect_error(5, attempts=1)
    assert 'Timeout' in out.step.code, out.step.brief()
    assert out.step.ms < 3000


def test_silent_server_times_out(driver, tmp_path, serve):
    """The server reads the request and never answers, nor closes."""
    def handler(conn, req):
        conn.wait_for_close()
        return False
    server = serve(handler)
    out = run(driver, tmp_path, config_for(server, requestTimeoutMs=1000), [LIST], RSS_MB, timeout=30)
    out.step.expect_error(5, attempts=1)
    assert 'Timeout' in out.step.code, out.step.brief()
    assert out.step.ms < 3000
    assert server.count == 1
