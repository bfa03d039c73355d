"""ivschat (Amazon IVS Chat): rooms, logging configurations, chat tokens, the messaging
actions (SendEvent, DeleteMessage, DisconnectUser), and tags.

Rooms and logging configurations live in their resource tables (ROOMS, LOGGING_CONFIGURATIONS);
ctx.state (one namespace per account and region) holds
    actions                room arn -> [recorded SendEvent/DeleteMessage/DisconnectUser actions]

Chat clients connect over the messaging WebSocket (chat_messaging.py, beside this module): chat
tokens are its, and the messaging actions reach its connected clients as events; they are also
recorded so tests can read them back with GET /_local/chat/actions.
"""
from __future__ import annotations

import copy
import datetime

from .. import common
from ..common import ServiceError, arn_id, filtered, new_id, validation
from ..resources import TAG_HANDLERS, Resource

SERVICE = 'ivschat'

# Quotas per account and region, from the IVS Chat service-quotas page.
ROOMS = Resource(SERVICE, 'room', limit=50000)
LOGGING_CONFIGURATIONS = Resource(SERVICE, 'logging-configuration', limit=10)

TOKEN_LIFETIME = datetime.timedelta(minutes=1)   # "The token is valid for one minute"
DEFAULT_SESSION_MINUTES = 60
MAX_ATTRIBUTES_BYTES = 1024                      # "The maximum length of this field is 1 KB total"


def _ns(ctx, key: str) -> dict:
    return ctx.state.setdefault(key, {})


def _field_error(ctx, name: str, message: str) -> ServiceError:
    return validation(ctx, f'{name}: {message}', [{'name': name, 'message': message}])


def _check_attributes(ctx, attributes: dict | None, name: str = 'attributes') -> None:
    if not attributes:
        return
    size = sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())
    if size > MAX_ATTRIBUTES_BYTES:
        raise _field_error(ctx, name, f'total size of keys and values must be at most '
                                      f'{MAX_ATTRIBUTES_BYTES} bytes (is {size})')


# ---------------------------------------------------------------------------------------------
# rooms

def _logging_identifiers(ctx, ids: list | None) -> list:
    ids = list(ids or [])
    if len(set(ids)) != len(ids):
        raise _field_error(ctx, 'loggingConfigurationIdentifiers', 'identifiers must be unique')
    configurations = LOGGING_CONFIGURATIONS.table(ctx)
    for arn in ids:
        configurations.get(arn)
    return ids


def _review_handler(handler: dict | None) -> dict | None:
    if handler is None:
        return None
    out = dict(handler)
    out.setdefault('uri', '')
    out.setdefault('fallbackResult', 'ALLOW')
    return out


def create_room(ctx, params):
    ids = _logging_identifiers(ctx, params.get('loggingConfigurationIdentifiers'))
    rooms = ROOMS.table(ctx)
    arn = rooms.new_arn()
    now = ctx.now()
    room = {'arn': arn, 'id': arn_id(arn), 'name': params.get('name', ''), 'createTime': now,
            'updateTime': now,
            'maximumMessageRatePerSecond': params.get('maximumMessageRatePerSecond', 10),
            'maximumMessageLength': params.get('maximumMessageLength', 500),
            'messageReviewHandler': _review_handler(params.get('messageReviewHandler')),
            'loggingConfigurationIdentifiers': ids}
    return rooms.view(rooms.add(room, params.get('tags')))


def update_room(ctx, params):
    rooms = ROOMS.table(ctx)
    room = rooms.get(params['identifier'])
    ids = room['loggingConfigurationIdentifiers']
    if 'loggingConfigurationIdentifiers' in params:
        ids = _logging_identifiers(ctx, params['loggingConfigurationIdentifiers'])
    for k in ('name', 'maximumMessageRatePerSecond', 'maximumMessageLength'):
        if k in params:
            room[k] = params[k]
    if 'messageReviewHandler' in params:
        room['messageReviewHandler'] = _review_handler(params['messageReviewHandler'])
    room['loggingConfigurationIdentifiers'] = ids
    room['updateTime'] = ctx.now()
    return rooms.view(room)


def delete_room(ctx, params):
    arn = params['identifier']
    ROOMS.table(ctx).delete(arn)
    _ns(ctx, 'actions').pop(arn, None)
    chat_messaging.room_deleted(arn)
    return {}


ROOM_FILTERS = {
    'name': lambda r, v: r['name'] == v,
    'messageReviewHandlerUri': lambda r, v: (r.get('messageReviewHandler') or {}).get('uri') == v,
    'loggingConfigurationIdentifier': lambda r, v: v in r['loggingConfigurationIdentifiers'],
}


def list_rooms(ctx, params):
    rooms = ROOMS.table(ctx)
    return rooms.page(params, 'rooms', filtered(rooms, params, ROOM_FILTERS))


# ---------------------------------------------------------------------------------------------
# chat tokens and messaging actions

def create_chat_token(ctx, params):
    room = ROOMS.table(ctx).get(params['roomIdentifier'])
    _check_attributes(ctx, params.get('attributes'))
    now = ctx.now()
    minutes = params.get('sessionDurationInMinutes', DEFAULT_SESSION_MINUTES)
    # The real token is an encrypted blob only the chat messaging endpoint can read; ours is signed
    # (chat_messaging.issue_token), and made of token characters, as a WebSocket subprotocol must be.
    return chat_messaging.issue_token(room['arn'], params['userId'], params.get('capabilities', []),
                                      params.get('attributes'), minutes * 60, TOKEN_LIFETIME.total_seconds())


def _record(ctx, room_arn: str, action: dict) -> None:
    action.update(time=ctx.now(), requestId=ctx.request_id)
    _ns(ctx, 'actions').setdefault(room_arn, []).append(action)


def send_event(ctx, params):
    arn = params['roomIdentifier']
    ROOMS.table(ctx).get(arn)
    _check_attributes(ctx, params.get('attributes'))
    eid = new_id(12)
    _record(ctx, arn, {'action': 'SendEvent', 'id': eid, 'eventName': params['eventName'],
                       'attributes': dict(params.get('attributes', {}))})
    chat_messaging.broadcast(arn, chat_messaging.event(params['eventName'], dict(params.get('attributes', {})),
                                                       event_id=eid))
    return {'id': eid}


def delete_message(ctx, params):
    arn = params['roomIdentifier']
    ROOMS.table(ctx).get(arn)
    op_id = new_id(12)
    action = {'action': 'DeleteMessage', 'id': op_id, 'messageId': params['id']}
    if params.get('reason') is not None:
        action['reason'] = params['reason']
    _record(ctx, arn, action)
    chat_messaging.broadcast(arn, chat_messaging.delete_message_event(params['id'], params.get('reason'),
                                                                      event_id=op_id))
    return {'id': op_id}


def disconnect_user(ctx, params):
    arn = params['roomIdentifier']
    ROOMS.table(ctx).get(arn)
    action = {'action': 'DisconnectUser', 'userId': params['userId']}
    if params.get('reason') is not None:
        action['reason'] = params['reason']
    _record(ctx, arn, action)
    chat_messaging.disconnect_user(arn, params['userId'], params.get('reason'))
    return {}


# ---------------------------------------------------------------------------------------------
# logging configurations

def _destination(ctx, dest: dict) -> dict:
    kinds = [k for k in ('s3', 'cloudWatchLogs', 'firehose') if dest.get(k) is not None]
    if len(kinds) != 1:
        raise _field_error(ctx, 'destinationConfiguration',
                           'exactly one of s3, cloudWatchLogs or firehose must be specified')
    return {kinds[0]: dict(dest[kinds[0]])}


def create_logging_configuration(ctx, params):
    dest = _destination(ctx, params['destinationConfiguration'])
    configurations = LOGGING_CONFIGURATIONS.table(ctx)
    arn = configurations.new_arn()
    now = ctx.now()
    lc = {'arn': arn, 'id': arn_id(arn), 'createTime': now, 'updateTime': now,
          'name': params.get('name', ''), 'destinationConfiguration': dest, 'state': 'ACTIVE'}
    return configurations.view(configurations.add(lc, params.get('tags')))


def update_logging_configuration(ctx, params):
    configurations = LOGGING_CONFIGURATIONS.table(ctx)
    lc = configurations.get(params['identifier'])
    if 'destinationConfiguration' in params:
        lc['destinationConfiguration'] = _destination(ctx, params['destinationConfiguration'])
    if 'name' in params:
        lc['name'] = params['name']
    lc['updateTime'] = ctx.now()
    return configurations.view(lc)


def delete_logging_configuration(ctx, params):
    arn = params['identifier']
    configurations = LOGGING_CONFIGURATIONS.table(ctx)
    configurations.get(arn)
    # Rooms that log to it stop doing so.
    for room in ROOMS.table(ctx):
        if arn in room['loggingConfigurationIdentifiers']:
            room['loggingConfigurationIdentifiers'] = [
                i for i in room['loggingConfigurationIdentifiers'] if i != arn]
    configurations.delete(arn)
    return {}


HANDLERS = {
    'CreateRoom': create_room,
    'GetRoom': ROOMS.get_handler(None, 'identifier'),
    'UpdateRoom': update_room,
    'DeleteRoom': delete_room,
    'ListRooms': list_rooms,
    'CreateChatToken': create_chat_token,
    'SendEvent': send_event,
    'DeleteMessage': delete_message,
    'DisconnectUser': disconnect_user,
    'CreateLoggingConfiguration': create_logging_configuration,
    'GetLoggingConfiguration': LOGGING_CONFIGURATIONS.get_handler(None, 'identifier'),
    'UpdateLoggingConfiguration': update_logging_configuration,
    'DeleteLoggingConfiguration': delete_logging_configuration,
    'ListLoggingConfigurations': LOGGING_CONFIGURATIONS.list_handler('loggingConfigurations'),
    **TAG_HANDLERS,
}


# ---------------------------------------------------------------------------------------------
# control API (/_local/...)

def _actions_state(state, body) -> tuple[dict, str | None]:
    arn = body.get('roomArn') or body.get('roomIdentifier')
    if arn:
        return common.state_for_arn(arn, SERVICE), arn
    return state, None


def control_list_actions(state, body):
    """GET /_local/chat/actions[?roomArn=ARN][&action=SendEvent]: the SendEvent, DeleteMessage
    and DisconnectUser actions recorded per room, oldest first. With roomArn: {"roomArn",
    "actions": [...]}; without: {"rooms": {arn: [...]}} for the region given by ?region=
    (default us-west-2) of the default account."""
    st, arn = _actions_state(state, body)
    kind = body.get('action')
    with common.LOCK:
        actions = st.get('actions', {})

        def pick(lst):
            return [copy.deepcopy(a) for a in lst if not kind or a['action'] == kind]

        if arn:
            return {'roomArn': arn, 'actions': pick(actions.get(arn, []))}
        return {'rooms': {a: pick(lst) for a, lst in actions.items()}}


def control_clear_actions(state, body):
    """DELETE /_local/chat/actions[?roomArn=ARN]: forgets the recorded actions."""
    st, arn = _actions_state(state, body)
    with common.LOCK:
        actions = st.setdefault('actions', {})
        if arn:
            actions.pop(arn, None)
        else:
            actions.clear()
    return {}


CONTROL = {
    'GET chat/actions': control_list_actions,
    'DELETE chat/actions': control_clear_actions,
}


# The messaging WebSocket reads the tables above and adds its control routes to CONTROL.
from . import chat_messaging  # noqa: E402
