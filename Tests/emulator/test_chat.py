"""ivschat through boto3 against a real ivs-local: all 17 operations in realistic sequences,
the messaging actions recorded for the control API, and the errors AWS answers (each checked
against the operation's error list in the model)."""
import datetime
import re

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import conftest
from conftest import all_pages, load_model

MODEL = load_model('ivschat')

ROOM_RE = r'^arn:aws:ivschat:us-west-2:123456789012:room/([A-Za-z0-9]{12})$'
LOGGING_RE = r'^arn:aws:ivschat:us-west-2:123456789012:logging-configuration/([A-Za-z0-9]{12})$'
LAMBDA = 'arn:aws:lambda:us-west-2:123456789012:function:review'


@pytest.fixture
def chat(make_client, fresh):
    return make_client('ivschat')


@pytest.fixture
def ctl(fresh):
    return fresh


@pytest.fixture
def unchecked(make_client, fresh):
    """A client that sends whatever it is given, so the server's own validation answers."""
    return make_client('ivschat', config=Config(parameter_validation=False, retries={'total_max_attempts': 1}))


def expect_error(client, method, code, status=None, *, injected=False, **kwargs):
    """conftest.expect_error, and every required member of the error shape is present. injected:
    the error comes from the fault injection of the control API, which sets only the message."""
    resp = conftest.expect_error(client, method, code, status, **kwargs)
    for member in MODEL['shapes'][code].get('required', []) if not injected else ():
        assert member in resp or member == 'message', (member, resp)
    return resp


def s3_logging(chat, name='log', bucket='chat-logs'):
    return chat.create_logging_configuration(name=name, destinationConfiguration={'s3': {'bucketName': bucket}})


# ---------------------------------------------------------------------------------------------
# rooms


def test_room_lifecycle(chat):
    log = s3_logging(chat)['arn']
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    room = chat.create_room(name='lobby', maximumMessageRatePerSecond=5, maximumMessageLength=200,
                            messageReviewHandler={'uri': LAMBDA}, tags={'env': 'dev'},
                            loggingConfigurationIdentifiers=[log])
    arn = room['arn']
    assert re.match(ROOM_RE, arn).group(1) == room['id']
    assert room['name'] == 'lobby'
    assert room['maximumMessageRatePerSecond'] == 5 and room['maximumMessageLength'] == 200
    assert room['messageReviewHandler'] == {'uri': LAMBDA, 'fallbackResult': 'ALLOW'}
    assert room['tags'] == {'env': 'dev'}
    assert room['loggingConfigurationIdentifiers'] == [log]
    assert room['createTime'] >= before and room['createTime'] == room['updateTime']

    got = chat.get_room(identifier=arn)
    for k in ('arn', 'id', 'name', 'createTime', 'updateTime', 'maximumMessageRatePerSecond',
              'maximumMessageLength', 'messageReviewHandler', 'tags', 'loggingConfigurationIdentifiers'):
        assert got[k] == room[k], k

    plain = chat.create_room()
    assert plain['name'] == '' and plain['maximumMessageRatePerSecond'] == 10
    assert plain['maximumMessageLength'] == 500 and plain['loggingConfigurationIdentifiers'] == []
    assert 'messageReviewHandler' not in plain

    updated = chat.update_room(identifier=arn, name='lobby-2', maximumMessageLength=500,
                               messageReviewHandler={'uri': LAMBDA, 'fallbackResult': 'DENY'},
                               loggingConfigurationIdentifiers=[])
    assert updated['name'] == 'lobby-2' and updated['maximumMessageLength'] == 500
    assert updated['maximumMessageRatePerSecond'] == 5          # untouched
    assert updated['messageReviewHandler']['fallbackResult'] == 'DENY'
    assert updated['loggingConfigurationIdentifiers'] == []
    assert updated['updateTime'] >= updated['createTime'] and updated['createTime'] == room['createTime']
    assert chat.get_room(identifier=arn)['name'] == 'lobby-2'

    chat.delete_room(identifier=arn)
    resp = expect_error(chat, 'get_room', 'ResourceNotFoundException', 404, identifier=arn)
    assert resp['resourceId'] == room['id'] and resp['resourceType'] == 'ROOM'
    expect_error(chat, 'delete_room', 'ResourceNotFoundException', 404, identifier=arn)
    expect_error(chat, 'update_room', 'ResourceNotFoundException', 404, identifier=arn, name='x')
    assert [r['arn'] for r in chat.list_rooms()['rooms']] == [plain['arn']]


def test_room_validation(chat):
    # ranges and patterns are the server's to check (boto3 checks only minima)
    resp = expect_error(chat, 'create_room', 'ValidationException', 400, maximumMessageLength=501)
    assert resp['reason'] == 'FIELD_VALIDATION_FAILED'
    assert resp['fieldList'] and all({'name', 'message'} <= set(f) for f in resp['fieldList'])
    expect_error(chat, 'create_room', 'ValidationException', 400, maximumMessageRatePerSecond=101)
    expect_error(chat, 'create_room', 'ValidationException', 400, name='bad name!')
    expect_error(chat, 'create_room', 'ValidationException', 400, messageReviewHandler={'uri': 'https://example.com'})
    expect_error(chat, 'get_room', 'ValidationException', 400,
                 identifier='arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh')
    # an unknown logging configuration
    missing = 'arn:aws:ivschat:us-west-2:123456789012:logging-configuration/abcdABCDefgh'
    expect_error(chat, 'create_room', 'ResourceNotFoundException', 404, loggingConfigurationIdentifiers=[missing])
    room = chat.create_room()['arn']
    expect_error(chat, 'update_room', 'ResourceNotFoundException', 404, identifier=room,
                 loggingConfigurationIdentifiers=[missing])
    # another account's room is not found here
    expect_error(chat, 'get_room', 'ResourceNotFoundException', 404,
                 identifier=room.replace('123456789012', '210987654321'))
    assert len(chat.list_rooms()['rooms']) == 1


def test_list_rooms_paginates_and_filters(chat):
    log = s3_logging(chat)['arn']
    arns = [chat.create_room(name=f'room-{i % 2}')['arn'] for i in range(5)]
    reviewed = chat.create_room(name='reviewed', messageReviewHandler={'uri': LAMBDA},
                                loggingConfigurationIdentifiers=[log])['arn']
    items, pages = all_pages(chat, 'list_rooms', 'rooms', 2)
    assert [r['arn'] for r in items] == arns + [reviewed]
    assert pages == 3
    summary = items[-1]
    assert set(summary) >= {'arn', 'id', 'name', 'createTime', 'updateTime', 'tags', 'loggingConfigurationIdentifiers'}
    assert 'maximumMessageLength' not in summary
    assert [r['arn'] for r in chat.list_rooms(name='room-0')['rooms']] == [arns[0], arns[2], arns[4]]
    assert [r['arn'] for r in chat.list_rooms(messageReviewHandlerUri=LAMBDA)['rooms']] == [reviewed]
    assert [r['arn'] for r in chat.list_rooms(loggingConfigurationIdentifier=log)['rooms']] == [reviewed]
    expect_error(chat, 'list_rooms', 'ValidationException', 400, nextToken='Zm9yZ2Vk')
    expect_error(chat, 'list_rooms', 'ValidationException', 400, maxResults=51)
    token = chat.list_rooms(maxResults=1)['nextToken']
    expect_error(chat, 'list_logging_configurations', 'ValidationException', 400, nextToken=token)


# ---------------------------------------------------------------------------------------------
# logging configurations


def test_logging_configurations(chat, unchecked):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    s3 = s3_logging(chat, 'to-s3')
    assert re.match(LOGGING_RE, s3['arn']).group(1) == s3['id']
    assert s3['state'] == 'ACTIVE' and s3['name'] == 'to-s3'
    assert s3['destinationConfiguration'] == {'s3': {'bucketName': 'chat-logs'}}
    assert s3['createTime'] >= before
    cw = chat.create_logging_configuration(destinationConfiguration={'cloudWatchLogs': {'logGroupName': '/ivs/chat'}},
                                           tags={'k': 'v'})
    fh = chat.create_logging_configuration(destinationConfiguration={'firehose': {'deliveryStreamName': 'chat'}})
    assert cw['tags'] == {'k': 'v'} and cw['name'] == ''

    got = chat.get_logging_configuration(identifier=cw['arn'])
    assert got['destinationConfiguration'] == {'cloudWatchLogs': {'logGroupName': '/ivs/chat'}}
    assert got['state'] == 'ACTIVE' and got['tags'] == {'k': 'v'}

    items, pages = all_pages(chat, 'list_logging_configurations', 'loggingConfigurations', 2)
    assert [x['arn'] for x in items] == [s3['arn'], cw['arn'], fh['arn']] and pages == 2

    up = chat.update_logging_configuration(identifier=s3['arn'], name='renamed',
                                           destinationConfiguration={'firehose': {'deliveryStreamName': 'x'}})
    assert up['name'] == 'renamed' and up['destinationConfiguration'] == {'firehose': {'deliveryStreamName': 'x'}}
    assert up['updateTime'] >= up['createTime']

    # exactly one destination
    resp = expect_error(unchecked, 'create_logging_configuration', 'ValidationException', 400,
                        destinationConfiguration={'s3': {'bucketName': 'chat-logs'},
                                                  'firehose': {'deliveryStreamName': 'x'}})
    assert resp['reason'] == 'FIELD_VALIDATION_FAILED'
    assert resp['fieldList'][0]['name'] == 'destinationConfiguration'
    expect_error(unchecked, 'create_logging_configuration', 'ValidationException', 400, destinationConfiguration={})
    expect_error(unchecked, 'create_logging_configuration', 'ValidationException', 400)  # required
    expect_error(chat, 'update_logging_configuration', 'ValidationException', 400, identifier=cw['arn'],
                 destinationConfiguration={'s3': {'bucketName': 'Not_A_Bucket'}})

    # a room that logs to a deleted configuration stops doing so
    room = chat.create_room(loggingConfigurationIdentifiers=[cw['arn'], fh['arn']])['arn']
    chat.delete_logging_configuration(identifier=cw['arn'])
    assert chat.get_room(identifier=room)['loggingConfigurationIdentifiers'] == [fh['arn']]
    expect_error(chat, 'get_logging_configuration', 'ResourceNotFoundException', 404, identifier=cw['arn'])
    expect_error(chat, 'delete_logging_configuration', 'ResourceNotFoundException', 404, identifier=cw['arn'])
    expect_error(chat, 'update_logging_configuration', 'ResourceNotFoundException', 404, identifier=cw['arn'],
                 name='x')


def test_logging_configuration_quota(chat):
    for i in range(10):
        s3_logging(chat, f'log{i}')
    resp = expect_error(chat, 'create_logging_configuration', 'ServiceQuotaExceededException', 402,
                        destinationConfiguration={'s3': {'bucketName': 'chat-logs'}})
    assert resp['limit'] == 10
    assert len(chat.list_logging_configurations()['loggingConfigurations']) == 10


# ---------------------------------------------------------------------------------------------
# tokens and messaging


def test_create_chat_token(chat):
    room = chat.create_room()['arn']
    now = datetime.datetime.now(datetime.timezone.utc)
    tok = chat.create_chat_token(roomIdentifier=room, userId='viewer-1', capabilities=['SEND_MESSAGE'],
                                 sessionDurationInMinutes=30, attributes={'displayName': 'Viewer'})
    assert isinstance(tok['token'], str) and len(tok['token']) > 32
    assert datetime.timedelta(minutes=29) < tok['sessionExpirationTime'] - now < datetime.timedelta(minutes=31)
    assert datetime.timedelta(0) < tok['tokenExpirationTime'] - now <= datetime.timedelta(minutes=2)
    default = chat.create_chat_token(roomIdentifier=room, userId='viewer-2')
    assert datetime.timedelta(minutes=59) < default['sessionExpirationTime'] - now < datetime.timedelta(minutes=61)
    assert default['token'] != tok['token']

    missing = room[:-4] + 'zzzz'
    expect_error(chat, 'create_chat_token', 'ResourceNotFoundException', 404, roomIdentifier=missing, userId='u')
    expect_error(chat, 'create_chat_token', 'ValidationException', 400, roomIdentifier=room, userId='u',
                 sessionDurationInMinutes=181)
    expect_error(chat, 'create_chat_token', 'ValidationException', 400, roomIdentifier=room, userId='u',
                 capabilities=['SHOUT'])
    resp = expect_error(chat, 'create_chat_token', 'ValidationException', 400, roomIdentifier=room, userId='u',
                        attributes={'big': 'x' * 1100})
    assert resp['fieldList'][0]['name'] == 'attributes'


def test_messaging_actions_are_recorded(chat, ctl, unchecked):
    room = chat.create_room(name='live')['arn']
    other = chat.create_room()['arn']
    sent = chat.send_event(roomIdentifier=room, eventName='app:poll', attributes={'question': 'Tea?'})
    assert re.match(r'^[A-Za-z0-9]{12}$', sent['id'])
    deleted = chat.delete_message(roomIdentifier=room, id='AbCdEfGhIjKl', reason='spam')
    assert re.match(r'^[A-Za-z0-9]{12}$', deleted['id'])
    chat.disconnect_user(roomIdentifier=room, userId='troll', reason='rude')
    chat.send_event(roomIdentifier=other, eventName='hello')

    actions = ctl.get('chat/actions', roomArn=room)['actions']
    assert [a['action'] for a in actions] == ['SendEvent', 'DeleteMessage', 'DisconnectUser']
    assert actions[0]['id'] == sent['id'] and actions[0]['eventName'] == 'app:poll'
    assert actions[0]['attributes'] == {'question': 'Tea?'}
    assert actions[1]['messageId'] == 'AbCdEfGhIjKl' and actions[1]['reason'] == 'spam'
    assert actions[1]['id'] == deleted['id']
    assert actions[2]['userId'] == 'troll' and actions[2]['reason'] == 'rude'
    assert all(a['time'].endswith('Z') and a['requestId'] for a in actions)
    # the request log agrees about which request did what
    logged = {r['requestId'] for r in ctl.requests(service='ivschat', operation='SendEvent')}
    assert actions[0]['requestId'] in logged

    assert [a['action'] for a in ctl.get('chat/actions', roomArn=room, action='DisconnectUser')['actions']] == [
        'DisconnectUser']
    everything = ctl.get('chat/actions')['rooms']
    assert set(everything) == {room, other} and len(everything[other]) == 1

    ctl.call('DELETE', 'chat/actions', query={'roomArn': room})
    assert ctl.get('chat/actions', roomArn=room)['actions'] == []
    assert len(ctl.get('chat/actions', roomArn=other)['actions']) == 1

    missing = room[:-4] + 'zzzz'
    expect_error(chat, 'send_event', 'ResourceNotFoundException', 404, roomIdentifier=missing, eventName='e')
    expect_error(chat, 'delete_message', 'ResourceNotFoundException', 404, roomIdentifier=missing, id='AbCdEfGhIjKl')
    expect_error(chat, 'disconnect_user', 'ResourceNotFoundException', 404, roomIdentifier=missing, userId='u')
    expect_error(unchecked, 'delete_message', 'ValidationException', 400, roomIdentifier=room, id='short')
    expect_error(unchecked, 'disconnect_user', 'ValidationException', 400, roomIdentifier=room, userId='')
    expect_error(chat, 'send_event', 'ValidationException', 400, roomIdentifier=room, eventName='e' * 101)
    expect_error(chat, 'send_event', 'ValidationException', 400, roomIdentifier=room, eventName='e',
                 attributes={'a': 'b' * 1100})
    # failed calls record nothing; deleting the room forgets its actions
    assert ctl.get('chat/actions', roomArn=room)['actions'] == []
    chat.delete_room(identifier=other)
    assert ctl.get('chat/actions', roomArn=other)['actions'] == []


def test_throttling_fault_on_send_event(chat, ctl, make_client):
    """A fault scoped to ivschat SendEvent: the model lists ThrottlingException for it, and
    boto3 retries it in standard mode."""
    room = chat.create_room()['arn']
    ctl.post('faults', {'service': 'ivschat', 'operation': 'SendEvent', 'count': 1, 'action': 'error',
                        'status': 429, 'code': 'ThrottlingException', 'message': 'Rate exceeded'})
    chat.get_room(identifier=room)                         # not matched by the fault
    resp = expect_error(chat, 'send_event', 'ThrottlingException', 429, injected=True, roomIdentifier=room,
                        eventName='e')
    assert resp['Error']['Message'] == 'Rate exceeded'
    assert ctl.get('chat/actions', roomArn=room)['actions'] == []
    ctl.post('faults', {'service': 'ivschat', 'operation': 'SendEvent', 'count': 1, 'action': 'error',
                        'status': 429, 'code': 'ThrottlingException', 'message': 'Rate exceeded'})
    retrying = make_client('ivschat', attempts=2)
    out = retrying.send_event(roomIdentifier=room, eventName='e')
    assert out['ResponseMetadata']['RetryAttempts'] == 1
    assert len(ctl.requests(service='ivschat', operation='SendEvent')) == 3
    assert len(ctl.get('chat/actions', roomArn=room)['actions']) == 1


# ---------------------------------------------------------------------------------------------
# tags


def test_tags(chat, make_client):
    room = chat.create_room(tags={'a': '1'})['arn']
    log = s3_logging(chat)['arn']
    for arn in (room, log):
        chat.tag_resource(resourceArn=arn, tags={'b': '2', 'c': '3'})
        chat.untag_resource(resourceArn=arn, tagKeys=['c'])
        assert chat.list_tags_for_resource(resourceArn=arn)['tags'] == {**({'a': '1'} if arn == room else {}),
                                                                         'b': '2'}
    assert chat.get_room(identifier=room)['tags'] == {'a': '1', 'b': '2'}
    assert chat.list_rooms()['rooms'][0]['tags'] == {'a': '1', 'b': '2'}
    assert chat.get_logging_configuration(identifier=log)['tags'] == {'b': '2'}

    chat.tag_resource(resourceArn=room, tags={f'k{i}': 'v' for i in range(48)})
    expect_error(chat, 'tag_resource', 'ValidationException', 400, resourceArn=room, tags={'x': 'y'})

    missing = room[:-4] + 'zzzz'
    expect_error(chat, 'tag_resource', 'ResourceNotFoundException', 404, resourceArn=missing, tags={'a': 'b'})
    expect_error(chat, 'untag_resource', 'ResourceNotFoundException', 404, resourceArn=missing, tagKeys=['a'])
    expect_error(chat, 'list_tags_for_resource', 'ResourceNotFoundException', 404, resourceArn=missing)
    expect_error(chat, 'list_tags_for_resource', 'ValidationException', 400,
                 resourceArn='arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh')

    # chat keeps its own tags: the ivs client does not see a room
    ivs = make_client('ivs')
    with pytest.raises(ClientError):
        ivs.list_tags_for_resource(resourceArn=room)

    chat.delete_room(identifier=room)
    expect_error(chat, 'list_tags_for_resource', 'ResourceNotFoundException', 404, resourceArn=room)


def test_every_operation_is_covered():
    """The tests above call every ivschat operation; keep it that way."""
    src = open(__file__).read()
    import botocore.session
    client = botocore.session.get_session().create_client(
        'ivschat', region_name='us-west-2', aws_access_key_id='x', aws_secret_access_key='x')
    missing = [op for method, op in client.meta.method_to_api_mapping.items()
               if f'.{method}(' not in src and f"'{method}'" not in src]
    assert len(MODEL['operations']) == 17
    assert missing == []
