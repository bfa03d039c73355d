"""For the operations moto also implements (IVS channels), the same sequence against moto's server
and against ivs-local answers with the same shapes: every member moto returns, ivs-local returns
too, with the same JSON type; errors have the same code and HTTP status."""
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION

moto_server = pytest.importorskip('moto.server')


@pytest.fixture(scope='module')
def moto_url():
    server = moto_server.ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f'http://{host}:{port}'
    server.stop()


def run_sequence(client):
    """Each step's outcome: the response without ResponseMetadata, or ('error', code, status)."""
    outcomes = []

    def step(call):
        try:
            result = call()
            result.pop('ResponseMetadata')
            outcomes.append(result)
            return result
        except ClientError as e:
            outcomes.append(('error', e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']))

    created = step(lambda: client.create_channel(name='parity', latencyMode='NORMAL', type='BASIC',
                                                 authorized=True, tags={'k': 'v'}))
    arn = created['channel']['arn']
    step(lambda: client.create_channel(name='second'))
    step(lambda: client.get_channel(arn=arn))
    step(lambda: client.list_channels())
    step(lambda: client.list_channels(filterByName='parity'))
    step(lambda: client.batch_get_channel(arns=[arn]))
    step(lambda: client.update_channel(arn=arn, name='renamed', latencyMode='LOW', insecureIngest=True))
    step(lambda: client.delete_channel(arn=arn))
    step(lambda: client.get_channel(arn=arn))
    step(lambda: client.update_channel(arn=arn, name='x'))
    return outcomes


def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, tuple):
        return value
    return type(value).__name__


def assert_covers(ours, theirs, path='$'):
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        for key, sub in theirs.items():
            assert key in ours, f'{path}.{key} is in moto\'s response but not ivs-local\'s'
            assert_covers(ours[key], sub, f'{path}.{key}')
    elif isinstance(theirs, list):
        assert isinstance(ours, list), path
        if theirs and ours:
            assert_covers(ours[0], theirs[0], f'{path}[0]')
    else:
        assert ours == theirs, f'{path}: ivs-local {ours!r}, moto {theirs!r}'


def test_channel_sequence_has_the_same_shapes(moto_url, make_client, fresh):
    theirs = run_sequence(boto3.client('ivs', endpoint_url=moto_url, region_name=REGION, aws_access_key_id='test',
                                       aws_secret_access_key='test', config=Config(retries={'total_max_attempts': 1})))
    ours = run_sequence(make_client('ivs'))
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert_covers(shape(a), shape(b), f'step {i}')
