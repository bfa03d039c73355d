"""What every service module of ivs-local shares: errors, the request context, state, ids,
pagination and tagging.

A service module (services/ivs.py, services/realtime.py, services/chat.py) exposes

    HANDLERS: dict[str, Callable[[Context, dict], dict]]
        operation name -> handler. params holds every input member by its model member name,
        merged from URI labels (percent-decoded), query string and JSON body, already validated
        against the model (timestamps as aware datetimes). The handler returns the output members
        (datetimes allowed, None values dropped; members with location 'header' become headers)
        or raises ServiceError. The server holds Context.lock around the call.

    CONTROL: dict[str, Callable[[dict, dict], dict]]
        control route under /_local/ ('streams/start', or 'GET chat/actions' to bind a method)
        -> fn(state, body). state is the service's namespace for the default account and the
        region named by body['region'] (default us-west-2); most routes instead resolve it from
        an ARN in the body with state_for_arn(). body is the JSON body merged over the query
        string (one value per key; the only input for GET and DELETE). Return a JSON-able dict;
        raise ServiceError for errors.
        The server holds LOCK around the call.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import string
import threading
from typing import Callable

DEFAULT_ACCOUNT = '123456789012'
DEFAULT_REGION = 'us-west-2'
MAX_TAGS = 50  # AWS's per-resource tag limit

# One lock for all state: handlers are short, and one lock makes cross-service reads (tags) safe.
LOCK = threading.RLock()

_states: dict[tuple[str, str, str], dict] = {}   # (account, region, service) -> namespace
_tags: dict[tuple[str, str, str], dict] = {}     # (account, region, arn service part) -> arn -> tags
_token_key = secrets.token_bytes(32)             # signs nextTokens; new per process

_ALNUM = string.ascii_letters + string.digits


class ServiceError(Exception):
    """An AWS-shaped error. code is the model's error shape name ('ResourceNotFoundException');
    status the HTTP status (None: the server uses the model's httpStatusCode for code, else 400);
    extra the error shape's extra members (exceptionMessage=..., resourceId=..., fieldList=[...])."""

    def __init__(self, code: str, message: str, status: int | None = None, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra


def _arn_service(service: str) -> str:
    return 'ivschat' if service == 'ivschat' else 'ivs'


def _message_members(ctx, message: str) -> dict:
    # ivs and ivs-realtime errors carry the text in exceptionMessage; chat's in message only.
    return {} if ctx.service == 'ivschat' else {'exceptionMessage': message}


def not_found(ctx, arn_or_id: str) -> ServiceError:
    if ctx.service == 'ivschat':
        return ServiceError('ResourceNotFoundException', f'Resource not found: {arn_or_id}',
                            resourceId=arn_or_id.rsplit('/', 1)[-1], resourceType='ROOM')
    msg = f'ResourceNotFoundException: Resource: {arn_or_id} not found'
    return ServiceError('ResourceNotFoundException', msg, **_message_members(ctx, msg))


def conflict(ctx, message: str) -> ServiceError:
    if ctx.service == 'ivschat':
        return ServiceError('ConflictException', message, resourceId='', resourceType='ROOM')
    return ServiceError('ConflictException', message, **_message_members(ctx, message))


def validation(ctx, message: str, fields: list[dict] | None = None) -> ServiceError:
    """fields: chat's fieldList entries, {'name': ..., 'message': ...}; ignored by ivs/realtime."""
    if ctx.service == 'ivschat':
        return ServiceError('ValidationException', message,
                            reason='FIELD_VALIDATION_FAILED' if fields else 'OTHER',
                            fieldList=fields or [])
    return ServiceError('ValidationException', message, **_message_members(ctx, message))


def quota(ctx, message: str, limit: int | None = None) -> ServiceError:
    if ctx.service == 'ivschat':
        extra = {'resourceId': '', 'resourceType': 'ROOM'}
        if limit is not None:
            extra['limit'] = limit
        return ServiceError('ServiceQuotaExceededException', message, **extra)
    return ServiceError('ServiceQuotaExceededException', message, **_message_members(ctx, message))


def state_for(account: str, region: str, service: str) -> dict:
    """The mutable namespace of one service in one account and region."""
    with LOCK:
        return _states.setdefault((account, region, service), {})


def tags_for(account: str, region: str, service: str) -> dict:
    """arn -> {key: value}; ivs and ivs-realtime share one store (both ARNs say 'ivs')."""
    with LOCK:
        return _tags.setdefault((account, region, _arn_service(service)), {})


def parse_arn(arn: str) -> dict:
    """'arn:aws:ivs:us-west-2:123456789012:channel/abc' -> service, region, account,
    resourceType, resourceId. Raises ValueError on anything else."""
    parts = arn.split(':', 5)
    if len(parts) != 6 or parts[0] != 'arn' or '/' not in parts[5]:
        raise ValueError(f'not an ARN: {arn!r}')
    rtype, rid = parts[5].split('/', 1)
    return {'service': parts[2], 'region': parts[3], 'account': parts[4],
            'resourceType': rtype, 'resourceId': rid}


def state_for_arn(arn: str, service: str) -> dict:
    """The namespace of service in the account and region an ARN names (for CONTROL routes).
    A malformed ARN raises a ServiceError('ValidationException', ..., status=400)."""
    try:
        p = parse_arn(arn)
    except ValueError as e:
        raise ServiceError('ValidationException', str(e), 400) from None
    return state_for(p['account'], p['region'], service)


def reset_all() -> None:
    with LOCK:
        _states.clear()
        _tags.clear()


class Context:
    """One service request as a handler sees it."""

    lock = LOCK

    def __init__(self, service: str, operation: str, account: str, region: str, request_id: str):
        self.service = service
        self.operation = operation
        self.account = account
        self.region = region
        self.request_id = request_id
        self.state = state_for(account, region, service)
        self.tags = tags_for(account, region, service)

    def arn(self, resource_type: str, resource_id: str) -> str:
        return f'arn:aws:{_arn_service(self.service)}:{self.region}:{self.account}:{resource_type}/{resource_id}'

    def now(self) -> datetime.datetime:
        # Millisecond precision, as the services report.
        t = datetime.datetime.now(datetime.timezone.utc)
        return t.replace(microsecond=t.microsecond // 1000 * 1000)


def new_id(length: int = 12) -> str:
    return ''.join(secrets.choice(_ALNUM) for _ in range(length))


def _sign(payload: bytes) -> bytes:
    return hmac.new(_token_key, payload, hashlib.sha256).digest()[:16]


def _encode_token(ctx, offset: int) -> str:
    payload = json.dumps({'op': ctx.operation, 'acct': ctx.account, 'off': offset},
                         separators=(',', ':')).encode()
    return base64.urlsafe_b64encode(_sign(payload) + payload).decode().rstrip('=')


def _decode_token(ctx, token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + '=' * (-len(token) % 4))
        mac, payload = raw[:16], raw[16:]
        if not hmac.compare_digest(mac, _sign(payload)):
            raise ValueError('bad signature')
        data = json.loads(payload)
        if data['op'] != ctx.operation or data['acct'] != ctx.account:
            raise ValueError('foreign token')
        offset = int(data['off'])
        if offset < 0:
            raise ValueError('negative offset')
        return offset
    except (ValueError, KeyError, TypeError):
        raise validation(ctx, 'The pagination token is invalid or expired.') from None


def paginate(ctx, items: list, params: dict, *, default_max: int = 50) -> tuple[list, str | None]:
    """One page of items (in a stable order the caller chose) and the nextToken for the rest.
    The token is opaque, signed, and bound to ctx.operation and ctx.account."""
    start = _decode_token(ctx, params['nextToken']) if params.get('nextToken') else 0
    size = params.get('maxResults') or default_max
    page = items[start:start + size]
    rest = start + size < len(items)
    return page, (_encode_token(ctx, start + size) if rest else None)


def check_tag_count(ctx, tags: dict) -> None:
    if len(tags) > MAX_TAGS:
        raise validation(ctx, f'A resource can have at most {MAX_TAGS} tags.',
                         [{'name': 'tags', 'message': f'at most {MAX_TAGS} tags'}])


def set_tags(ctx, arn: str, tags: dict | None) -> None:
    """Tags given at creation; call before storing the resource so a failure leaves no trace."""
    tags = dict(tags or {})
    check_tag_count(ctx, tags)
    ctx.tags[arn] = tags


def tag_ops(ctx, params: dict, exists: Callable[[str], bool]) -> dict:
    """TagResource, UntagResource and ListTagsForResource for ctx.operation; exists(arn) says
    whether the ARN names a live resource of this service."""
    arn = params['resourceArn']
    if not exists(arn):
        raise not_found(ctx, arn)
    current = ctx.tags.setdefault(arn, {})
    if ctx.operation == 'TagResource':
        merged = {**current, **params.get('tags', {})}
        check_tag_count(ctx, merged)
        current.clear()
        current.update(merged)
        return {}
    if ctx.operation == 'UntagResource':
        for key in params.get('tagKeys', []):
            current.pop(key, None)
        return {}
    if ctx.operation == 'ListTagsForResource':
        return {'tags': dict(current)}
    raise ValueError(f'tag_ops called for {ctx.operation}')
