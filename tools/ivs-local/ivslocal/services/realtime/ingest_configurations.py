"""Ingest configurations: RTMP(S) publishers of a stage, each with its stream key and participant.
No media flows through ivs-local: the control API starts and stops a publisher (CONTROL below).

A record's '_participantStage' is the stage its publisher is on while ACTIVE.
"""
from __future__ import annotations

from ...common import LOCK, arn_id, conflict, filtered, new_id, not_found, service_error, validation
from ...resources import Resource
from . import SERVICE, sessions, stages

# The quota is our best reading of AWS's default (the service-quotas page does not list it).
INGEST_CONFIGURATIONS = Resource(SERVICE, 'ingest-configuration', limit=1000)


def _stream_key(ctx, ingest_id: str) -> str:
    return f'rt_{ctx.account}_{ctx.region}_{ingest_id}_{new_id(32)}'


def _redundant_credentials(ctx, i: dict) -> list:
    return [{'participantId': i['participantId'], 'streamKey': i['streamKey']},
            {'participantId': new_id(12), 'streamKey': _stream_key(ctx, arn_id(i['arn']))}]


def create_ingest_configuration(ctx, params):
    if params['ingestProtocol'] == 'RTMP' and not params.get('insecureIngest'):
        raise validation(ctx, 'insecureIngest must be true when ingestProtocol is RTMP.')
    stage_arn = params.get('stageArn', '')
    if stage_arn and stage_arn not in stages.STAGES.table(ctx):
        raise validation(ctx, f'Stage {stage_arn} does not exist.')
    table = INGEST_CONFIGURATIONS.table(ctx)
    arn = table.new_arn()
    i = {'name': params.get('name', ''), 'arn': arn, 'ingestProtocol': params['ingestProtocol'],
         'streamKey': _stream_key(ctx, arn_id(arn)), 'stageArn': stage_arn,
         'participantId': new_id(12), 'state': 'INACTIVE', 'userId': params.get('userId', ''),
         'redundantIngest': bool(params.get('redundantIngest', False)),
         'attributes': dict(params.get('attributes', {})),
         'insecureIngest': bool(params.get('insecureIngest', False))}
    if i['redundantIngest']:
        i['redundantIngestCredentials'] = _redundant_credentials(ctx, i)
    return {'ingestConfiguration': table.view(table.add(i, params.get('tags')))}


def update_ingest_configuration(ctx, params):
    table = INGEST_CONFIGURATIONS.table(ctx)
    i = table.get(params['arn'])
    if 'stageArn' in params:
        stage_arn = params['stageArn']
        if stage_arn and stage_arn not in stages.STAGES.table(ctx):
            raise not_found(ctx, stage_arn)
        if i['state'] == 'ACTIVE' and stage_arn != i['stageArn']:
            raise conflict(ctx, f'Ingest configuration {i["arn"]} is in use (state ACTIVE).')
        i['stageArn'] = stage_arn
    if 'redundantIngest' in params:
        i['redundantIngest'] = bool(params['redundantIngest'])
        if i['redundantIngest'] and not i.get('redundantIngestCredentials'):
            i['redundantIngestCredentials'] = _redundant_credentials(ctx, i)
        elif not i['redundantIngest']:
            i.pop('redundantIngestCredentials', None)
    return {'ingestConfiguration': table.view(i)}


def delete_ingest_configuration(ctx, params):
    arn = params['arn']
    table = INGEST_CONFIGURATIONS.table(ctx)
    i = table.get(arn)
    if i['state'] == 'ACTIVE':
        if not params.get('force'):
            raise conflict(ctx, f'Ingest configuration {arn} is active; use force to delete it.')
        _stop(ctx, i)
    table.delete(arn)
    return {}


FILTERS = {'filterByStageArn': lambda i, v: i['stageArn'] == v, 'filterByState': lambda i, v: i['state'] == v}


def list_ingest_configurations(ctx, params):
    table = INGEST_CONFIGURATIONS.table(ctx)
    return table.page(params, 'ingestConfigurations', filtered(table, params, FILTERS))


def _stop(ctx, i: dict) -> None:
    stage_arn = i.get('_participantStage')
    session = sessions.active_session(ctx, stage_arn) if stage_arn else None
    p = session['participants'].get(i['participantId']) if session else None
    if p is not None:
        sessions.disconnect(ctx, stage_arn, session, p)
    i['state'] = 'INACTIVE'
    i.pop('_participantStage', None)


def participant_left(ctx, stage_arn: str, participant: dict) -> None:
    """An RTMP(S) participant leaving frees its ingest configuration."""
    i = INGEST_CONFIGURATIONS.table(ctx).find(participant.get('ingestConfigurationArn') or '')
    if i is not None and i.get('_participantStage') == stage_arn:
        i['state'] = 'INACTIVE'
        i.pop('_participantStage', None)


def stage_deleted(ctx, stage_arn: str) -> None:
    """Ingest configurations of a deleted stage are detached from it."""
    for i in INGEST_CONFIGURATIONS.table(ctx):
        if i['stageArn'] == stage_arn:
            i['stageArn'] = ''


HANDLERS = {
    'CreateIngestConfiguration': create_ingest_configuration,
    'GetIngestConfiguration': INGEST_CONFIGURATIONS.get_handler('ingestConfiguration'),
    'UpdateIngestConfiguration': update_ingest_configuration,
    'DeleteIngestConfiguration': delete_ingest_configuration,
    'ListIngestConfigurations': list_ingest_configurations,
}


# ---------------------------------------------------------------------------------------------
# control API (/_local/ingest/...)

def control_ingest_start(state, body):
    """POST /_local/ingest/start {arn}: an RTMP(S) publisher starts on the ingest configuration:
    it becomes ACTIVE and its participant joins the configured stage, publishing."""
    ctx, i = INGEST_CONFIGURATIONS.for_control(body, 'arn')
    with LOCK:
        if not i['stageArn'] or i['stageArn'] not in stages.STAGES.table(ctx):
            raise service_error(SERVICE, 'ConflictException', 'The ingest configuration has no stage.', 409)
        if i['state'] == 'ACTIVE':
            raise service_error(SERVICE, 'ConflictException', 'The ingest configuration is already active.', 409)
        fields = {'userId': i.get('userId', ''), 'attributes': i.get('attributes', {}),
                  'published': True, 'protocol': i['ingestProtocol'],
                  'ingestConfigurationArn': i['arn'], 'redundantIngest': i['redundantIngest']}
        session, p = sessions.join(ctx, i['stageArn'], fields, participant_id=i['participantId'])
        i['state'] = 'ACTIVE'
        i['_participantStage'] = i['stageArn']
        return {'ingestConfiguration': {'arn': i['arn'], 'state': i['state']},
                'sessionId': session['sessionId'], 'participant': sessions.participant_view(p)}


def control_ingest_stop(state, body):
    """POST /_local/ingest/stop {arn}: the RTMP(S) publisher stops."""
    ctx, i = INGEST_CONFIGURATIONS.for_control(body, 'arn')
    with LOCK:
        _stop(ctx, i)
        return {'ingestConfiguration': {'arn': i['arn'], 'state': i['state']}}


CONTROL = {
    'ingest/start': control_ingest_start,
    'ingest/stop': control_ingest_stop,
}
