"""ivschat (Amazon IVS Chat): rooms, logging configurations, chat tokens, the messaging
actions (SendEvent, DeleteMessage, DisconnectUser), and tags.

State lives in ctx.state (one namespace per account and region):
    rooms                  arn -> room record
    loggingConfigurations  arn -> logging configuration record
    actions                room arn -> [recorded SendEvent/DeleteMessage/DisconnectUser actions]
Tags live in ctx.tags (chat's own store).

No chat clients connect to ivs-local; the messaging actions are recorded so tests can read them
back with GET /_local/chat/actions.
"""
from __future__ import annotations

import base64
import copy
import datetime
import json
import secrets

from .. import common
from ..common import ServiceError, new_id, not_found, paginate, quota, validation

SERVICE = 'ivschat'

# Per account and region, from the IVS Chat service-quotas page.
QUOTAS = {'rooms': 50000, 'loggingConfigurations': 10}

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


def _room(ctx, arn: str) -> dict:
    room = _ns(ctx, 'rooms').get(arn)
    if room is None:
        raise not_found(ctx, arn)
    return room


def _logging(ctx, arn: str) -> dict:
    lc = _ns(ctx, 'loggingConfigurations').get(arn)
    if lc is None:
        raise not_found(ctx, arn)
    return lc


def exists(ctx, arn: str) -> bool:
    return arn in ctx.state.get('rooms', {}) or arn in ctx.state.get('loggingConfigurations', {})


# ---------------------------------------------------------------------------------------------
# rooms

def _logging_identifiers(ctx, ids: list | None) -> list:
    ids = list(ids or [])
    if len(set(ids)) != len(ids):
        raise _field_error(ctx, 'loggingConfigurationIdentifiers', 'identifiers must be unique')
    for arn in ids:
        _logging(ctx, arn)
    return ids


def _review_handler(handler: dict | None) -> dict | None:
    if handler is None:
        return None
    out = dict(handler)
    out.setdefault('uri', '')
    out.setdefault('fallbackResult', 'ALLOW')
    return out


def _room_out(ctx, room: dict, summary: bool = False) -> dict:
    keys = (('arn', 'id', 'name', 'messageReviewHandler', 'createTime', 'updateTime',
             'loggingConfigurationIdentifiers') if summary else
            ('arn', 'id', 'name', 'createTime', 'updateTime', 'maximumMessageRatePerSecond',
             'maximumMessageLength', 'messageReviewHandler', 'loggingConfigurationIdentifiers'))
    out = {k: copy.deepcopy(room[k]) for k in keys if room.get(k) is not None}
    out['tags'] = dict(ctx.tags.get(room['arn'], {}))
    return out


def create_room(ctx, params):
    if len(_ns(ctx, 'rooms')) >= QUOTAS['rooms']:
        raise quota(ctx, f'Maximum number of rooms ({QUOTAS["rooms"]}) reached.', QUOTAS['rooms'])
    ids = _logging_identifiers(ctx, params.get('loggingConfigurationIdentifiers'))
    rid = new_id(12)
    arn = ctx.arn('room', rid)
    common.set_tags(ctx, arn, params.get('tags'))
    now = ctx.now()
    room = {'arn': arn, 'id': rid, 'name': params.get('name', ''), 'createTime': now,
            'updateTime': now,
            'maximumMessageRatePerSecond': params.get('maximumMessageRatePerSecond', 10),
            'maximumMessageLength': params.get('maximumMessageLength', 500),
            'messageReviewHandler': _review_handler(params.get('messageReviewHandler')),
            'loggingConfigurationIdentifiers': ids}
    _ns(ctx, 'rooms')[arn] = room
    return _room_out(ctx, room)


def get_room(ctx, params):
    return _room_out(ctx, _room(ctx, params['identifier']))


def update_room(ctx, params):
    room = _room(ctx, params['identifier'])
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
    return _room_out(ctx, room)


def delete_room(ctx, params):
    arn = params['identifier']
    _room(ctx, arn)
    del _ns(ctx, 'rooms')[arn]
    ctx.tags.pop(arn, None)
    _ns(ctx, 'actions').pop(arn, None)
    return {}


def list_rooms(ctx, params):
    rooms = list(_ns(ctx, 'rooms').values())
    if params.get('name'):
        rooms = [r for r in rooms if r['name'] == params['name']]
    if params.get('messageReviewHandlerUri'):
        rooms = [r for r in rooms if (r.get('messageReviewHandler') or {}).get('uri')
                 == params['messageReviewHandlerUri']]
    if params.get('loggingConfigurationIdentifier'):
        rooms = [r for r in rooms
                 if params['loggingConfigurationIdentifier'] in r['loggingConfigurationIdentifiers']]
    items = [_room_out(ctx, r, summary=True) for r in rooms]
    page, token = paginate(ctx, items, params)
    return {'rooms': page, 'nextToken': token}


# ---------------------------------------------------------------------------------------------
# chat tokens and messaging actions

def create_chat_token(ctx, params):
    room = _room(ctx, params['roomIdentifier'])
    _check_attributes(ctx, params.get('attributes'))
    now = ctx.now()
    minutes = params.get('sessionDurationInMinutes', DEFAULT_SESSION_MINUTES)
    # The real token is an encrypted blob only the chat messaging endpoint can read; ours is
    # opaque too: random bytes after a readable prefix naming the room.
    token = 'AQICAH' + base64.b64encode(
        json.dumps({'room': room['id'], 'nonce': secrets.token_hex(16)}).encode()
        + secrets.token_bytes(96)).decode()
    return {'token': token, 'tokenExpirationTime': now + TOKEN_LIFETIME,
            'sessionExpirationTime': now + datetime.timedelta(minutes=minutes)}


def _record(ctx, room_arn: str, action: dict) -> None:
    action.update(time=ctx.now(), requestId=ctx.request_id)
    _ns(ctx, 'actions').setdefault(room_arn, []).append(action)


def send_event(ctx, params):
    arn = params['roomIdentifier']
    _room(ctx, arn)
    _check_attributes(ctx, params.get('attributes'))
    eid = new_id(12)
    _record(ctx, arn, {'action': 'SendEvent', 'id': eid, 'eventName': params['eventName'],
                       'attributes': dict(params.get('attributes', {}))})
    return {'id': eid}


def delete_message(ctx, params):
    arn = params['roomIdentifier']
    _room(ctx, arn)
    op_id = new_id(12)
    action = {'action': 'DeleteMessage', 'id': op_id, 'messageId': params['id']}
    if params.get('reason') is not None:
        action['reason'] = params['reason']
    _record(ctx, arn, action)
    return {'id': op_id}


def disconnect_user(ctx, params):
    arn = params['roomIdentifier']
    _room(ctx, arn)
    action = {'action': 'DisconnectUser', 'userId': params['userId']}
    if params.get('reason') is not None:
        action['reason'] = params['reason']
    _record(ctx, arn, action)
    return {}


# ---------------------------------------------------------------------------------------------
# logging configurations

def _destination(ctx, dest: dict) -> dict:
    kinds = [k for k in ('s3', 'cloudWatchLogs', 'firehose') if dest.get(k) is not None]
    if len(kinds) != 1:
        raise _field_error(ctx, 'destinationConfiguration',
                           'exactly one of s3, cloudWatchLogs or firehose must be specified')
    return {kinds[0]: dict(dest[kinds[0]])}


def _logging_out(ctx, lc: dict) -> dict:
    out = {k: copy.deepcopy(lc[k]) for k in ('arn', 'id', 'createTime', 'updateTime', 'name',
                                             'destinationConfiguration', 'state')}
    out['tags'] = dict(ctx.tags.get(lc['arn'], {}))
    return out


def create_logging_configuration(ctx, params):
    if len(_ns(ctx, 'loggingConfigurations')) >= QUOTAS['loggingConfigurations']:
        raise quota(ctx, f'Maximum number of logging configurations '
                         f'({QUOTAS["loggingConfigurations"]}) reached.',
                    QUOTAS['loggingConfigurations'])
    dest = _destination(ctx, params['destinationConfiguration'])
    lid = new_id(12)
    arn = ctx.arn('logging-configuration', lid)
    common.set_tags(ctx, arn, params.get('tags'))
    now = ctx.now()
    lc = {'arn': arn, 'id': lid, 'createTime': now, 'updateTime': now,
          'name': params.get('name', ''), 'destinationConfiguration': dest, 'state': 'ACTIVE'}
    _ns(ctx, 'loggingConfigurations')[arn] = lc
    return _logging_out(ctx, lc)


def get_logging_configuration(ctx, params):
    return _logging_out(ctx, _logging(ctx, params['identifier']))


def update_logging_configuration(ctx, params):
    lc = _logging(ctx, params['identifier'])
    if 'destinationConfiguration' in params:
        lc['destinationConfiguration'] = _destination(ctx, params['destinationConfiguration'])
    if 'name' in params:
        lc['name'] = params['name']
    lc['updateTime'] = ctx.now()
    return _logging_out(ctx, lc)


def delete_logging_configuration(ctx, params):
    arn = params['identifier']
    _logging(ctx, arn)
    # Rooms that log to it stop doing so.
    for room in _ns(ctx, 'rooms').values():
        if arn in room['loggingConfigurationIdentifiers']:
            room['loggingConfigurationIdentifiers'] = [
                i for i in room['loggingConfigurationIdentifiers'] if i != arn]
    del _ns(ctx, 'loggingConfigurations')[arn]
    ctx.tags.pop(arn, None)
    return {}


def list_logging_configurations(ctx, params):
    items = [_logging_out(ctx, lc) for lc in _ns(ctx, 'loggingConfigurations').values()]
    page, token = paginate(ctx, items, params)
    return {'loggingConfigurations': page, 'nextToken': token}


def tag_operation(ctx, params):
    return common.tag_ops(ctx, params, lambda arn: exists(ctx, arn))


HANDLERS = {
    'CreateRoom': create_room,
    'GetRoom': get_room,
    'UpdateRoom': update_room,
    'DeleteRoom': delete_room,
    'ListRooms': list_rooms,
    'CreateChatToken': create_chat_token,
    'SendEvent': send_event,
    'DeleteMessage': delete_message,
    'DisconnectUser': disconnect_user,
    'CreateLoggingConfiguration': create_logging_configuration,
    'GetLoggingConfiguration': get_logging_configuration,
    'UpdateLoggingConfiguration': update_logging_configuration,
    'DeleteLoggingConfiguration': delete_logging_configuration,
    'ListLoggingConfigurations': list_logging_configurations,
    'TagResource': tag_operation,
    'UntagResource': tag_operation,
    'ListTagsForResource': tag_operation,
}


# ---------------------------------------------------------------------------------------------
# control API (/_local/...)

def _json_action(a: dict) -> dict:
    out = copy.deepcopy(a)
    out['time'] = a['time'].isoformat().replace('+00:00', 'Z')
    return out


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
            return [_json_action(a) for a in lst if not kind or a['action'] == kind]

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
