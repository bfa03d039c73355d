"""Stage sessions, their participants and participant events, and the connection tokens they
connect with: what happens on a stage while people are on it. No media flows through ivs-local, so
participants join, publish and leave through the control API (CONTROL below); the service
operations read what that recorded.

ctx.state['sessions']: stage arn -> [session records], oldest first; a session holds its
participants (participantId -> record) and events (list, oldest first).
ctx.state['revokedConnectionTokens']: the ids RevokeConnectionToken revoked, in order. Connection
tokens are JWTs the customer signs (no operation creates them), so a participant says which one it
connected with when it joins through the control API ('connectionTokenId'); it keeps it privately
('_connectionTokenId').
"""
from __future__ import annotations

import copy
import datetime

from ...common import (LOCK, ServiceError, arn_id, control_not_found, filtered, given_filters, new_id, not_found,
                       page, validation)
from . import ingest_configurations, participant_tokens, replication, stages, storage_configurations

EVENT_NAMES = ('JOINED', 'LEFT', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'SUBSCRIBE_STARTED',
               'SUBSCRIBE_STOPPED', 'PUBLISH_ERROR', 'SUBSCRIBE_ERROR', 'JOIN_ERROR',
               'REPLICATION_STARTED', 'REPLICATION_STOPPED', 'TOKEN_EXCHANGED')
EVENT_ERROR_CODES = ('INSUFFICIENT_CAPABILITIES', 'QUOTA_EXCEEDED', 'PUBLISHER_NOT_FOUND',
                     'BITRATE_EXCEEDED', 'RESOLUTION_EXCEEDED', 'STREAM_DURATION_EXCEEDED',
                     'INVALID_AUDIO_CODEC', 'INVALID_VIDEO_CODEC', 'INVALID_PROTOCOL',
                     'INVALID_STREAM_KEY', 'REUSE_OF_STREAM_KEY', 'B_FRAME_PRESENT',
                     'INVALID_INPUT', 'INTERNAL_SERVER_EXCEPTION')

# Participant members a control request may set (besides the ones ivs-local assigns).
PARTICIPANT_FIELDS = ('userId', 'state', 'attributes', 'published', 'ispName', 'osName',
                      'osVersion', 'browserName', 'browserVersion', 'sdkVersion',
                      'recordingS3BucketName', 'recordingS3Prefix', 'recordingState', 'protocol',
                      'replicationType', 'replicationState', 'sourceStageArn', 'sourceSessionId',
                      'redundantIngest', 'ingestConfigurationArn')
PARTICIPANT_SUMMARY_FIELDS = ('participantId', 'userId', 'state', 'firstJoinTime', 'published',
                              'recordingState', 'replicationType', 'replicationState',
                              'sourceStageArn', 'sourceSessionId', 'redundantIngest',
                              'ingestConfigurationArn')


def _sessions(ctx) -> dict:
    return ctx.state.setdefault('sessions', {})


def active_session(ctx, stage_arn: str) -> dict | None:
    sessions = _sessions(ctx).get(stage_arn, [])
    if sessions and sessions[-1].get('endTime') is None:
        return sessions[-1]
    return None


def find_session(ctx, stage_arn: str, session_id: str) -> dict | None:
    for s in _sessions(ctx).get(stage_arn, []):
        if s['sessionId'] == session_id:
            return s
    return None


def _start_session(ctx, stage_arn: str) -> dict:
    s = active_session(ctx, stage_arn)
    if s is None:
        s = {'sessionId': 'st-' + new_id(13), 'startTime': ctx.now(), 'endTime': None,
             'participants': {}, 'events': []}
        _sessions(ctx).setdefault(stage_arn, []).append(s)
        stages.STAGES.table(ctx).get(stage_arn)['activeSessionId'] = s['sessionId']
    return s


def end_session(ctx, stage_arn: str) -> None:
    """Disconnects everyone and ends the stage's active session, if it has one."""
    s = active_session(ctx, stage_arn)
    if s is None:
        return
    for p in s['participants'].values():
        if p['state'] == 'CONNECTED':
            disconnect(ctx, stage_arn, s, p, end_if_empty=False)
    s['endTime'] = ctx.now()
    stage = stages.STAGES.table(ctx).find(stage_arn)
    if stage is not None:
        stage.pop('activeSessionId', None)


def add_event(ctx, session: dict, participant_id: str, name: str, **extra) -> dict:
    ev = {'name': name, 'participantId': participant_id, 'eventTime': extra.pop('eventTime', None) or ctx.now()}
    ev.update({k: v for k, v in extra.items() if v is not None})
    session['events'].append(ev)
    return ev


def disconnect(ctx, stage_arn: str, session: dict, p: dict, *, end_if_empty: bool = True,
               reason: str | None = None) -> None:
    """A participant leaves: its publishing, recording, replication and ingest stop; the session
    ends when nobody is left connected (unless end_if_empty is False)."""
    if p['state'] != 'CONNECTED':
        return
    pid = p['participantId']
    if p.pop('_publishing', False):
        add_event(ctx, session, pid, 'PUBLISH_STOPPED')
    p['state'] = 'DISCONNECTED'
    if p.get('recordingState') in ('STARTING', 'ACTIVE'):
        p['recordingState'] = 'STOPPED'
    add_event(ctx, session, pid, 'LEFT', replica=True if p.get('replicationType') == 'REPLICA' else None)
    if reason:
        p['_disconnectReason'] = reason
    replication.participant_left(ctx, stage_arn, session, pid)
    ingest_configurations.participant_left(ctx, stage_arn, p)
    if end_if_empty and not any(q['state'] == 'CONNECTED' for q in session['participants'].values()):
        end_session(ctx, stage_arn)


def join(ctx, stage_arn: str, fields: dict, participant_id: str | None = None) -> tuple[dict, dict]:
    """Adds (or reconnects) a participant in the stage's active session (started if needed):
    (session, participant)."""
    stage = stages.STAGES.table(ctx).get(stage_arn)
    session = _start_session(ctx, stage_arn)
    token = participant_tokens.issued(ctx, stage_arn, participant_id or '')
    pid = participant_id or new_id(12)
    p = session['participants'].get(pid)
    was_connected = p is not None and p['state'] == 'CONNECTED'
    if p is None:
        p = {'participantId': pid, 'userId': '', 'state': 'CONNECTED',
             'firstJoinTime': fields.get('firstJoinTime') or ctx.now(), 'attributes': {},
             'published': False, 'protocol': 'WHIP', 'replicationType': 'NONE',
             'redundantIngest': False}
        if token is not None:
            p['userId'] = token.get('userId', '')
            p['attributes'] = dict(token.get('attributes', {}))
        rec = stage.get('autoParticipantRecordingConfiguration') or {}
        storages = storage_configurations.STORAGE_CONFIGURATIONS.table(ctx)
        storage = storages.find(rec.get('storageConfigurationArn') or '')
        if storage is not None and 'NONE' not in rec.get('mediaTypes', []):
            p['recordingState'] = 'ACTIVE'
            p['recordingS3BucketName'] = storage['s3']['bucketName']
            p['recordingS3Prefix'] = f"{arn_id(stage_arn)}-{session['sessionId']}-{pid}"
        else:
            p['recordingState'] = 'DISABLED'
        session['participants'][pid] = p
    else:
        p['state'] = 'CONNECTED'
    for k in PARTICIPANT_FIELDS:
        if k in fields and fields[k] is not None:
            p[k] = copy.deepcopy(fields[k])
    if p['state'] == 'CONNECTED':
        if not was_connected:
            add_event(ctx, session, pid, 'JOINED',
                      replica=True if p.get('replicationType') == 'REPLICA' else None)
        if fields.get('published') and not p.get('_publishing'):
            # 'published' means "ever published in this session"; _publishing is "right now".
            p['_publishing'] = True
            add_event(ctx, session, pid, 'PUBLISH_STARTED')
    return session, p


def participant_view(p: dict, summary: bool = False) -> dict:
    keys = PARTICIPANT_SUMMARY_FIELDS if summary else ('participantId',) + PARTICIPANT_FIELDS + ('firstJoinTime',)
    return {k: copy.deepcopy(p[k]) for k in keys if k in p and p[k] is not None}


# ---------------------------------------------------------------------------------------------
# operations

def _session_view(s: dict) -> dict:
    return {'sessionId': s['sessionId'], 'startTime': s['startTime'], 'endTime': s['endTime']}


def _session(ctx, params) -> dict:
    stages.STAGES.table(ctx).get(params['stageArn'])
    s = find_session(ctx, params['stageArn'], params['sessionId'])
    if s is None:
        raise not_found(ctx, params['sessionId'])
    return s


def get_stage_session(ctx, params):
    return {'stageSession': _session_view(_session(ctx, params))}


def list_stage_sessions(ctx, params):
    newest_first = list(reversed(_sessions(ctx).get(params['stageArn'], [])))
    return page(ctx, params, 'stageSessions', newest_first, _session_view)


def get_participant(ctx, params):
    p = _session(ctx, params)['participants'].get(params['participantId'])
    if p is None:
        raise not_found(ctx, params['participantId'])
    return {'participant': participant_view(p)}


PARTICIPANT_FILTERS = {'filterByUserId': lambda p, v: p.get('userId') == v,
                       'filterByPublished': lambda p, v: bool(p.get('published')) == v,
                       'filterByState': lambda p, v: p.get('state') == v,
                       'filterByRecordingState': lambda p, v: p.get('recordingState') == v}


def list_participants(ctx, params):
    if len(given_filters(params, PARTICIPANT_FILTERS)) > 1:
        raise validation(ctx, 'Only one of filterByUserId, filterByPublished, filterByState or '
                              'filterByRecordingState can be provided per request.')
    s = find_session(ctx, params['stageArn'], params['sessionId'])
    parts = filtered(s['participants'].values() if s else [], params, PARTICIPANT_FILTERS)
    return page(ctx, params, 'participants', parts, lambda p: participant_view(p, summary=True))


def list_participant_events(ctx, params):
    s = find_session(ctx, params['stageArn'], params['sessionId'])
    events = [e for e in (s['events'] if s else []) if e['participantId'] == params['participantId']]
    return page(ctx, params, 'events', events, copy.deepcopy)


def _revoked(state: dict) -> list:
    return state.setdefault('revokedConnectionTokens', [])


def revoke_connection_token(ctx, params):
    """The token can no longer connect, and every participant connected with it, on any stage of
    the account and region, is disconnected. Any well-formed id is accepted: the service does not
    know the tokens customers sign (the operation has no ResourceNotFoundException)."""
    token_id = params['tokenId']
    revoked = _revoked(ctx.state)
    if token_id not in revoked:
        revoked.append(token_id)
    for stage_arn in list(_sessions(ctx)):
        session = active_session(ctx, stage_arn)
        if session is None:
            continue
        for p in list(session['participants'].values()):
            if p['state'] == 'CONNECTED' and p.get('_connectionTokenId') == token_id:
                disconnect(ctx, stage_arn, session, p, reason='connection token revoked')
    return {}


def disconnect_participant(ctx, params):
    arn, pid = params['stageArn'], params['participantId']
    stages.STAGES.table(ctx).get(arn)
    session = active_session(ctx, arn)
    p = session['participants'].get(pid) if session else None
    token = participant_tokens.issued(ctx, arn, pid)
    if p is not None and p['state'] == 'CONNECTED':
        disconnect(ctx, arn, session, p, reason=params.get('reason'))
    elif token is None:
        raise not_found(ctx, f'{arn}/participant/{pid}')
    if token is not None:
        token['revoked'] = True
    return {}


HANDLERS = {
    'DisconnectParticipant': disconnect_participant,
    'RevokeConnectionToken': revoke_connection_token,
    'GetStageSession': get_stage_session,
    'ListStageSessions': list_stage_sessions,
    'GetParticipant': get_participant,
    'ListParticipants': list_participants,
    'ListParticipantEvents': list_participant_events,
}


# ---------------------------------------------------------------------------------------------
# control API (/_local/stages/...)

def _bad(message: str) -> ServiceError:
    return ServiceError('ValidationException', message, 400)


def _control_stage(body: dict):
    """(context, stage arn) of a control request naming a stage that exists."""
    ctx, stage = stages.STAGES.for_control(body, 'stageArn')
    return ctx, stage['arn']


def _time(value, name: str):
    if value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
        t = datetime.datetime.fromisoformat(str(value).replace('Z', '+00:00'))
        return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _bad(f'{name} must be an ISO 8601 time or epoch seconds') from None


def control_add_participant(state, body):
    """POST /_local/stages/participants {stageArn, participantId?, userId?, attributes?,
    state?, published?, protocol?, connectionTokenId?, ...Participant members}: a participant
    joins the stage's active session (one is started if none is active). A participantId from
    CreateParticipantToken takes that token's userId and attributes. connectionTokenId names the
    connection token it connects with: a revoked one is refused (403 AccessDeniedException)."""
    ctx, stage_arn = _control_stage(body)
    if body.get('state') not in (None, 'CONNECTED', 'DISCONNECTED'):
        raise _bad('state must be CONNECTED or DISCONNECTED')
    token_id = body.get('connectionTokenId')
    if token_id is not None and (not isinstance(token_id, str) or not token_id):
        raise _bad('connectionTokenId must be a non-empty string')
    fields = {k: body[k] for k in PARTICIPANT_FIELDS if k in body}
    if 'firstJoinTime' in body:
        fields['firstJoinTime'] = _time(body['firstJoinTime'], 'firstJoinTime')
    with LOCK:
        if token_id in _revoked(ctx.state):
            raise ServiceError('AccessDeniedException', f'Connection token {token_id} was revoked', 403)
        session, p = join(ctx, stage_arn, fields, participant_id=body.get('participantId'))
        if token_id is not None:
            p['_connectionTokenId'] = token_id
        if p['state'] == 'DISCONNECTED':
            add_event(ctx, session, p['participantId'], 'LEFT')
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'], 'participant': participant_view(p)}


def control_disconnect_participant(state, body):
    """POST /_local/stages/participants/disconnect {stageArn, participantId, reason?}: the
    participant leaves; the session ends when nobody is left connected."""
    ctx, stage_arn = _control_stage(body)
    with LOCK:
        session = active_session(ctx, stage_arn)
        pid = body.get('participantId')
        p = session['participants'].get(pid) if session and pid else None
        if p is None:
            raise control_not_found(ctx, f'{stage_arn}/participant/{pid}')
        disconnect(ctx, stage_arn, session, p, reason=body.get('reason'))
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'],
                'sessionEnded': session['endTime'] is not None, 'participant': participant_view(p)}


def control_add_event(state, body):
    """POST /_local/stages/events {stageArn, sessionId?, participantId, name, eventTime?,
    remoteParticipantId?, errorCode?, destinationStageArn?, destinationSessionId?, replica?}:
    appends a participant event (sessionId defaults to the active session)."""
    ctx, stage_arn = _control_stage(body)
    with LOCK:
        sid = body.get('sessionId')
        session = find_session(ctx, stage_arn, sid) if sid else active_session(ctx, stage_arn)
        if session is None:
            raise control_not_found(ctx, sid or f'{stage_arn} (no active session)')
        if body.get('name') not in EVENT_NAMES:
            raise _bad(f'name must be one of {", ".join(EVENT_NAMES)}')
        if body.get('errorCode') is not None and body['errorCode'] not in EVENT_ERROR_CODES:
            raise _bad(f'errorCode must be one of {", ".join(EVENT_ERROR_CODES)}')
        pid = body.get('participantId')
        if not isinstance(pid, str) or not pid:
            raise _bad('participantId is required')
        extra = {k: body.get(k) for k in ('remoteParticipantId', 'errorCode',
                                          'destinationStageArn', 'destinationSessionId',
                                          'replica', 'previousToken', 'newToken')}
        ev = add_event(ctx, session, pid, body['name'], eventTime=_time(body.get('eventTime'), 'eventTime'), **extra)
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'], 'event': dict(ev)}


def control_revoked_connection_tokens(state, body):
    """GET /_local/stages/connection-tokens[?region=R]: the connection token ids RevokeConnectionToken
    revoked in the first account and that region, oldest first."""
    return {'revoked': list(_revoked(state))}


def control_end_session(state, body):
    """POST /_local/stages/sessions/end {stageArn}: disconnects everyone and ends the active
    session."""
    ctx, stage_arn = _control_stage(body)
    with LOCK:
        session = active_session(ctx, stage_arn)
        end_session(ctx, stage_arn)
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'] if session else None}


CONTROL = {
    'stages/participants': control_add_participant,
    'stages/participants/disconnect': control_disconnect_participant,
    'stages/events': control_add_event,
    'stages/sessions/end': control_end_session,
    'GET stages/connection-tokens': control_revoked_connection_tokens,
}
