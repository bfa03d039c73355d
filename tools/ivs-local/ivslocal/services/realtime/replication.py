"""Participant replication: a participant of one stage shown in another (a replica).

ctx.state['replicas']: [replica records], oldest first.
"""
from __future__ import annotations

from ...common import arn_id, conflict, not_found, page, validation
from . import sessions, stages


def _replicas(ctx) -> list:
    return ctx.state.setdefault('replicas', [])


def _active_replica(ctx, src_arn: str, dst_arn: str, pid: str) -> dict | None:
    return next((r for r in _replicas(ctx)
                 if r['sourceStageArn'] == src_arn and r['destinationStageArn'] == dst_arn
                 and r['participantId'] == pid and r['replicationState'] == 'ACTIVE'), None)


def _stop_replica(ctx, r: dict) -> None:
    r['replicationState'] = 'STOPPED'
    dst = sessions.find_session(ctx, r['destinationStageArn'], r['destinationSessionId'])
    if dst is not None:
        rp = dst['participants'].get(r['participantId'])
        if rp is not None:
            rp['replicationState'] = 'STOPPED'
            sessions.disconnect(ctx, r['destinationStageArn'], dst, rp)
    src = sessions.find_session(ctx, r['sourceStageArn'], r['sourceSessionId'])
    if src is not None:
        sessions.add_event(ctx, src, r['participantId'], 'REPLICATION_STOPPED',
                           destinationStageArn=r['destinationStageArn'],
                           destinationSessionId=r['destinationSessionId'])
        sp = src['participants'].get(r['participantId'])
        if sp is not None and not any(
                x['replicationState'] == 'ACTIVE' and x['participantId'] == r['participantId']
                and x['sourceStageArn'] == r['sourceStageArn'] for x in _replicas(ctx)):
            sp['replicationState'] = 'STOPPED'


def participant_left(ctx, stage_arn: str, session: dict, pid: str) -> None:
    """A source participant leaving stops its replicas; a replica leaving stops its replication."""
    for r in list(_replicas(ctx)):
        if r['participantId'] != pid or r['replicationState'] != 'ACTIVE':
            continue
        if r['sourceStageArn'] == stage_arn or (
                r['destinationStageArn'] == stage_arn and r['destinationSessionId'] == session['sessionId']):
            _stop_replica(ctx, r)


def _replication_of(ctx, params) -> tuple[str, str, str]:
    """(source stage arn, destination stage arn, participant id) of a request; both stages exist."""
    src_arn, dst_arn = params['sourceStageArn'], params['destinationStageArn']
    stages.STAGES.table(ctx).get(src_arn)
    stages.STAGES.table(ctx).get(dst_arn)
    return src_arn, dst_arn, params['participantId']


def start_participant_replication(ctx, params):
    src_arn, dst_arn, pid = _replication_of(ctx, params)
    if src_arn == dst_arn:
        raise validation(ctx, 'The source and destination stages must differ.')
    src = sessions.active_session(ctx, src_arn)
    sp = src['participants'].get(pid) if src else None
    if sp is None or sp['state'] != 'CONNECTED':
        raise not_found(ctx, f'{src_arn}/participant/{pid}')
    if _active_replica(ctx, src_arn, dst_arn, pid):
        raise conflict(ctx, f'Participant {pid} is already replicated to {dst_arn}.')
    fields = {'userId': sp.get('userId', ''), 'published': sp.get('published', False),
              'replicationType': 'REPLICA', 'replicationState': 'ACTIVE',
              'sourceStageArn': src_arn, 'sourceSessionId': src['sessionId'],
              'attributes': params.get('attributes', sp.get('attributes', {}))}
    dst, _ = sessions.join(ctx, dst_arn, fields, participant_id=pid)
    sp['replicationType'] = 'SOURCE'
    sp['replicationState'] = 'ACTIVE'
    _replicas(ctx).append({'sourceStageArn': src_arn, 'participantId': pid,
                           'sourceSessionId': src['sessionId'], 'destinationStageArn': dst_arn,
                           'destinationSessionId': dst['sessionId'], 'replicationState': 'ACTIVE'})
    sessions.add_event(ctx, src, pid, 'REPLICATION_STARTED', destinationStageArn=dst_arn,
                       destinationSessionId=dst['sessionId'])
    return {}


def stop_participant_replication(ctx, params):
    src_arn, dst_arn, pid = _replication_of(ctx, params)
    replica = _active_replica(ctx, src_arn, dst_arn, pid)
    if replica is None:
        raise not_found(ctx, f'{src_arn}/participant/{pid}/replica/{arn_id(dst_arn)}')
    _stop_replica(ctx, replica)
    return {}


def list_participant_replicas(ctx, params):
    items = [r for r in _replicas(ctx)
             if r['sourceStageArn'] == params['sourceStageArn'] and r['participantId'] == params['participantId']]
    return page(ctx, params, 'replicas', items, dict)


HANDLERS = {
    'StartParticipantReplication': start_participant_replication,
    'StopParticipantReplication': stop_participant_replication,
    'ListParticipantReplicas': list_participant_replicas,
}
