"""The HTTP front of ivs-local: routing by the models, SigV4, validation, faults, the request log,
the /_local/ control API, and AWS-shaped responses. Service behaviour lives in services/."""
from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import common, model, resources, sigv4
from .services import MODULES, chat_messaging


class Emulator:
    """Everything a request handler needs: models, service modules, credentials, faults, log."""

    def __init__(self, models_dir: str, credentials: dict[str, tuple[str, str]], verbose: bool = False):
        self.models = model.load_models(models_dir)
        self.credentials = credentials  # access key -> (secret, account)
        self.default_account = next(iter(credentials.values()))[1]
        self.verbose = verbose
        self.handlers: dict[str, dict] = {}
        self.control: dict[str, tuple[str, object]] = {}  # route -> (service, fn)
        for service, module_name in MODULES.items():
            try:
                module = importlib.import_module(f'.services.{module_name}', __package__)
            except ModuleNotFoundError as e:
                if e.name != f'{__package__}.services.{module_name}':
                    raise
                print(f'ivs-local: no module for {service}; its operations answer 501', file=sys.stderr)
                module = None
            self.handlers[service] = getattr(module, 'HANDLERS', {})
            for route, fn in getattr(module, 'CONTROL', {}).items():
                self.control[route] = (service, fn)
        self.meta_lock = threading.Lock()
        self.faults: list[dict] = []
        self.requests: list[dict] = []
        # Bumped by reset: a request that arrived before a reset (one a delay fault holds) is not
        # logged when it is answered after it, so the next test's log holds only its own requests.
        self.generation = 0

    def reset(self):
        common.reset_all()
        with self.meta_lock:
            self.faults.clear()
            self.requests.clear()
            self.generation += 1

    def secret_for(self, access_key: str):
        entry = self.credentials.get(access_key)
        return entry[0] if entry else None

    def take_fault(self, service: str | None, operation: str | None) -> dict | None:
        with self.meta_lock:
            for fault in self.faults:
                if fault.get('service') not in (None, service) or fault.get('operation') not in (None, operation):
                    continue
                fault['remaining'] -= 1
                if fault['remaining'] <= 0:
                    self.faults.remove(fault)
                return dict(fault)
        return None

    def route(self, method: str, raw_path: str, host: str, signing_name: str | None):
        """(service, operation, labels) or None."""
        found = [(svc, *m) for svc, mdl in self.models.items() if (m := mdl.match(method, raw_path))]
        if len(found) > 1:
            by_host = [f for f in found if host.startswith(self.models[f[0]].endpoint_prefix + '.')]
            by_name = [f for f in found if self.models[f[0]].signing_name == signing_name]
            found = by_host or by_name or found
        if len(found) > 1:  # ivs and ivs-realtime: the service owning the ARN's resource type
            realtime = resources.owner(next(iter(found[0][2].values()), '')) == 'ivs-realtime'
            found = [f for f in found if (f[0] == 'ivs-realtime') == realtime] or found
        return found[0] if found else None


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ivs-local'
    disable_nagle_algorithm = True  # headers and body go out in two writes; don't wait for an ACK
    emulator: Emulator  # set on the subclass made by serve()

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.emulator.verbose:
            sys.stderr.write('ivs-local: ' + (fmt % args) + '\n')

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # -- plumbing --------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _log_pending(self, status: int | None):
        entry, self._pending_entry = getattr(self, '_pending_entry', None), None
        if entry is not None:
            entry['status'] = status
            generation = entry.pop('generation')
            with self.emulator.meta_lock:
                if generation == self.emulator.generation:
                    self.emulator.requests.append(entry)

    def _send(self, status: int, headers: dict, body: bytes | None):
        self._log_pending(status)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header('Connection', 'close')
        if status not in (204, 304):
            body = body or b''
            self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if body and status not in (204, 304) and self.command != 'HEAD':
            self.wfile.write(body)

    def _send_json(self, status: int, doc, headers: dict | None = None):
        self._send(status, {'Content-Type': 'application/json', **(headers or {})},
                   json.dumps(doc, default=_json_value).encode())

    def _dispatch(self):
        split = urlsplit(self.path)
        self.raw_path, self.raw_query = split.path, split.query
        if (self.headers.get('Upgrade') or '').lower() == 'websocket':
            # IVS Chat messaging, as wss://edge.ivschat.<region>.amazonaws.com serves it.
            return chat_messaging.serve(self)
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return self._send_json(400, {'message': 'unreadable request body'})
        if self.raw_path.startswith('/_local/') or self.raw_path == '/_local':
            return self._control(body)
        return self._service(body)

    # -- service requests ------------------------------------------------------------------
    def _service(self, body: bytes):
        request_id = str(uuid.uuid4())
        entry = {'time': datetime.datetime.now(datetime.timezone.utc).isoformat(), 'method': self.command,
                 'path': unquote(self.raw_path), 'rawPath': self.raw_path,
                 'query': _query_lists(self.raw_query), 'headers': _headers_dict(self.headers),
                 'body': body.decode('utf-8', 'replace'), 'service': None, 'operation': None,
                 'status': None, 'signatureValid': False, 'requestId': request_id,
                 'generation': self.emulator.generation}
        self._pending_entry = entry  # logged by _send, before the client can see the answer
        try:
            self._serve(body, request_id, entry)
        finally:
            self._log_pending(None)  # a dropped connection, or a failure before any answer

    def _serve(self, body: bytes, request_id: str, entry: dict) -> int | None:
        em = self.emulator
        try:
            scope, _, _ = sigv4.parse_scope(self.headers)
            signing_name = scope.service
        except sigv4.AuthError:
            signing_name = None
        routed = em.route(self.command, self.raw_path, (self.headers.get('Host') or '').lower(), signing_name)
        if routed is None:
            return self._error(None, request_id, common.ServiceError(
                'UnknownOperationException', f'No operation matches {self.command} {self.raw_path}', 404))
        service, operation, labels = routed
        entry['service'], entry['operation'] = service, operation
        mdl = em.models[service]
        try:
            scope = sigv4.verify(self.command, self.raw_path, self.raw_query, self.headers, body,
                                 em.secret_for, mdl.signing_name)
        except sigv4.AuthError as e:
            status = 400 if e.code == 'IncompleteSignatureException' else 403
            return self._error(mdl, request_id, common.ServiceError(e.code, e.message, status))
        entry['signatureValid'] = True

        fault = em.take_fault(service, operation)
        if fault:
            entry['fault'] = fault['action']
            if fault['action'] == 'drop':
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return None
            if fault['action'] == 'delay':
                time.sleep(fault.get('delayMs', 1000) / 1000)
            else:
                code = fault.get('code') or 'ServiceUnavailableException'
                message = fault.get('message') or f'{code} (injected by ivs-local)'
                headers = {'Retry-After': str(fault['retryAfter'])} if fault.get('retryAfter') is not None else {}
                err = common.service_error(service, code, message, fault.get('status', 503))
                return self._error(mdl, request_id, err, headers)

        ctx = common.Context(service, operation, em.credentials[scope.access_key][1], scope.region, request_id)
        try:
            try:
                params = mdl.parse_input(operation, labels, _query_lists(self.raw_query), self.headers, body)
            except ValueError as e:
                raise common.validation(ctx, f'Could not parse request body: {e}') from None
            problems = mdl.validate(operation, params)
            if problems:
                raise common.validation(ctx, model.validation_message(problems),
                                        [{'name': p, 'message': t} for p, t, _ in problems])
            handler = em.handlers[service].get(operation)
            if handler is None:
                raise common.service_error(service, 'InternalServerException',
                                           f'{operation} is not implemented by ivs-local', 501)
            with common.LOCK:
                result = handler(ctx, params)
            status, headers, out = mdl.serialize_output(operation, result or {})
        except common.ServiceError as e:
            return self._error(mdl, request_id, e)
        except Exception:
            sys.stderr.write(f'ivs-local: {service} {operation} failed:\n{traceback.format_exc()}')
            return self._error(mdl, request_id,
                               common.service_error(service, 'InternalServerException', 'Internal server error', 500))
        headers.update({'x-amzn-RequestId': request_id})
        if out is not None:
            headers['Content-Type'] = 'application/json'
        self._send(status, headers, out)
        return status

    def _error(self, mdl, request_id: str, err: common.ServiceError, headers: dict | None = None) -> int:
        status = err.status or (mdl.error_status(err.code) if mdl else None) or 400
        extra_headers, members = mdl.serialize_error_members(err.code, err.extra) if mdl else ({}, dict(err.extra))
        doc = {'message': err.message, **members}
        self._send_json(status, doc, {'x-amzn-RequestId': request_id, 'x-amzn-ErrorType': err.code,
                                      **extra_headers, **(headers or {})})
        return status

    # -- control API -----------------------------------------------------------------------
    def _control(self, body: bytes):
        em = self.emulator
        route = self.raw_path[len('/_local/'):].strip('/')
        method = self.command
        try:
            doc = json.loads(body) if body.strip() else {}
            if not isinstance(doc, dict):
                raise ValueError('the body must be a JSON object')
            doc = {**dict(parse_qsl(self.raw_query)), **doc}  # query parameters, for GET and DELETE
        except ValueError as e:
            return self._send_json(400, {'message': f'bad JSON body: {e}'})
        try:
            result = self._control_route(em, method, route, doc)
        except common.ServiceError as e:
            return self._send_json(e.status or 400, {'code': e.code, 'message': e.message, **e.extra})
        except Exception:
            sys.stderr.write(f'ivs-local: control {method} {route} failed:\n{traceback.format_exc()}')
            return self._send_json(500, {'code': 'InternalServerException', 'message': 'control route failed'})
        if result is None:
            return self._send_json(404, {'code': 'NotFound', 'message': f'no control route {method} /_local/{route}'})
        self._send_json(200, result)

    def _control_route(self, em: Emulator, method: str, route: str, doc: dict):
        if route == 'health' and method == 'GET':
            return {'status': 'ok', 'services': {s: len(em.handlers[s]) for s in em.models}}
        if route == 'reset' and method == 'POST':
            em.reset()
            return {'reset': True}
        if route == 'faults':
            if method == 'GET':
                with em.meta_lock:
                    return {'faults': [dict(f) for f in em.faults]}
            if method == 'DELETE':
                with em.meta_lock:
                    em.faults.clear()
                return {'faults': []}
            if method == 'POST':
                return {'fault': self._add_fault(em, doc)}
        if route == 'requests':
            if method == 'GET':
                with em.meta_lock:
                    entries = list(em.requests)
                for key in ('service', 'operation'):
                    if doc.get(key):
                        entries = [e for e in entries if e[key] == doc[key]]
                return {'requests': entries}
            if method == 'DELETE':
                with em.meta_lock:
                    em.requests.clear()
                return {'requests': []}
        found = em.control.get(f'{method} {route}') or em.control.get(route)
        if found is None:
            return None
        service, fn = found
        state = common.state_for(doc.get('account') or em.default_account, doc.get('region') or common.DEFAULT_REGION, service)
        with common.LOCK:
            return fn(state, doc)

    @staticmethod
    def _add_fault(em: Emulator, doc: dict) -> dict:
        action = doc.get('action', 'error')
        if action not in ('error', 'delay', 'drop'):
            raise common.ServiceError('ValidationException', "action must be 'error', 'delay' or 'drop'", 400)
        count = doc.get('count', 1)
        if not isinstance(count, int) or count < 1:
            raise common.ServiceError('ValidationException', 'count must be a positive integer', 400)
        if doc.get('service') not in (None, *em.models):
            raise common.ServiceError('ValidationException', f"unknown service {doc.get('service')!r}", 400)
        fault = {'id': uuid.uuid4().hex[:8], 'action': action, 'count': count, 'remaining': count}
        for key in ('service', 'operation', 'status', 'code', 'message', 'retryAfter', 'delayMs'):
            if doc.get(key) is not None:
                fault[key] = doc[key]
        with em.meta_lock:
            em.faults.append(fault)
        return dict(fault)


def _json_value(value):
    # Control routes answer with their records' datetimes: ISO 8601 in UTC, as '...Z'.
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace('+00:00', 'Z')
    return str(value)


def _query_lists(raw_query: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in parse_qsl(raw_query, keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return out


def _headers_dict(headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in headers.items():
        out[k] = f'{out[k]}, {v}' if k in out else v
    return out


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve(emulator: Emulator, host: str, port: int) -> Server:
    handler = type('BoundRequestHandler', (RequestHandler,), {'emulator': emulator})
    server_cls = type('Server6', (Server,), {'address_family': socket.AF_INET6}) if ':' in host else Server
    return server_cls((host, port), handler)


def _credentials(values: list[str] | None) -> dict[str, tuple[str, str]]:
    out = {}
    for value in values or ['test:test']:
        parts = value.split(':')
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise SystemExit(f'ivs-local: --credentials wants AKID:SECRET[:ACCOUNT], not {value!r}')
        account = parts[2] if len(parts) == 3 else common.DEFAULT_ACCOUNT
        if not (account.isdigit() and len(account) == 12):
            raise SystemExit(f'ivs-local: an account is 12 digits, not {account!r}')
        out[parts[0]] = (parts[1], account)
    return out


def main(argv=None) -> int:
    default_models = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), 'models')
    p = argparse.ArgumentParser(prog='ivs-local', description='A local emulator of Amazon IVS, IVS Real-Time and IVS Chat.')
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, default=0, help='0 picks a free port')
    p.add_argument('--credentials', action='append', metavar='AKID:SECRET[:ACCOUNT]',
                   help='an accepted key pair (repeatable; default test:test, account 123456789012)')
    p.add_argument('--models', default=default_models, help='the models/ directory')
    p.add_argument('--verbose', action='store_true', help='log each request to stderr')
    args = p.parse_args(argv)

    emulator = Emulator(args.models, _credentials(args.credentials), args.verbose)
    server = serve(emulator, args.host, args.port)
    host, port = server.server_address[:2]
    shown = f'[{host}]' if ':' in host else host
    print(f'http://{shown}:{port}', flush=True)
    threading.Thread(target=sigv4.warm_up, daemon=True).start()

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
