"""ivs-realtime through boto3 against a real ivs-local: every one of the 40 operations in
realistic sequences, the simulated stage sessions of the control API, and the errors AWS
answers (each checked against the operation's error list in the model)."""
import base64
import datetime
import json
import re

import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError

from conftest import all_pages, expect_error, load_model

MODEL = load_model('ivs-realtime')

ARN_RE = r'arn:aws:ivs:us-west-2:123456789012:{}/[A-Za-z0-9]{{12}}$'


@pytest.fixture
def rt(make_client, fresh):
    return make_client('ivs-realtime')


@pytest.fixture
def ctl(fresh):
    return fresh


def p384_pem():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP384R1())
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def jwt_part(token, i):
    part = token.split('.')[i]
    return json.loads(base64.urlsafe_b64decode(part + '=' * (-len(part) % 4)))


def join(ctl, stage_arn, **fields):
    return ctl.post('stages/participants', {'stageArn': stage_arn, **fields})


# ---------------------------------------------------------------------------------------------
# stages


def test_stage_lifecycle(rt):
    created = rt.create_stage(name='studio-1', tags={'team': 'video'})
    stage = created['stage']
    arn = stage['arn']
    assert re.match(ARN_RE.format('stage'), arn)
    assert stage['name'] == 'studio-1'
    assert stage['tags'] == {'team': 'video'}
    assert 'activeSessionId' not in stage
    assert 'participantTokens' not in created
    eid = re.match(r'https://([0-9a-f]{12})\.global-bm\.whip\.live-video\.net$', stage['endpoints']['whip']).group(1)
    assert stage['endpoints'] == {
        'events': 'wss://global.events.live-video.net',
        'whip': f'https://{eid}.global-bm.whip.live-video.net',
        'rtmp': f'rtmp://{eid}.global-contribute-staging.live-video.net/app/',
        'rtmps': f'rtmps://{eid}.global-contribute-staging.live-video.net:443/app/',
    }
    rec = stage['autoParticipantRecordingConfiguration']
    assert rec['storageConfigurationArn'] == '' and rec['mediaTypes'] == ['AUDIO_VIDEO']

    assert rt.get_stage(arn=arn)['stage'] == stage

    storage = rt.create_storage_configuration(s3={'bucketName': 'my-recordings'})['storageConfiguration']
    updated = rt.update_stage(arn=arn, name='studio-renamed', autoParticipantRecordingConfiguration={
        'storageConfigurationArn': storage['arn'], 'mediaTypes': ['AUDIO_ONLY'],
        'hlsConfiguration': {'targetSegmentDurationSeconds': 4}})['stage']
    assert updated['name'] == 'studio-renamed'
    rec = updated['autoParticipantRecordingConfiguration']
    assert rec['storageConfigurationArn'] == storage['arn']
    assert rec['mediaTypes'] == ['AUDIO_ONLY']
    assert rec['hlsConfiguration'] == {'targetSegmentDurationSeconds': 4}
    assert rec['thumbnailConfiguration']['targetIntervalSeconds'] == 60  # defaults kept
    assert rt.get_stage(arn=arn)['stage'] == updated

    # a storage configuration in use by a stage cannot be deleted
    expect_error(rt, 'delete_storage_configuration', 'ConflictException', 409, arn=storage['arn'])

    rt.delete_stage(arn=arn)
    expect_error(rt, 'get_stage', 'ResourceNotFoundException', 404, arn=arn)
    expect_error(rt, 'delete_stage', 'ResourceNotFoundException', 404, arn=arn)
    expect_error(rt, 'update_stage', 'ResourceNotFoundException', 404, arn=arn, name='x')
    assert rt.list_stages()['stages'] == []
    rt.delete_storage_configuration(arn=storage['arn'])  # no longer in use


def test_stage_errors(rt):
    expect_error(rt, 'create_stage', 'ValidationException', 400, autoParticipantRecordingConfiguration={
        'storageConfigurationArn': 'arn:aws:ivs:us-west-2:123456789012:storage-configuration/abcdABCDefgh'})
    arn = rt.create_stage()['stage']['arn']
    expect_error(rt, 'update_stage', 'ResourceNotFoundException', 404, arn=arn, autoParticipantRecordingConfiguration={
        'storageConfigurationArn': 'arn:aws:ivs:us-west-2:123456789012:storage-configuration/abcdABCDefgh'})
    # patterns and lengths are checked by the server (boto3 does not check patterns or maxima)
    resp = expect_error(rt, 'create_stage', 'ValidationException', 400, name='has spaces')
    assert resp['exceptionMessage']
    expect_error(rt, 'create_stage', 'ValidationException', 400, name='n' * 129)
    expect_error(rt, 'get_stage', 'ValidationException', 400, arn='arn:aws:ivs:us-west-2:123456789012:channel/abc')
    # another account's or region's stage is simply not found here
    foreign = arn.replace('123456789012', '210987654321')
    expect_error(rt, 'get_stage', 'ResourceNotFoundException', 404, arn=foreign)
    expect_error(rt, 'get_stage', 'ResourceNotFoundException', 404, arn=arn.replace('us-west-2', 'eu-west-1'))


def test_server_side_validation(make_client, fresh):
    """What boto3 would refuse to send, the server refuses too (with the model's error)."""
    unchecked = make_client('ivs-realtime', config=Config(parameter_validation=False,
                                                          retries={'total_max_attempts': 1}))
    expect_error(unchecked, 'create_ingest_configuration', 'ValidationException', 400, name='x')
    expect_error(unchecked, 'get_stage_session', 'ValidationException', 400,
                 stageArn='arn:aws:ivs:us-west-2:123456789012:stage/abcdABCDefgh', sessionId='st-short')
    expect_error(unchecked, 'create_encoder_configuration', 'ValidationException', 400, video={'width': 1})
    assert unchecked.list_stages()['stages'] == []


def test_state_is_per_account_and_region(rt, make_client, ctl):
    here = rt.create_stage(name='here')['stage']['arn']
    eu = make_client('ivs-realtime', region='eu-west-1')
    there = eu.create_stage(name='there')['stage']['arn']
    assert there.startswith('arn:aws:ivs:eu-west-1:123456789012:stage/')
    other = make_client('ivs-realtime', access_key='other', secret_key='othersecret')
    theirs = other.create_stage(name='theirs')['stage']['arn']
    assert theirs.startswith('arn:aws:ivs:us-west-2:210987654321:stage/')
    assert [s['arn'] for s in rt.list_stages()['stages']] == [here]
    assert [s['arn'] for s in eu.list_stages()['stages']] == [there]
    assert [s['arn'] for s in other.list_stages()['stages']] == [theirs]
    expect_error(rt, 'get_stage', 'ResourceNotFoundException', 404, arn=theirs)
    # the control API finds a stage's account and region from its ARN
    sid = join(ctl, theirs, userId='u')['sessionId']
    assert other.get_stage(arn=theirs)['stage']['activeSessionId'] == sid
    assert 'activeSessionId' not in rt.get_stage(arn=here)['stage']


def test_list_stages_paginates(rt):
    arns = [rt.create_stage(name=f'stage-{i}')['stage']['arn'] for i in range(7)]
    items, pages = all_pages(rt, 'list_stages', 'stages', 3)
    assert [s['arn'] for s in items] == arns
    assert pages == 3
    assert set(items[0]) <= {'arn', 'name', 'activeSessionId', 'tags'}
    # a forged or foreign token is a ValidationException
    expect_error(rt, 'list_stages', 'ValidationException', 400, nextToken='Zm9yZ2VkLXRva2Vu')
    token = rt.list_stages(maxResults=1)['nextToken']
    expect_error(rt, 'list_storage_configurations', 'ValidationException', 400, nextToken=token)
    expect_error(rt, 'list_stages', 'ValidationException', 400, maxResults=101)


def test_participant_tokens(rt):
    created = rt.create_stage(participantTokenConfigurations=[
        {'userId': 'alice', 'capabilities': ['PUBLISH'], 'duration': 30, 'attributes': {'role': 'host'}},
        {'userId': 'bob'}])
    arn = created['stage']['arn']
    alice, bob = created['participantTokens']
    assert alice['userId'] == 'alice' and alice['capabilities'] == ['PUBLISH'] and alice['duration'] == 30
    assert alice['attributes'] == {'role': 'host'}
    assert bob['capabilities'] == ['PUBLISH', 'SUBSCRIBE'] and bob['duration'] == 720
    assert alice['participantId'] != bob['participantId']

    before = datetime.datetime.now(datetime.timezone.utc)
    tok = rt.create_participant_token(stageArn=arn, userId='carol', duration=60,
                                      attributes={'seat': '3'})['participantToken']
    assert re.match(r'^[A-Za-z0-9]{12}$', tok['participantId'])
    delta = tok['expirationTime'] - before
    assert datetime.timedelta(minutes=59) < delta < datetime.timedelta(minutes=61)
    header, claims = jwt_part(tok['token'], 0), jwt_part(tok['token'], 1)
    assert header['alg'] == 'ES384'
    assert claims['resource'] == arn and claims['jti'] == tok['participantId']
    assert claims['user_id'] == 'carol' and claims['attributes'] == {'seat': '3'}
    assert claims['capabilities'] == {'allow_publish': True, 'allow_subscribe': True}
    assert claims['whip_url'] == created['stage']['endpoints']['whip']
    assert claims['exp'] - claims['iat'] == 3600

    missing = arn[:-4] + 'zzzz'
    expect_error(rt, 'create_participant_token', 'ResourceNotFoundException', 404, stageArn=missing)
    expect_error(rt, 'create_participant_token', 'ValidationException', 400, stageArn=arn, duration=20161)
    expect_error(rt, 'create_participant_token', 'ValidationException', 400, stageArn=arn,
                 attributes={'k': 'v' * 1100})
    expect_error(rt, 'create_participant_token', 'ValidationException', 400, stageArn=arn,
                 capabilities=['PUBLISH', 'SUBSCRIBE', 'PUBLISH'])
    with pytest.raises(ParamValidationError):  # boto3 itself rejects a missing required member
        rt.create_participant_token()
    # CreateStage with a too-large token attribute creates nothing
    expect_error(rt, 'create_stage', 'ValidationException', 400,
                 participantTokenConfigurations=[{'attributes': {'k': 'v' * 1100}}])
    assert len(rt.list_stages()['stages']) == 1


# ---------------------------------------------------------------------------------------------
# sessions, participants, events (driven by the control API)


def test_session_participants_and_events(rt, ctl):
    created = rt.create_stage(participantTokenConfigurations=[{'userId': 'host', 'attributes': {'a': '1'}}])
    arn = created['stage']['arn']
    token_pid = created['participantTokens'][0]['participantId']
    assert rt.list_stage_sessions(stageArn=arn)['stageSessions'] == []

    host = join(ctl, arn, participantId=token_pid, published=True, browserName='Firefox', sdkVersion='1.2.3')
    sid = host['sessionId']
    assert re.match(r'^st-[A-Za-z0-9]{13}$', sid)
    assert host['participant']['userId'] == 'host'       # taken from the token
    assert host['participant']['attributes'] == {'a': '1'}
    guest = join(ctl, arn, userId='guest')
    assert guest['sessionId'] == sid                       # same active session
    gid = guest['participant']['participantId']

    assert rt.get_stage(arn=arn)['stage']['activeSessionId'] == sid
    assert rt.list_stages()['stages'][0]['activeSessionId'] == sid
    session = rt.get_stage_session(stageArn=arn, sessionId=sid)['stageSession']
    assert session['sessionId'] == sid and 'endTime' not in session
    assert [s['sessionId'] for s in rt.list_stage_sessions(stageArn=arn)['stageSessions']] == [sid]

    got = rt.get_participant(stageArn=arn, sessionId=sid, participantId=token_pid)['participant']
    assert got['state'] == 'CONNECTED' and got['published'] is True
    assert got['browserName'] == 'Firefox' and got['sdkVersion'] == '1.2.3'
    assert got['recordingState'] == 'DISABLED' and got['protocol'] == 'WHIP'
    assert isinstance(got['firstJoinTime'], datetime.datetime)

    everyone = rt.list_participants(stageArn=arn, sessionId=sid)['participants']
    assert {p['participantId'] for p in everyone} == {token_pid, gid}
    assert [p['participantId'] for p in rt.list_participants(stageArn=arn, sessionId=sid, filterByUserId='guest')[
        'participants']] == [gid]
    assert [p['participantId'] for p in rt.list_participants(stageArn=arn, sessionId=sid, filterByPublished=True)[
        'participants']] == [token_pid]
    assert [p['participantId'] for p in rt.list_participants(stageArn=arn, sessionId=sid, filterByPublished=False)[
        'participants']] == [gid]
    page = rt.list_participants(stageArn=arn, sessionId=sid, maxResults=1)
    assert len(page['participants']) == 1 and page['nextToken']
    expect_error(rt, 'list_participants', 'ValidationException', 400, stageArn=arn, sessionId=sid,
                 filterByUserId='guest', filterByState='CONNECTED')

    events = rt.list_participant_events(stageArn=arn, sessionId=sid, participantId=gid)['events']
    assert [e['name'] for e in events] == ['JOINED']
    # the control API updates a connected participant in place: the guest starts publishing
    again = join(ctl, arn, participantId=gid, published=True)
    assert again['participant']['published'] is True and again['sessionId'] == sid
    events = rt.list_participant_events(stageArn=arn, sessionId=sid, participantId=gid)['events']
    assert [e['name'] for e in events] == ['JOINED', 'PUBLISH_STARTED']
    events = rt.list_participant_events(stageArn=arn, sessionId=sid, participantId=token_pid)['events']
    assert [e['name'] for e in events] == ['JOINED', 'PUBLISH_STARTED']
    ev = ctl.post('stages/events', {'stageArn': arn, 'participantId': gid, 'name': 'SUBSCRIBE_STARTED',
                                    'remoteParticipantId': token_pid})
    assert ev['sessionId'] == sid
    events = rt.list_participant_events(stageArn=arn, sessionId=sid, participantId=gid)['events']
    assert [e['name'] for e in events] == ['JOINED', 'PUBLISH_STARTED', 'SUBSCRIBE_STARTED']
    assert events[2]['remoteParticipantId'] == token_pid
    assert isinstance(events[1]['eventTime'], datetime.datetime)

    # DisconnectParticipant
    rt.disconnect_participant(stageArn=arn, participantId=gid, reason='bye')
    got = rt.get_participant(stageArn=arn, sessionId=sid, participantId=gid)['participant']
    assert got['state'] == 'DISCONNECTED'
    assert [e['name'] for e in rt.list_participant_events(stageArn=arn, sessionId=sid, participantId=gid)[
        'events']][-2:] == ['PUBLISH_STOPPED', 'LEFT']
    assert got['published'] is True     # "ever published in this session"
    assert [p['participantId'] for p in rt.list_participants(stageArn=arn, sessionId=sid, filterByState='DISCONNECTED')[
        'participants']] == [gid]
    expect_error(rt, 'disconnect_participant', 'ResourceNotFoundException', 404, stageArn=arn, participantId='nobody')

    # the last one leaving ends the session; a later join starts a new one
    left = ctl.post('stages/participants/disconnect', {'stageArn': arn, 'participantId': token_pid})
    assert left['sessionEnded'] is True
    assert [e['name'] for e in rt.list_participant_events(stageArn=arn, sessionId=sid, participantId=token_pid)[
        'events']] == ['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']
    assert 'activeSessionId' not in rt.get_stage(arn=arn)['stage']
    assert 'endTime' in rt.get_stage_session(stageArn=arn, sessionId=sid)['stageSession']
    sid2 = join(ctl, arn, userId='late')['sessionId']
    assert sid2 != sid
    sessions = rt.list_stage_sessions(stageArn=arn)['stageSessions']
    assert [s['sessionId'] for s in sessions] == [sid2, sid]   # newest first

    # not found
    expect_error(rt, 'get_stage_session', 'ResourceNotFoundException', 404, stageArn=arn, sessionId='st-AAAAAAAAAAAAA')
    expect_error(rt, 'get_participant', 'ResourceNotFoundException', 404, stageArn=arn, sessionId=sid,
                 participantId='nobody')
    expect_error(rt, 'get_stage_session', 'ValidationException', 400, stageArn=arn, sessionId='st-not+a+valid12')
    assert rt.list_participants(stageArn=arn, sessionId='st-AAAAAAAAAAAAA')['participants'] == []
    status, doc = ctl.call('POST', 'stages/events', {'stageArn': arn, 'participantId': 'x', 'name': 'NOPE'})
    assert status == 400

    # deleting the stage disconnects everyone and ends the session
    rt.delete_stage(arn=arn)
    status, doc = ctl.call('POST', 'stages/participants', {'stageArn': arn})
    assert status == 404 and doc['code'] == 'ResourceNotFoundException'


def test_disconnect_revokes_unused_token(rt):
    created = rt.create_stage(participantTokenConfigurations=[{'userId': 'x'}])
    arn = created['stage']['arn']
    rt.disconnect_participant(stageArn=arn, participantId=created['participantTokens'][0]['participantId'])
    expect_error(rt, 'disconnect_participant', 'ResourceNotFoundException', 404,
                 stageArn=arn[:-4] + 'zzzz', participantId='abc')


def test_revoke_connection_token_disconnects_and_refuses_its_participants(rt, ctl, make_client):
    a = rt.create_stage(name='a')['stage']['arn']
    b = rt.create_stage(name='b')['stage']['arn']
    # one client on a shared RealTimeConnection in two stages, another on its own token
    on_a = join(ctl, a, userId='roamer', connectionTokenId='conn-1')
    on_b = join(ctl, b, userId='roamer', connectionTokenId='conn-1')
    other = join(ctl, a, userId='stays', connectionTokenId='conn_2')
    plain = join(ctl, b, userId='no-connection-token')

    assert rt.revoke_connection_token(tokenId='conn-1')['ResponseMetadata']['HTTPStatusCode'] == 200
    for stage, joined in ((a, on_a), (b, on_b)):
        pid = joined['participant']['participantId']
        got = rt.get_participant(stageArn=stage, sessionId=joined['sessionId'], participantId=pid)['participant']
        assert got['state'] == 'DISCONNECTED'
        assert [e['name'] for e in rt.list_participant_events(
            stageArn=stage, sessionId=joined['sessionId'], participantId=pid)['events']][-1] == 'LEFT'
    for stage, joined in ((a, other), (b, plain)):
        got = rt.get_participant(stageArn=stage, sessionId=joined['sessionId'],
                                 participantId=joined['participant']['participantId'])['participant']
        assert got['state'] == 'CONNECTED'
    assert '_connectionTokenId' not in got and 'connectionTokenId' not in got

    # the revoked token can no longer connect; revoking again, or a token nobody used, is accepted
    status, doc = ctl.call('POST', 'stages/participants', {'stageArn': a, 'connectionTokenId': 'conn-1'})
    assert status == 403 and doc['code'] == 'AccessDeniedException'
    rt.revoke_connection_token(tokenId='conn-1')
    rt.revoke_connection_token(tokenId='never-used')
    assert ctl.get('stages/connection-tokens')['revoked'] == ['conn-1', 'never-used']
    # revocations are per account and region, like everything else
    assert ctl.get('stages/connection-tokens', region='eu-west-1')['revoked'] == []
    make_client('ivs-realtime', region='eu-west-1').revoke_connection_token(tokenId='eu-token')
    assert ctl.get('stages/connection-tokens', region='eu-west-1')['revoked'] == ['eu-token']

    # the model's rules, checked by the service (botocore checks only the length minimum)
    for bad in ('has space', 'x' * 65, 'a/b'):
        expect_error(rt, 'revoke_connection_token', 'ValidationException', 400, tokenId=bad)
    with pytest.raises(ParamValidationError):
        rt.revoke_connection_token(tokenId='')


def test_auto_recording_marks_participants(rt, ctl):
    storage = rt.create_storage_configuration(name='rec', s3={'bucketName': 'rec-bucket'})['storageConfiguration']
    arn = rt.create_stage(autoParticipantRecordingConfiguration={
        'storageConfigurationArn': storage['arn']})['stage']['arn']
    j = join(ctl, arn, published=True)
    p = rt.get_participant(stageArn=arn, sessionId=j['sessionId'],
                           participantId=j['participant']['participantId'])['participant']
    assert p['recordingState'] == 'ACTIVE'
    assert p['recordingS3BucketName'] == 'rec-bucket'
    assert re.match(r'^[a-zA-Z0-9-]+$', p['recordingS3Prefix'])
    assert [x['participantId'] for x in rt.list_participants(
        stageArn=arn, sessionId=j['sessionId'], filterByRecordingState='ACTIVE')['participants']] == [
        j['participant']['participantId']]


def test_participant_replication(rt, ctl):
    src = rt.create_stage(name='src')['stage']['arn']
    dst = rt.create_stage(name='dst')['stage']['arn']
    j = join(ctl, src, userId='star', published=True)
    pid, src_sid = j['participant']['participantId'], j['sessionId']

    rt.start_participant_replication(sourceStageArn=src, destinationStageArn=dst, participantId=pid,
                                     reconnectWindowSeconds=30)
    replicas = rt.list_participant_replicas(sourceStageArn=src, participantId=pid)['replicas']
    assert len(replicas) == 1
    r = replicas[0]
    assert r['sourceStageArn'] == src and r['destinationStageArn'] == dst and r['replicationState'] == 'ACTIVE'
    assert r['sourceSessionId'] == src_sid
    dst_sid = rt.get_stage(arn=dst)['stage']['activeSessionId']
    assert r['destinationSessionId'] == dst_sid
    replica = rt.get_participant(stageArn=dst, sessionId=dst_sid, participantId=pid)['participant']
    assert replica['replicationType'] == 'REPLICA' and replica['sourceStageArn'] == src
    assert replica['userId'] == 'star'
    source = rt.get_participant(stageArn=src, sessionId=src_sid, participantId=pid)['participant']
    assert source['replicationType'] == 'SOURCE' and source['replicationState'] == 'ACTIVE'
    names = [e['name'] for e in rt.list_participant_events(stageArn=src, sessionId=src_sid, participantId=pid)['events']]
    assert names[-1] == 'REPLICATION_STARTED'

    expect_error(rt, 'start_participant_replication', 'ConflictException', 409,
                 sourceStageArn=src, destinationStageArn=dst, participantId=pid)
    expect_error(rt, 'start_participant_replication', 'ResourceNotFoundException', 404,
                 sourceStageArn=src, destinationStageArn=dst, participantId='nobody')
    expect_error(rt, 'start_participant_replication', 'ValidationException', 400,
                 sourceStageArn=src, destinationStageArn=src, participantId=pid)

    rt.stop_participant_replication(sourceStageArn=src, destinationStageArn=dst, participantId=pid)
    assert rt.list_participant_replicas(sourceStageArn=src, participantId=pid)['replicas'][0][
        'replicationState'] == 'STOPPED'
    replica = rt.get_participant(stageArn=dst, sessionId=dst_sid, participantId=pid)['participant']
    assert replica['state'] == 'DISCONNECTED'
    expect_error(rt, 'stop_participant_replication', 'ResourceNotFoundException', 404,
                 sourceStageArn=src, destinationStageArn=dst, participantId=pid)
    assert rt.list_participant_replicas(sourceStageArn=dst, participantId=pid)['replicas'] == []

    # deleting the destination stage ends a running replication
    rt.start_participant_replication(sourceStageArn=src, destinationStageArn=dst, participantId=pid)
    rt.delete_stage(arn=dst)
    states = [r['replicationState'] for r in rt.list_participant_replicas(sourceStageArn=src, participantId=pid)['replicas']]
    assert states == ['STOPPED', 'STOPPED']
    assert rt.get_participant(stageArn=src, sessionId=src_sid, participantId=pid)['participant'][
        'replicationState'] == 'STOPPED'


# ---------------------------------------------------------------------------------------------
# encoder and storage configurations, compositions


def test_encoder_configurations(rt):
    e = rt.create_encoder_configuration(name='hd', video={'width': 1920, 'height': 1080, 'framerate': 60,
                                                          'bitrate': 6000000}, tags={'k': 'v'})['encoderConfiguration']
    assert re.match(ARN_RE.format('encoder-configuration'), e['arn'])
    assert e['video'] == {'width': 1920, 'height': 1080, 'framerate': 60.0, 'bitrate': 6000000}
    d = rt.create_encoder_configuration()['encoderConfiguration']
    assert d['video'] == {'width': 1280, 'height': 720, 'framerate': 30.0, 'bitrate': 2500000}
    assert d['name'] == ''
    assert rt.get_encoder_configuration(arn=e['arn'])['encoderConfiguration'] == e
    items, _ = all_pages(rt, 'list_encoder_configurations', 'encoderConfigurations', 1)
    assert [i['arn'] for i in items] == [e['arn'], d['arn']]
    assert items[0]['tags'] == {'k': 'v'} and 'video' not in items[0]
    expect_error(rt, 'create_encoder_configuration', 'ValidationException', 400, video={'width': 4000})
    rt.delete_encoder_configuration(arn=d['arn'])
    expect_error(rt, 'get_encoder_configuration', 'ResourceNotFoundException', 404, arn=d['arn'])
    expect_error(rt, 'delete_encoder_configuration', 'ResourceNotFoundException', 404, arn=d['arn'])
    # the quota: 20 per account and region
    for _ in range(19):
        rt.create_encoder_configuration()
    resp = expect_error(rt, 'create_encoder_configuration', 'ServiceQuotaExceededException', 402)
    assert resp['exceptionMessage']


def test_storage_configurations(rt):
    s = rt.create_storage_configuration(name='archive', s3={'bucketName': 'archive-bucket'},
                                        tags={'a': 'b'})['storageConfiguration']
    assert re.match(ARN_RE.format('storage-configuration'), s['arn'])
    assert s == {'arn': s['arn'], 'name': 'archive', 's3': {'bucketName': 'archive-bucket'}, 'tags': {'a': 'b'}}
    assert rt.get_storage_configuration(arn=s['arn'])['storageConfiguration'] == s
    assert rt.list_storage_configurations()['storageConfigurations'] == [s]
    expect_error(rt, 'create_storage_configuration', 'ValidationException', 400, s3={'bucketName': 'Bad_Bucket'})
    rt.delete_storage_configuration(arn=s['arn'])
    expect_error(rt, 'get_storage_configuration', 'ResourceNotFoundException', 404, arn=s['arn'])
    assert rt.list_storage_configurations()['storageConfigurations'] == []


def test_compositions(rt, make_client):
    stage = rt.create_stage(name='show')['stage']['arn']
    enc = rt.create_encoder_configuration(name='enc')['encoderConfiguration']['arn']
    storage = rt.create_storage_configuration(s3={'bucketName': 'comp-bucket'})['storageConfiguration']['arn']
    started = rt.start_composition(stageArn=stage, idempotencyToken='tok-1', tags={'c': '1'}, destinations=[
        {'name': 'rec', 's3': {'storageConfigurationArn': storage, 'encoderConfigurationArns': [enc]}}])
    comp = started['composition']
    arn = comp['arn']
    assert re.match(ARN_RE.format('composition'), arn)
    assert comp['state'] == 'STARTING' and comp['stageArn'] == stage and comp['tags'] == {'c': '1'}
    assert comp['layout']['grid']['gridGap'] == 2
    dest = comp['destinations'][0]
    assert dest['configuration']['s3']['recordingConfiguration']['format'] == 'HLS'
    assert dest['detail']['s3']['recordingPrefix']
    assert isinstance(comp['startTime'], datetime.datetime)

    got = rt.get_composition(arn=arn)['composition']
    assert got['state'] == 'ACTIVE' and got['destinations'][0]['state'] == 'ACTIVE'
    # the same idempotency token gives back the same composition
    again = rt.start_composition(stageArn=stage, idempotencyToken='tok-1', destinations=[
        {'s3': {'storageConfigurationArn': storage, 'encoderConfigurationArns': [enc]}}])
    assert again['composition']['arn'] == arn

    # a channel destination (the channel lives in the ivs service of the same account and region)
    ivs = make_client('ivs')
    channel = ivs.create_channel(name='out')['channel']['arn']
    pip = rt.start_composition(stageArn=stage, layout={'pip': {'pipPosition': 'TOP_LEFT'}},
                               destinations=[{'channel': {'channelArn': channel, 'encoderConfigurationArn': enc}}])
    pip_arn = pip['composition']['arn']
    assert pip['composition']['layout']['pip']['pipPosition'] == 'TOP_LEFT'

    listed = rt.list_compositions()['compositions']
    assert [c['arn'] for c in listed] == [arn, pip_arn]
    assert set(listed[0]) >= {'arn', 'stageArn', 'destinations', 'state'}
    assert [c['arn'] for c in rt.list_compositions(filterByStageArn=stage, maxResults=1)['compositions']] == [arn]
    assert rt.list_compositions(filterByEncoderConfigurationArn=enc)['compositions'][1]['arn'] == pip_arn

    # in-use resources cannot be deleted
    expect_error(rt, 'delete_encoder_configuration', 'ConflictException', 409, arn=enc)
    expect_error(rt, 'delete_storage_configuration', 'ConflictException', 409, arn=storage)

    rt.stop_composition(arn=arn)
    stopped = rt.get_composition(arn=arn)['composition']
    assert stopped['state'] == 'STOPPED' and 'endTime' in stopped
    assert stopped['destinations'][0]['state'] == 'STOPPED'
    rt.stop_composition(arn=pip_arn)
    rt.delete_encoder_configuration(arn=enc)
    rt.delete_storage_configuration(arn=storage)

    missing = 'arn:aws:ivs:us-west-2:123456789012:composition/abcdABCDefgh'
    expect_error(rt, 'get_composition', 'ResourceNotFoundException', 404, arn=missing)
    expect_error(rt, 'stop_composition', 'ResourceNotFoundException', 404, arn=missing)
    expect_error(rt, 'start_composition', 'ResourceNotFoundException', 404, stageArn=stage, destinations=[
        {'s3': {'storageConfigurationArn': storage, 'encoderConfigurationArns': [enc]}}])
    expect_error(rt, 'start_composition', 'ResourceNotFoundException', 404, stageArn=stage, destinations=[
        {'channel': {'channelArn': channel[:-4] + 'zzzz'}}])
    expect_error(rt, 'start_composition', 'ResourceNotFoundException', 404, stageArn=stage[:-4] + 'zzzz',
                 destinations=[{'channel': {'channelArn': channel}}])
    expect_error(rt, 'start_composition', 'ValidationException', 400, stageArn=stage, destinations=[{'name': 'none'}])
    expect_error(rt, 'start_composition', 'ValidationException', 400, stageArn=stage,
                 layout={'grid': {}, 'pip': {}}, destinations=[{'channel': {'channelArn': channel}}])


def test_composition_quota(rt):
    stage = rt.create_stage()['stage']['arn']
    enc = rt.create_encoder_configuration()['encoderConfiguration']['arn']
    storage = rt.create_storage_configuration(s3={'bucketName': 'quota-bucket'})['storageConfiguration']['arn']
    dest = [{'s3': {'storageConfigurationArn': storage, 'encoderConfigurationArns': [enc]}}]
    arns = [rt.start_composition(stageArn=stage, destinations=dest)['composition']['arn'] for _ in range(5)]
    expect_error(rt, 'start_composition', 'ServiceQuotaExceededException', 402, stageArn=stage, destinations=dest)
    rt.stop_composition(arn=arns[0])         # the quota counts concurrent compositions only
    rt.start_composition(stageArn=stage, destinations=dest)


def test_delete_stage_stops_compositions(rt):
    stage = rt.create_stage()['stage']['arn']
    enc = rt.create_encoder_configuration()['encoderConfiguration']['arn']
    storage = rt.create_storage_configuration(s3={'bucketName': 'b-bucket'})['storageConfiguration']['arn']
    arn = rt.start_composition(stageArn=stage, destinations=[
        {'s3': {'storageConfigurationArn': storage, 'encoderConfigurationArns': [enc]}}])['composition']['arn']
    rt.delete_stage(arn=stage)
    assert rt.get_composition(arn=arn)['composition']['state'] == 'STOPPED'


# ---------------------------------------------------------------------------------------------
# public keys


def test_public_keys(rt):
    pem = p384_pem()
    k = rt.import_public_key(publicKeyMaterial=pem, name='signer', tags={'t': '1'})['publicKey']
    assert re.match(ARN_RE.format('public-key'), k['arn'])
    assert k['name'] == 'signer' and k['publicKeyMaterial'] == pem and k['tags'] == {'t': '1'}
    assert re.match(r'^[0-9a-f]{2}(:[0-9a-f]{2})+$', k['fingerprint'])
    assert rt.get_public_key(arn=k['arn'])['publicKey'] == k
    listed = rt.list_public_keys()['publicKeys']
    assert listed == [{'arn': k['arn'], 'name': 'signer', 'tags': {'t': '1'}}]

    expect_error(rt, 'import_public_key', 'ConflictException', 409, publicKeyMaterial=pem)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    expect_error(rt, 'import_public_key', 'ValidationException', 400, publicKeyMaterial=p256)
    expect_error(rt, 'import_public_key', 'ValidationException', 400,
                 publicKeyMaterial='-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')
    expect_error(rt, 'import_public_key', 'ValidationException', 400, publicKeyMaterial='not a key')

    # quota: 3 per account and region
    rt.import_public_key(publicKeyMaterial=p384_pem())
    rt.import_public_key(publicKeyMaterial=p384_pem())
    expect_error(rt, 'import_public_key', 'ServiceQuotaExceededException', 402, publicKeyMaterial=p384_pem())
    items, pages = all_pages(rt, 'list_public_keys', 'publicKeys', 2)
    assert len(items) == 3 and pages == 2
    # boto3's paginator (ListPublicKeys has one in the model) follows the tokens too
    paged = rt.get_paginator('list_public_keys').paginate(PaginationConfig={'PageSize': 1})
    assert [x['arn'] for page in paged for x in page['publicKeys']] == [x['arn'] for x in items]

    rt.delete_public_key(arn=k['arn'])
    expect_error(rt, 'get_public_key', 'ResourceNotFoundException', 404, arn=k['arn'])
    expect_error(rt, 'delete_public_key', 'ResourceNotFoundException', 404, arn=k['arn'])


# ---------------------------------------------------------------------------------------------
# ingest configurations


def test_ingest_configurations(rt, ctl):
    stage = rt.create_stage()['stage']['arn']
    other = rt.create_stage()['stage']['arn']
    ing = rt.create_ingest_configuration(name='obs', stageArn=stage, userId='streamer', attributes={'k': 'v'},
                                         ingestProtocol='RTMPS', tags={'x': 'y'})['ingestConfiguration']
    arn = ing['arn']
    assert re.match(ARN_RE.format('ingest-configuration'), arn)
    assert re.match(r'^rt_123456789012_us-west-2_[a-zA-Z0-9-]+_.+$', ing['streamKey'])
    assert ing['state'] == 'INACTIVE' and ing['stageArn'] == stage and ing['userId'] == 'streamer'
    assert ing['attributes'] == {'k': 'v'} and ing['tags'] == {'x': 'y'} and ing['redundantIngest'] is False
    assert rt.get_ingest_configuration(arn=arn)['ingestConfiguration'] == ing

    loose = rt.create_ingest_configuration(ingestProtocol='RTMP', insecureIngest=True,
                                           redundantIngest=True)['ingestConfiguration']
    assert loose['stageArn'] == ''
    assert len(loose['redundantIngestCredentials']) == 2
    expect_error(rt, 'create_ingest_configuration', 'ValidationException', 400, ingestProtocol='RTMP')
    expect_error(rt, 'create_ingest_configuration', 'ValidationException', 400, ingestProtocol='RTMPS',
                 stageArn=stage[:-4] + 'zzzz')

    assert [i['arn'] for i in rt.list_ingest_configurations(filterByStageArn=stage)['ingestConfigurations']] == [arn]
    items, _ = all_pages(rt, 'list_ingest_configurations', 'ingestConfigurations', 1)
    assert [i['arn'] for i in items] == [arn, loose['arn']]
    assert 'streamKey' not in items[0]

    # a publisher starts (control API): the configuration is ACTIVE and its participant is on stage
    started = ctl.post('ingest/start', {'arn': arn})
    assert started['participant']['protocol'] == 'RTMPS'
    assert started['participant']['participantId'] == ing['participantId']
    assert [i['arn'] for i in rt.list_ingest_configurations(filterByState='ACTIVE')['ingestConfigurations']] == [arn]
    p = rt.get_participant(stageArn=stage, sessionId=started['sessionId'], participantId=ing['participantId'])
    assert p['participant']['ingestConfigurationArn'] == arn and p['participant']['userId'] == 'streamer'
    expect_error(rt, 'update_ingest_configuration', 'ConflictException', 409, arn=arn, stageArn=other)
    expect_error(rt, 'delete_ingest_configuration', 'ConflictException', 409, arn=arn)
    ctl.post('ingest/stop', {'arn': arn})
    assert rt.get_ingest_configuration(arn=arn)['ingestConfiguration']['state'] == 'INACTIVE'

    updated = rt.update_ingest_configuration(arn=arn, stageArn=other, redundantIngest=True)['ingestConfiguration']
    assert updated['stageArn'] == other and updated['redundantIngest'] is True
    assert rt.update_ingest_configuration(arn=arn, stageArn='')['ingestConfiguration']['stageArn'] == ''
    expect_error(rt, 'update_ingest_configuration', 'ResourceNotFoundException', 404, arn=arn,
                 stageArn=stage[:-4] + 'zzzz')

    # force deletes an active configuration
    rt.update_ingest_configuration(arn=arn, stageArn=stage)
    ctl.post('ingest/start', {'arn': arn})
    rt.delete_ingest_configuration(arn=arn, force=True)
    expect_error(rt, 'get_ingest_configuration', 'ResourceNotFoundException', 404, arn=arn)
    expect_error(rt, 'delete_ingest_configuration', 'ResourceNotFoundException', 404, arn=arn)

    # deleting a stage detaches its ingest configurations
    rt.update_ingest_configuration(arn=loose['arn'], stageArn=other)
    rt.delete_stage(arn=other)
    assert rt.get_ingest_configuration(arn=loose['arn'])['ingestConfiguration']['stageArn'] == ''


# ---------------------------------------------------------------------------------------------
# tags


def test_tags_on_every_realtime_resource(rt, make_client):
    stage = rt.create_stage()['stage']['arn']
    enc = rt.create_encoder_configuration()['encoderConfiguration']['arn']
    storage = rt.create_storage_configuration(s3={'bucketName': 'tag-bucket'})['storageConfiguration']['arn']
    key = rt.import_public_key(publicKeyMaterial=p384_pem())['publicKey']['arn']
    ing = rt.create_ingest_configuration(ingestProtocol='RTMPS')['ingestConfiguration']['arn']
    comp = rt.start_composition(stageArn=stage, destinations=[
        {'s3': {'storageConfigurationArn': storage, 'encoderConfigurationArns': [enc]}}])['composition']['arn']
    for arn in (stage, enc, storage, key, ing, comp):
        rt.tag_resource(resourceArn=arn, tags={'env': 'test', 'owner': 'me'})
        rt.untag_resource(resourceArn=arn, tagKeys=['owner'])
        assert rt.list_tags_for_resource(resourceArn=arn)['tags'] == {'env': 'test'}
    assert rt.get_stage(arn=stage)['stage']['tags'] == {'env': 'test'}
    assert rt.get_public_key(arn=key)['publicKey']['tags'] == {'env': 'test'}

    # ivs and ivs-realtime share one tag store: the ivs client sees the stage's tags
    ivs = make_client('ivs')
    assert ivs.list_tags_for_resource(resourceArn=stage)['tags'] == {'env': 'test'}
    channel = ivs.create_channel(tags={'c': '1'})['channel']['arn']
    assert rt.list_tags_for_resource(resourceArn=channel)['tags'] == {'c': '1'}

    # at most 50 tags per resource
    rt.tag_resource(resourceArn=stage, tags={f'k{i}': 'v' for i in range(49)})
    expect_error(rt, 'tag_resource', 'ValidationException', 400, resourceArn=stage, tags={'one-more': 'v'})

    missing = stage[:-4] + 'zzzz'
    expect_error(rt, 'tag_resource', 'ResourceNotFoundException', 404, resourceArn=missing, tags={'a': 'b'})
    expect_error(rt, 'untag_resource', 'ResourceNotFoundException', 404, resourceArn=missing, tagKeys=['a'])
    expect_error(rt, 'list_tags_for_resource', 'ResourceNotFoundException', 404, resourceArn=missing)

    # deleting a resource drops its tags
    rt.delete_public_key(arn=key)
    expect_error(rt, 'list_tags_for_resource', 'ResourceNotFoundException', 404, resourceArn=key)


def test_every_operation_is_covered():
    """The tests above call every ivs-realtime operation; keep it that way."""
    src = open(__file__).read()
    import botocore.session
    client = botocore.session.get_session().create_client(
        'ivs-realtime', region_name='us-west-2', aws_access_key_id='x', aws_secret_access_key='x')
    missing = [op for method, op in client.meta.method_to_api_mapping.items()
               if f'.{method}(' not in src and f"'{method}'" not in src]
    assert len(MODEL['operations']) == 40
    assert set(client.meta.method_to_api_mapping.values()) == set(MODEL['operations'])
    assert missing == []
