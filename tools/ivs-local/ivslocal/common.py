"""What every service module of ivs-local shares: errors, the request context, state namespaces,
ids and pagination. Resources and their tags are kept in tables (resources.py).

A service module (services/ivs.py, services/realtime/, services/chat.py) exposes

    HANDLERS: dict[str, Callable[[Context, dict], dict]]
        operation name -> handler. params holds every input member by its model member name,
        merged from URI labels (percent-decoded), query string and JSON body, already validated
        against the model (timestamps as aware datetimes). The handler returns the output members
        (datetimes allowed, None values dropped; members with location 'header' become headers)
        or raises ServiceError. The server holds LOCK around the call.

    CONTROL: dict[str, Callable[[dict, dict], dict]]
        control route under /_local/ ('streams/start', or 'GET chat/actions' to bind a method)
        -> fn(state, body). state is the service's namespace for the default account and the
        region named by body['region'] (default us-west-2); most routes instead find the account
        and region in an ARN of the body with control_context(). body is the JSON body merged
        over the query string (one value per key; the only input for GET and DELETE). Return a
        JSON-able dict (datetimes allowed: the server writes them as ISO 8601 in UTC); raise
        ServiceError for errors. The server holds LOCK around the call.
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

DEFAULT_ACCOUNT = '123456789012'
DEFAULT_REGION = 'us-west-2'

# One lock for all state: handlers are short, and one lock makes cross-service reads safe.
LOCK = threading.RLock()

_states: dict[tuple[str, str, str], dict] = {}   # (account, region, service) -> namespace
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


def arn_service(service: str) -> str:
    """The service part of the service's ARNs: ivs and ivs-realtime both say 'ivs'."""
    return 'ivschat' if service == 'ivschat' else 'ivs'


def service_error(service: str, code: str, message: str, status: int | None = None, **extra) -> ServiceError:
    # IVS and IVS Real-Time errors repeat the text in exceptionMessage; Chat's have message only.
    if service != 'ivschat':
        extra = {'exceptionMessage': message, **extra}
    return ServiceError(code, message, status, **extra)


def not_found(ctx, arn_or_id: str) -> ServiceError:
    if ctx.service == 'ivschat':
        return ServiceError('ResourceNotFoundException', f'Resource not found: {arn_or_id}',
                            resourceId=arn_or_id.rsplit('/', 1)[-1], resourceType='ROOM')
    return service_error(ctx.service, 'ResourceNotFoundException',
                         f'ResourceNotFoundException: Resource: {arn_or_id} not found')


def conflict(ctx, message: str) -> ServiceError:
    if ctx.service == 'ivschat':
        return ServiceError('ConflictException', message, resourceId='', resourceType='ROOM')
    return service_error(ctx.service, 'ConflictException', message)


def validation(ctx, message: str, fields: list[dict] | None = None) -> ServiceError:
    """fields: chat's fieldList entries, {'name': ..., 'message': ...}; ignored by ivs/realtime."""
    if ctx.service == 'ivschat':
        return ServiceError('ValidationException', message,
                            reason='FIELD_VALIDATION_FAILED' if fields else 'OTHER',
                            fieldList=fields or [])
    return service_error(ctx.service, 'ValidationException', message)


def quota(ctx, message: str, limit: int | None = None) -> ServiceError:
    if ctx.service == 'ivschat':
        extra = {'resourceId': '', 'resourceType': 'ROOM'}
        if limit is not None:
            extra['limit'] = limit
        return ServiceError('ServiceQuotaExceededException', message, **extra)
    return service_error(ctx.service, 'ServiceQuotaExceededException', message)


def state_for(account: str, region: str, service: str) -> dict:
    """The mutable namespace of one service in one account and region."""
    with LOCK:
        return _states.setdefault((account, region, service), {})


def parse_arn(arn: str) -> dict:
    """'arn:aws:ivs:us-west-2:123456789012:channel/abc' -> service, region, account,
    resourceType, resourceId. Raises ValueError on anything else."""
    parts = arn.split(':', 5)
    if len(parts) != 6 or parts[0] != 'arn' or '/' not in parts[5]:
        raise ValueError(f'not an ARN: {arn!r}')
    rtype, rid = parts[5].split('/', 1)
    return {'service': parts[2], 'region': parts[3], 'account': parts[4],
            'resourceType': rtype, 'resourceId': rid}


def arn_id(arn: str) -> str:
    """The resource id at the end of an ARN."""
    return arn.rsplit('/', 1)[-1]


def state_for_arn(arn: str, service: str) -> dict:
    """The namespace of service in the account and region an ARN names (for CONTROL routes).
    A malformed ARN raises a ServiceError('ValidationException', ..., status=400)."""
    try:
        p = parse_arn(arn)
    except ValueError as e:
        raise ServiceError('ValidationException', str(e), 400) from None
    return state_for(p['account'], p['region'], service)


_reset_hooks: list = []


def on_reset(fn) -> None:
    """Has fn() run by reset_all (under LOCK): for state kept outside the namespaces (chat connections)."""
    _reset_hooks.append(fn)


def reset_all() -> None:
    with LOCK:
        _states.clear()
        for fn in _reset_hooks:
            fn()


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

    def arn(self, resource_type: str, resource_id: str) -> str:
        return f'arn:aws:{arn_service(self.service)}:{self.region}:{self.account}:{resource_type}/{resource_id}'

    def now(self) -> datetime.datetime:
        # Millisecond precision, as the services report.
        t = datetime.datetime.now(datetime.timezone.utc)
        return t.replace(microsecond=t.microsecond // 1000 * 1000)


# -- the control API -------------------------------------------------------------------------------

def control_context(service: str, body: dict, key: str) -> Context:
    """The context of a control route that acts on the resource whose ARN is body[key]: that
    ARN's account and region. A missing or malformed ARN is a 400 ValidationException."""
    arn = body.get(key)
    if not isinstance(arn, str) or not arn:
        raise ServiceError('ValidationException', f'{key} is required', 400)
    try:
        p = parse_arn(arn)
    except ValueError as e:
        raise ServiceError('ValidationException', str(e), 400) from None
    return Context(service, 'control', p['account'], p['region'], 'ivs-local-control')


def control_not_found(ctx, what: str) -> ServiceError:
    """A control route's 404 for a resource that does not exist."""
    err = not_found(ctx, what)
    err.status = 404
    return err


# -- ids and pagination ----------------------------------------------------------------------------

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


def given_filters(params: dict, names) -> list[str]:
    """The List filters among names that the request gives ('' and None are not given)."""
    return [n for n in names if params.get(n) not in (None, '')]


def filtered(items, params: dict, filters: dict) -> list:
    """The items every given filter keeps: filters maps a parameter name to keep(item, value)."""
    items = list(items)
    for name in given_filters(params, filters):
        items = [i for i in items if filters[name](i, params[name])]
    return items


def page(ctx, params: dict, key: str, items: list, view=None, *, default_max: int = 50) -> dict:
    """A List operation's answer: {key: one page of items, each through view, 'nextToken'}."""
    found, token = paginate(ctx, list(items), params, default_max=default_max)
    return {key: [view(i) for i in found] if view else found, 'nextToken': token}
