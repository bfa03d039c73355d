"""Participant tokens: issued by CreateStage and CreateParticipantToken, remembered per stage so a
participant joining with a token's participantId takes its userId and attributes.

ctx.state['tokens']: stage arn -> participantId -> token record.
"""
from __future__ import annotations

import base64
import datetime
import json
import secrets

from ...common import arn_id, new_id, validation
from . import stages


def _tokens(ctx) -> dict:
    return ctx.state.setdefault('tokens', {})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip('=')


def check_attributes(ctx, cfg: dict) -> None:
    attrs = cfg.get('attributes') or {}
    if sum(len(k.encode()) + len(v.encode()) for k, v in attrs.items()) > 1024:
        raise validation(ctx, 'attributes: the total size of keys and values must be at most 1 KB.')


def issue(ctx, stage_arn: str, cfg: dict) -> dict:
    """A participant token shaped like AWS's (a JWT); its signature is random bytes, since the
    real one is made with a key only AWS holds."""
    check_attributes(ctx, cfg)
    pid = new_id(12)
    duration = cfg.get('duration') or 720
    capabilities = list(cfg.get('capabilities') or ['PUBLISH', 'SUBSCRIBE'])
    now = ctx.now()
    exp = now + datetime.timedelta(minutes=duration)
    endpoints = stages.endpoints(ctx)
    claims = {
        'exp': int(exp.timestamp()), 'iat': int(now.timestamp()), 'jti': pid,
        'resource': stage_arn, 'topic': arn_id(stage_arn),
        'events_url': endpoints['events'], 'whip_url': endpoints['whip'],
        'capabilities': {'allow_publish': 'PUBLISH' in capabilities,
                         'allow_subscribe': 'SUBSCRIBE' in capabilities},
        'version': '1.0',
    }
    if cfg.get('userId'):
        claims['user_id'] = cfg['userId']
    if cfg.get('attributes'):
        claims['attributes'] = cfg['attributes']
    header = {'alg': 'ES384', 'typ': 'JWT'}
    token = '.'.join([_b64url(json.dumps(header, separators=(',', ':')).encode()),
                      _b64url(json.dumps(claims, separators=(',', ':')).encode()),
                      _b64url(secrets.token_bytes(96))])
    rec = {'participantId': pid, 'token': token, 'duration': duration,
           'capabilities': capabilities, 'expirationTime': exp}
    if cfg.get('userId') is not None:
        rec['userId'] = cfg['userId']
    if cfg.get('attributes') is not None:
        rec['attributes'] = dict(cfg['attributes'])
    _tokens(ctx).setdefault(stage_arn, {})[pid] = rec
    return dict(rec)


def issued(ctx, stage_arn: str, participant_id: str) -> dict | None:
    """The token issued for participant_id on the stage, if any."""
    return _tokens(ctx).get(stage_arn, {}).get(participant_id)


def forget(ctx, stage_arn: str) -> None:
    """Drops a deleted stage's tokens."""
    _tokens(ctx).pop(stage_arn, None)


def create_participant_token(ctx, params):
    arn = params['stageArn']
    stages.STAGES.table(ctx).get(arn)
    return {'participantToken': issue(ctx, arn, params)}


HANDLERS = {
    'CreateParticipantToken': create_participant_token,
}
