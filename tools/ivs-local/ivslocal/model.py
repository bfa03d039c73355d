"""The service models in models/, read as plain JSON: routing, input parsing and validation,
output serialization. Nothing here knows a particular operation."""
from __future__ import annotations

import base64
import datetime
import json
import os
import re
from urllib.parse import unquote


# The services match a pattern against the whole value (the API reference shows ChannelName as
# ^[a-zA-Z0-9-_]*$ where the model says [a-zA-Z0-9-_]*), so fullmatch. Python's re lacks \p{..}:
# letters become \w (close enough inside the classes these models use).
_UNICODE_CLASSES = {r'\p{L}': r'\w', r'\p{N}': r'\d', r'\p{Z}': r'\s'}


# The models' generic ResourceArn pattern allows one character before the '/', which no real ARN
# has ('channel/abc'); the services accept every resource type, so widen it to one or more.
_PATTERN_FIXES = {':[a-z-]/[a-zA-Z0-9-]+': ':[a-z-]+/[a-zA-Z0-9-]+'}


def _python_pattern(pattern: str) -> str:
    for k, v in _PATTERN_FIXES.items():
        pattern = pattern.replace(k, v)
    for k, v in _UNICODE_CLASSES.items():
        pattern = pattern.replace(k, v)
    return pattern


# Header members some IVS output and error shapes declare: the values the service sends for them.
DEFAULT_HEADER_MEMBERS = {
    'accessControlAllowOrigin': '*',
    'accessControlExposeHeaders': 'Access-Control-Allow-Origin,Access-Control-Expose-Headers,Cache-Control,'
                                  'Content-Security-Policy,Strict-Transport-Security,X-Content-Type-Options,'
                                  'X-Frame-Options,x-amzn-ErrorType',
    'cacheControl': 'no-store, no-cache',
    'contentSecurityPolicy': "default-src 'self'",
    'strictTransportSecurity': 'max-age=47304000; includeSubDomains',
    'xContentTypeOptions': 'nosniff',
    'xFrameOptions': 'DENY',
}


def _header_defaults(shape: dict, given: dict) -> dict:
    return {m.get('locationName', name): DEFAULT_HEADER_MEMBERS[name]
            for name, m in shape.get('members', {}).items()
            if m.get('location') == 'header' and name in DEFAULT_HEADER_MEMBERS and given.get(name) is None}


class ServiceModel:
    def __init__(self, name: str, data: dict):
        self.name = name
        self.metadata = data['metadata']
        self.shapes = data['shapes']
        self.operations = data['operations']
        self.signing_name = self.metadata.get('signingName', self.metadata['endpointPrefix'])
        self.endpoint_prefix = self.metadata['endpointPrefix']
        self._patterns: dict[str, re.Pattern | None] = {}
        self.routes = []  # (method, compiled path regex, label names, operation)
        for op in self.operations.values():
            uri = op['http']['requestUri'].split('?', 1)[0]
            labels = re.findall(r'\{([^}]+)\}', uri)
            regex = re.escape(uri)
            for label in labels:
                greedy = label.endswith('+')
                regex = regex.replace(re.escape('{' + label + '}'), '(.+)' if greedy else '([^/]+)')
            self.routes.append((op['http']['method'], re.compile('^' + regex + '$'),
                                [lab.rstrip('+') for lab in labels], op['name']))

    # -- routing ---------------------------------------------------------------------------
    def match(self, method: str, raw_path: str):
        """(operation name, {label: decoded value}) or None."""
        for m, regex, labels, op in self.routes:
            if m != method:
                continue
            found = regex.match(raw_path)
            if found:
                return op, {lab: unquote(v) for lab, v in zip(labels, found.groups())}
        return None

    def error_status(self, code: str) -> int | None:
        shape = self.shapes.get(code)
        if shape and shape.get('exception'):
            return shape.get('error', {}).get('httpStatusCode')
        return None

    def pattern(self, pattern: str):
        if pattern not in self._patterns:
            try:
                self._patterns[pattern] = re.compile(_python_pattern(pattern))
            except re.error:
                self._patterns[pattern] = None
        return self._patterns[pattern]

    # -- input -----------------------------------------------------------------------------
    def parse_input(self, operation: str, labels: dict, query: dict, headers, body: bytes) -> dict:
        """Merge URI labels, query string, headers and JSON body into member-name -> value.
        Raises ValueError for a body that is not a JSON object."""
        op = self.operations[operation]
        if 'input' not in op:
            return {}
        shape = self.shapes[op['input']['shape']]
        params: dict = {}
        if body and body.strip():
            doc = json.loads(body)
            if not isinstance(doc, dict):
                raise ValueError('the request body must be a JSON object')
            params.update(doc)
        for name, member in shape.get('members', {}).items():
            loc = member.get('location')
            wire = member.get('locationName', name)
            target = self.shapes[member['shape']]
            if loc == 'uri' and wire in labels:
                params[name] = labels[wire]
            elif loc == 'querystring' and wire in query:
                values = query[wire]
                params[name] = values if target['type'] == 'list' else self._scalar(target, values[-1])
            elif loc == 'header' and headers.get(wire) is not None:
                params[name] = self._scalar(target, headers.get(wire))
            elif loc in ('uri', 'querystring', 'header'):
                params.pop(name, None)  # a located member never comes from the body
        return params

    @staticmethod
    def _scalar(shape: dict, text: str):
        t = shape['type']
        try:
            if t in ('integer', 'long'):
                return int(text)
            if t in ('float', 'double'):
                return float(text)
        except ValueError:
            return text  # validation reports the type
        if t == 'boolean':
            return {'true': True, 'false': False}.get(text, text)
        return text

    def validate(self, operation: str, params: dict) -> list[tuple[str, str, object]]:
        """Every problem as (path, constraint text, value); also turns timestamps into datetimes
        in place."""
        op = self.operations[operation]
        problems: list = []
        if 'input' in op:
            self._check(op['input']['shape'], params, '', problems, container=None)
        return problems

    def _check(self, shape_name: str, value, path: str, problems: list, container):
        shape = self.shapes[shape_name]
        t = shape['type']

        def bad(text):
            problems.append((path, text, value))

        if t == 'structure':
            if not isinstance(value, dict):
                return bad('Member must be a structure')
            members = shape.get('members', {})
            for req in shape.get('required', []):
                if value.get(req) is None:
                    problems.append((_join(path, req), 'Member must not be null', None))
            if shape.get('union'):
                present = [k for k in members if value.get(k) is not None]
                if len(present) != 1:
                    bad('Member must have exactly one member set')
            for name, member in members.items():
                if value.get(name) is not None:
                    self._check(member['shape'], value[name], _join(path, name), problems, (value, name))
        elif t in ('list', 'map'):
            if not isinstance(value, list if t == 'list' else dict):
                return bad(f'Member must be a {t}')
            self._check_bounds(shape, len(value), 'Member must have length', bad)
            item_shape = shape['member' if t == 'list' else 'value']['shape']
            for key, item, where in _entries(value, path):
                if t == 'map':
                    self._check(shape['key']['shape'], key, where, problems, None)
                if item is None:
                    problems.append((where, 'Member must not be null', None))
                else:
                    self._check(item_shape, item, where, problems, (value, key))
        elif t == 'string':
            if not isinstance(value, str):
                return bad('Member must be a string')
            self._check_bounds(shape, len(value), 'Member must have length', bad)
            if 'enum' in shape and value not in shape['enum']:
                bad('Member must satisfy enum value set: [' + ', '.join(shape['enum']) + ']')
            if 'pattern' in shape:
                regex = self.pattern(shape['pattern'])
                if regex is not None and not regex.fullmatch(value):
                    bad('Member must satisfy regular expression pattern: ' + shape['pattern'])
        elif t in ('integer', 'long'):
            if isinstance(value, bool) or not isinstance(value, int):
                return bad('Member must be an integer')
            self._check_bounds(shape, value, 'Member must have value', bad)
        elif t in ('float', 'double'):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return bad('Member must be a number')
            self._check_bounds(shape, value, 'Member must have value', bad)
        elif t == 'boolean':
            if not isinstance(value, bool):
                return bad('Member must be a boolean')
        elif t == 'timestamp':
            parsed = parse_timestamp(value)
            if parsed is None:
                return bad('Member must be a timestamp')
            if container is not None:
                container[0][container[1]] = parsed
        elif t == 'blob':
            if not isinstance(value, str):
                return bad('Member must be base64-encoded binary')
            try:
                base64.b64decode(value, validate=True)
            except ValueError:
                bad('Member must be base64-encoded binary')

    @staticmethod
    def _check_bounds(shape, n, text, bad):
        """n (a length or a value) against the shape's min and max; text names what n is."""
        if 'min' in shape and n < shape['min']:
            bad(f'{text} greater than or equal to {shape["min"]}')
        if 'max' in shape and n > shape['max']:
            bad(f'{text} less than or equal to {shape["max"]}')

    # -- output ----------------------------------------------------------------------------
    def serialize_output(self, operation: str, result: dict) -> tuple[int, dict, bytes | None]:
        """(HTTP status, headers, body) for a handler's result."""
        op = self.operations[operation]
        status = op['http'].get('responseCode', 200)
        headers: dict = {}
        body: dict = {}
        if 'output' in op:
            shape = self.shapes[op['output']['shape']]
            headers.update(_header_defaults(shape, result or {}))
            for name, member in shape.get('members', {}).items():
                value = (result or {}).get(name)
                if value is None:
                    continue
                if member.get('location') == 'header':
                    headers[member.get('locationName', name)] = str(value)
                else:
                    body[member.get('locationName', name)] = self._out(member['shape'], value)
        if status == 204:
            return status, headers, None
        return status, headers, json.dumps(body).encode()

    def serialize_error_members(self, code: str, extra: dict) -> tuple[dict, dict]:
        """(headers, body members) of an error shape's extra members; unknown members go to
        the body as given."""
        shape = self.shapes.get(code, {})
        members = shape.get('members', {})
        headers, body = _header_defaults(shape, extra), {}
        for name, value in extra.items():
            if value is None:
                continue
            member = members.get(name)
            if member and member.get('location') == 'header':
                headers[member.get('locationName', name)] = str(value)
            elif member:
                body[name] = self._out(member['shape'], value)
            else:
                body[name] = value
        return headers, body

    def _out(self, shape_name: str, value):
        shape = self.shapes[shape_name]
        t = shape['type']
        if t == 'structure':
            members = shape.get('members', {})
            return {m.get('locationName', k): self._out(m['shape'], value[k])
                    for k, m in members.items() if value.get(k) is not None}
        if t == 'list':
            return [self._out(shape['member']['shape'], v) for v in value]
        if t == 'map':
            return {k: self._out(shape['value']['shape'], v) for k, v in value.items()}
        if t == 'timestamp':
            return format_timestamp(value, shape.get('timestampFormat', 'unixTimestamp'))
        if t == 'blob' and isinstance(value, (bytes, bytearray)):
            return base64.b64encode(value).decode()
        return value


def _join(path: str, name: str) -> str:
    return f'{path}.{name}' if path else name


def _entries(container, path: str) -> list:
    """(key, item, the item's path in error messages) of a list or a map."""
    if isinstance(container, list):
        return [(i, item, f'{path}.{i + 1}.member') for i, item in enumerate(container)]
    return [(k, v, f'{path}.{k}') for k, v in container.items()]


def parse_timestamp(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_timestamp(float(text))
        except ValueError:
            pass
        try:
            return parse_timestamp(datetime.datetime.fromisoformat(text.replace('Z', '+00:00')))
        except ValueError:
            return None
    return None


def format_timestamp(value, fmt: str):
    if not isinstance(value, datetime.datetime):
        value = parse_timestamp(value)
    value = value.astimezone(datetime.timezone.utc)
    if fmt == 'iso8601':
        text = value.strftime('%Y-%m-%dT%H:%M:%S')
        if value.microsecond:
            text += '.%03d' % (value.microsecond // 1000)
        return text + 'Z'
    if fmt == 'rfc822':
        return value.strftime('%a, %d %b %Y %H:%M:%S GMT')
    return round(value.timestamp(), 3)


def load_models(models_dir: str) -> dict[str, ServiceModel]:
    """Every service models/services.json lists (the repository's one list of services)."""
    with open(os.path.join(models_dir, 'services.json'), encoding='utf-8') as f:
        services = json.load(f)['services']
    out = {}
    for svc in services:
        with open(os.path.join(models_dir, svc['name'], svc['apiVersion'], 'service-2.json'), encoding='utf-8') as f:
            out[svc['name']] = ServiceModel(svc['name'], json.load(f))
    return out


def validation_message(problems) -> str:
    parts = []
    for path, text, value in problems:
        shown = 'null' if value is None else "'" + (value if isinstance(value, str) else json.dumps(value, default=str))[:200] + "'"
        parts.append(f"Value {shown} at '{path}' failed to satisfy constraint: {text}")
    n = len(problems)
    return f'{n} validation error{"s" if n != 1 else ""} detected: ' + '; '.join(parts)
