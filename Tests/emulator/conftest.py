"""Fixtures for the ivs-local suites: one real ivs-local process per test session (with a second
key pair, of another account), boto3 clients pointed at it, and its /_local/ control API; all from
ivslocal.testing. Also the helpers the test modules import: expect_error, all_pages."""
import json
import os
import sys

import pytest
from botocore.exceptions import ClientError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)
from ivslocal.testing import ACCOUNT, REGION, start_ivs_local  # noqa: E402,F401 (for the tests)


@pytest.fixture(scope='session')
def ivs_local_args():
    return ('--credentials', 'test:test', '--credentials', 'other:othersecret:210987654321')


def load_model(service):
    """The service model in models/ ('ivs', 'ivs-realtime', 'ivschat')."""
    with open(os.path.join(ROOT, 'models', service, '2020-07-14', 'service-2.json')) as f:
        return json.load(f)


_MODELS = {}


def expect_error(client, method, code, status=None, **kwargs):
    """Calls client.method(**kwargs), expects a service error `code` that the model lists for the
    operation, and returns the parsed error response."""
    with pytest.raises(ClientError) as ei:
        getattr(client, method)(**kwargs)
    resp = ei.value.response
    service = client.meta.service_model.service_name
    model = _MODELS.get(service) or _MODELS.setdefault(service, load_model(service))
    op = client.meta.method_to_api_mapping[method]
    assert resp['Error']['Code'] == code, resp
    listed = [e['shape'] for e in model['operations'][op].get('errors', [])]
    assert code in listed, f'{code} is not in the model errors of {op}: {listed}'
    if status is not None:
        assert resp['ResponseMetadata']['HTTPStatusCode'] == status
    assert resp['ResponseMetadata']['HTTPHeaders']['x-amzn-errortype'].startswith(code)
    assert resp['ResponseMetadata']['RequestId']
    assert resp['Error']['Message']
    return resp


def all_pages(client, method, key, page_size, **kwargs):
    """Every item of a List operation, page by page: (items, number of pages)."""
    items, token, pages = [], None, 0
    while True:
        args = dict(kwargs, maxResults=page_size)
        if token:
            args['nextToken'] = token
        resp = getattr(client, method)(**args)
        pages += 1
        assert len(resp[key]) <= page_size
        items += resp[key]
        token = resp.get('nextToken')
        if not token:
            return items, pages
