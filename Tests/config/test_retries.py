"""Retry behaviour against ivs-local's fault injection: attempts per mode and per setting source,
the retry quota, Retry-After, and errors that are not retried. Delays are read from the debug log
line each retry writes ("retrying in N ms"), never timed."""
import re

import pytest

from cfgutil import LIST, REGION

CREDS = {'accessKeyId': 'test', 'secretAccessKey': 'test'}


def config(local, **extra):
    c = {'region': REGION, 'endpointUrl': local.url, 'credentials': CREDS}
    c.update(extra)
    return c


def fail_list(local, count=20, status=503, code='ServiceUnavailableException', **extra):
    local.fault(service='ivs', operation='ListChannels', count=count, status=status, code=code, **extra)


def attempts_of(r):
    call = r['results'][0][0]
    return call['json']['error']['attempts'] if call['status'] else call['json']['ResponseMetadata']['RetryAttempts'] + 1


@pytest.mark.parametrize('extra, env, profile, expected', [
    ({}, {}, '', 3),
    ({'maxAttempts': 5}, {'AWS_MAX_ATTEMPTS': '2'}, '', 5),
    ({}, {'AWS_MAX_ATTEMPTS': '2'}, 'max_attempts = 4\n', 2),
    ({}, {}, 'max_attempts = 4\n', 4),
    ({'retryMode': 'off'}, {}, '', 1),
    ({}, {'AWS_RETRY_MODE': 'off'}, '', 1),
    ({}, {}, 'retry_mode = off\n', 1),
    ({'retryMode': 'adaptive'}, {}, '', 3),
], ids=['default', 'config', 'env', 'profile', 'off-config', 'off-env', 'off-profile', 'adaptive'])
def test_attempts(local, home, extra, env, profile, expected):
    home.config('[default]\n' + profile)
    fail_list(local, retryAfter='0')
    r = home.probe(config(local, **extra), [{'calls': [LIST]}], env=env)
    call = r['results'][0][0]
    assert call['status'] == 6
    assert call['json']['error']['attempts'] == expected
    assert len(local.requests(operation='ListChannels')) == expected


def test_throttling_then_success(local, home):
    fail_list(local, count=2, status=400, code='ThrottlingException', retryAfter='0')
    r = home.probe(config(local), [{'calls': [LIST]}])
    assert r['results'][0][0]['status'] == 0
    assert attempts_of(r) == 3


@pytest.mark.parametrize('status, code', [(400, 'ValidationException'), (404, 'ResourceNotFoundException'),
                                          (403, 'AccessDeniedException'), (501, 'NotImplemented')])
def test_not_retried(local, home, status, code):
    fail_list(local, status=status, code=code)
    r = home.probe(config(local), [{'calls': [LIST]}], log_level=4)
    assert r['results'][0][0]['json']['error']['attempts'] == 1
    assert any('not retryable' in line for line in r['logs'])


def retry_delays(logs):
    return [int(m.group(1)) for line in logs for m in [re.search(r'retrying in (\d+) ms', line)] if m]


def test_retry_after_is_honoured(local, home):
    fail_list(local, count=1, retryAfter='1')
    r = home.probe(config(local), [{'calls': [LIST]}], log_level=4)
    assert r['results'][0][0]['status'] == 0
    assert retry_delays(r['logs']) == [1000]


def test_backoff_is_bounded_exponential(local, home):
    fail_list(local, count=4)
    r = home.probe(config(local, maxAttempts=3), [{'calls': [LIST]}], log_level=4)
    d = retry_delays(r['logs'])
    assert len(d) == 2 and 0 <= d[0] <= 1000 and 0 <= d[1] <= 2000


def test_connection_errors_are_retried(local, home):
    local.fault(service='ivs', operation='ListChannels', count=1, action='drop')
    r = home.probe(config(local), [{'calls': [LIST]}], log_level=4)
    assert r['results'][0][0]['status'] == 0
    assert attempts_of(r) == 2


def test_retry_quota_runs_out(local, home):
    """500 tokens, 5 per retry: 100 calls get their retry, the 101st does not."""
    fail_list(local, count=400, retryAfter='0')
    r = home.probe(config(local, maxAttempts=2), [{'calls': [LIST] * 101}], log_level=4)
    attempts = [c['json']['error']['attempts'] for c in r['results'][0]]
    assert attempts == [2] * 100 + [1]
    assert sum('retry quota exhausted' in line for line in r['logs']) == 1


def test_success_refills_the_quota(local, home):
    """A success after a retry gives its 5 tokens back, so the quota never runs out here."""
    fault = {'service': 'ivs', 'operation': 'ListChannels', 'count': 1, 'status': 503, 'retryAfter': '0'}
    steps = [{'post': [local.url + '/_local/faults', fault]}, {'calls': [LIST]}] * 110
    r = home.probe(config(local, maxAttempts=2), steps, log_level=4)
    assert [c['status'] for step in r['results'] for c in step] == [0] * 110
    assert len(local.requests(operation='ListChannels')) == 220
    assert not any('quota' in line for line in r['logs'])
