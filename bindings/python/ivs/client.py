"""Clients with boto3's interface, built at run time from ivs_describe (never from hand-written lists).

A client owns one native libivs client (ivs_client_new); every method is one ivs_call. The class of
each service is created once per process; its methods, exceptions and paginators come from the model.
What the client reports about itself (region, endpoint, retry mode and attempts) is what libivs
resolved (ivs_client_config), never recomputed here.
"""
from __future__ import annotations

import base64
import ctypes
import datetime
import json
import threading
import time
import urllib.parse
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Type, Union

from . import _botocore_bases, _lib, exceptions, model
from .config import UNSIGNED, Config, client_config_json
from .hooks import EventHooks, first_non_none_response

if TYPE_CHECKING:
    from .paginate import Paginator

# (botocore's retry mode, the attempts libivs makes per call), for botocore's MaxAttemptsReached.
RetrySemantics = Tuple[str, int]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return model.format_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat() + "T00:00:00Z"
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(type(value).__name__)


def _find_unserializable(value: Any, path: str = "") -> Optional[Tuple[str, Any]]:
    """(path, value) of the first value json cannot encode, for the error report."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                return (path or "input", k)
            found = _find_unserializable(v, f"{path}.{k}" if path else k)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _find_unserializable(v, f"{path}[{i}]")
            if found:
                return found
        return None
    if value is None or isinstance(value, (str, int, float, bool, bytes, bytearray, datetime.date)):
        return None
    return (path, value)


def encode_input(params: Any) -> bytes:
    """The operation input as JSON bytes for the C ABI; datetimes become ISO 8601 UTC strings."""
    try:
        return json.dumps(params, default=_json_default, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        found = _find_unserializable(params) or ("input", params)
        report = f"Invalid type for parameter {found[0]}, value: {found[1]!r}, type: {type(found[1])}"
        raise exceptions.ParamValidationError(report=report,
                                              problems=[{"path": found[0], "problem": report}]) from None


def request_url(endpoint_url: Optional[str], op: model.Operation, params: Dict[str, Any],
                sm: model.ServiceModel) -> str:
    """The URL of an operation's request, as botocore names it in a network error's message: the
    endpoint, the path with its labels filled in (percent-encoded), and the query members."""
    path = op.http.get("requestUri", "/")
    query: List[Tuple[str, str]] = []
    for name, member in (sm.members(op.input) if op.input else {}).items():
        value = params.get(name)
        if value is None:
            continue
        location, wire = member.get("location"), member.get("locationName", name)
        if location == "uri":
            path = path.replace("{%s+}" % wire, urllib.parse.quote(str(value), safe="/-._~"))
            path = path.replace("{%s}" % wire, urllib.parse.quote(str(value), safe="-._~"))
        elif location == "querystring":
            for item in value if isinstance(value, list) else [value]:
                query.append((wire, str(item)))
    url = (endpoint_url or "").rstrip("/") + path
    return url + ("?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote) if query else "")


def _attach(exc: Exception, error: Dict[str, Any]) -> Exception:
    setattr(exc, "ivs_error", error)
    return exc


def max_attempts_reached(attempts: int, retryable: bool, retry: Optional[RetrySemantics]) -> bool:
    """botocore's MaxAttemptsReached: in standard and adaptive mode set whenever the last attempt
    was the last one allowed (successes included); in legacy mode only for retryable errors."""
    if retry is None:
        return False
    mode, limit = retry
    return attempts >= limit and (mode != "legacy" or retryable)


def error_from(status: int, doc: Optional[Dict[str, Any]], operation_name: Optional[str],
               service_model: Optional[model.ServiceModel], endpoint_url: Optional[str] = None,
               retry: Optional[RetrySemantics] = None, profile: Optional[str] = None) -> Exception:
    """The exception for a failed libivs call: status and its error JSON. retry is (mode, max
    attempts) for botocore's MaxAttemptsReached; profile names the profile a ProfileNotFound is about."""
    doc = doc or {}
    error: Dict[str, Any] = doc.get("error") or {}
    kind = error.get("kind") or _lib.STATUS_KINDS.get(status, "internal")
    code: str = error.get("code") or ""
    message: str = error.get("message") or ""
    fields: Dict[str, Any] = error.get("fields") or {}
    if kind == "service":
        attempts = int(error.get("attempts") or 1)
        answered = doc.get("ResponseMetadata") or {}
        metadata = {"RequestId": answered.get("RequestId", error.get("requestId") or ""),
                    "HTTPStatusCode": answered.get("HTTPStatusCode", error.get("httpStatus")),
                    "HTTPHeaders": answered.get("HTTPHeaders", {}),
                    "RetryAttempts": answered.get("RetryAttempts", attempts - 1)}
        if max_attempts_reached(attempts, bool(error.get("retryable")), retry):
            metadata["MaxAttemptsReached"] = True
        response: Dict[str, Any] = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": metadata}
        # botocore puts the modeled error's members beside Error, "message" included when modeled.
        members = service_model.members(code) if service_model is not None else {}
        for name in ("message", "Message"):
            if name in members and name not in fields:
                response[name] = message
        response.update(fields)
        cls = exceptions.client_exceptions(service_model).from_code(code) if service_model else exceptions.ClientError
        return _attach(cls(response, operation_name or ""), error)
    if kind in ("validation", "invalid_argument"):
        problems = fields.get("problems") or []
        if problems:
            report = "\n".join(f"{p.get('problem')}" if not p.get("path") or p.get("path") in p.get("problem", "")
                               else f"{p.get('path')}: {p.get('problem')}" for p in problems)
        else:
            report = message
        return _attach(exceptions.ParamValidationError(report=report, problems=problems), error)
    if kind == "credentials":
        return _attach(exceptions.NoCredentialsError(), error)
    if kind == "network":
        url = endpoint_url or ""
        if code == "ConnectTimeoutError":
            return _attach(exceptions.ConnectTimeoutError(endpoint_url=url, error=message), error)
        if code == "ReadTimeoutError":
            return _attach(exceptions.ReadTimeoutError(endpoint_url=url, error=message), error)
        if code == "SSLError":
            return _attach(exceptions.SSLError(endpoint_url=url, error=message), error)
        if code == "ConnectionClosedError":
            return _attach(exceptions.ConnectionClosedError(endpoint_url=url), error)
        if code == "EndpointConnectionError":
            return _attach(exceptions.EndpointConnectionError(endpoint_url=url, error=message), error)
        return _attach(exceptions.HTTPClientError(error=message), error)
    if kind == "config":
        if code == "NoRegionError":
            return _attach(exceptions.NoRegionError(), error)
        if code == "ProfileNotFound":
            return _attach(exceptions.ProfileNotFound(profile=profile or ""), error)
        return _attach(exceptions.InvalidConfigError(error_msg=message), error)
    return _attach(exceptions.IVSInternalError(error_msg=message or code), error)


class NativeClient:
    """A libivs client handle shared by the threads of one Python client (or a Session). close()
    frees it once no call is using it, so closing never pulls the handle from under a running call."""

    def __init__(self, config_json: Dict[str, Any]) -> None:
        lib = _lib.lib()
        handle, err = ctypes.c_void_p(), ctypes.c_void_p()
        status = lib.ivs_client_new(json.dumps(config_json).encode("utf-8"), ctypes.byref(handle), ctypes.byref(err))
        text = _lib.take_string(err.value)
        if status != _lib.OK:
            raise error_from(status, json.loads(text) if text else None, None, None,
                             profile=config_json.get("profile"))
        self.handle: int = handle.value or 0
        self._lock = threading.Lock()
        self._users = 0
        self._closed = False
        self._finalizer = weakref.finalize(self, lib.ivs_client_free, self.handle)

    def acquire(self) -> int:
        with self._lock:
            if self._closed:
                raise exceptions.InvalidConfigError(error_msg="the client has been closed")
            self._users += 1
        return self.handle

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            free = self._closed and self._users == 0
        if free:
            self._finalizer()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            free = self._users == 0
        if free:
            self._finalizer()

    def _query(self, fn_name: str) -> Tuple[int, Any]:
        handle = self.acquire()
        try:
            return _lib.invoke(getattr(_lib.lib(), fn_name), handle)
        finally:
            self.release()

    def config(self) -> Dict[str, Any]:
        """What libivs resolved for this client (ivs_client_config): never a secret."""
        status, doc = self._query("ivs_client_config")
        if status != _lib.OK:
            raise error_from(status, doc, None, None)
        resolved: Dict[str, Any] = doc
        return resolved

    def credentials(self) -> Optional[Dict[str, Any]]:
        """The client's current credentials (ivs_client_credentials), or None when there are none."""
        status, doc = self._query("ivs_client_credentials")
        if status == 4:  # IVS_E_CREDENTIALS: boto3's get_credentials() returns None
            return None
        if status != _lib.OK:
            raise error_from(status, doc, None, None)
        found: Dict[str, Any] = doc
        return found


class HTTPResponse:
    """The HTTP response event handlers see (after-call's http_response, needs-retry's response):
    libivs parses the body, so there is no raw body here, only the status, headers and URL."""

    def __init__(self, url: str, status_code: int, headers: Dict[str, str]) -> None:
        self.url = url
        self.status_code = status_code
        self.headers = headers
        self.raw = None

    def __repr__(self) -> str:
        return f"<HTTPResponse {self.status_code} {self.url}>"


class ClientMeta:
    """client.meta, as botocore's: region_name, endpoint_url, config, partition,
    method_to_api_mapping, events and service_model (botocore.model.ServiceModel when botocore is
    importable, built on first use; else ivs's own model with the same questions answered)."""

    def __init__(self, internal_model: model.ServiceModel, region_name: Optional[str], endpoint_url: Optional[str],
                 config: Config, method_to_api_mapping: Dict[str, str], partition: str) -> None:
        self._internal_model = internal_model
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.config = config
        self.method_to_api_mapping = method_to_api_mapping
        self.partition = partition
        self.events = EventHooks()

    @property
    def service_model(self) -> Any:
        if _botocore_bases.BOTOCORE:
            return model.botocore_service_model(self._internal_model.name)
        return self._internal_model


def _first(responses: List[Tuple[Callable[..., Any], Any]], default: Any) -> Any:
    return first_non_none_response(responses, default)


class BaseClient:
    """Common behaviour of every service client; the per-service subclasses add one method per operation."""

    _service_model: model.ServiceModel  # set on each generated subclass

    def __init__(self, native: NativeClient, *, region_name: Optional[str], endpoint_url: Optional[str],
                 config: Config, retry: RetrySemantics, partition: str = "aws") -> None:
        self._native = native
        self._retry = retry
        sm = self._service_model
        self._service_bytes = sm.name.encode("utf-8")
        self.meta = ClientMeta(sm, region_name, endpoint_url, config,
                               {op.snake_name: op.name for op in sm.operations.values()}, partition)
        self.exceptions = exceptions.client_exceptions(sm)
        self._call_fn = _lib.lib().ivs_call

    def _make_api_call(self, operation_name: str, api_params: Dict[str, Any]) -> Dict[str, Any]:
        """Calls an operation by API name (or snake_case name) with boto3-style parameters."""
        sm = self._service_model
        op = sm.by_api_name.get(operation_name) or sm.operations.get(operation_name)
        if op is None:
            raise exceptions.UnknownClientMethodError(method_name=operation_name)
        return self._call(op, api_params)

    def _send(self, op: model.Operation, body: bytes) -> Tuple[int, Any]:
        handle = self._native.acquire()
        try:
            return _lib.invoke(self._call_fn, handle, self._service_bytes, op.name_bytes, body)
        finally:
            self._native.release()

    def _output(self, op: model.Operation, doc: Dict[str, Any]) -> Dict[str, Any]:
        meta = doc.get("ResponseMetadata")
        if meta is not None and max_attempts_reached(meta.get("RetryAttempts", 0) + 1, False, self._retry):
            meta["MaxAttemptsReached"] = True
        if op.convert_output is not None:
            op.convert_output(doc)
        return doc

    def _call(self, op: model.Operation, api_params: Dict[str, Any]) -> Dict[str, Any]:
        if self.meta.events:
            return self._call_with_events(op, api_params)
        status, doc = self._send(op, encode_input(api_params))
        if status != _lib.OK:
            raise self._error(status, doc, op, api_params)
        return self._output(op, doc)

    def _error(self, status: int, doc: Any, op: model.Operation, api_params: Dict[str, Any]) -> Exception:
        url = self.meta.endpoint_url
        if status == 5:  # IVS_E_NETWORK: botocore names the request's URL
            url = request_url(url, op, api_params, self._service_model)
        return error_from(status, doc, op.name, self._service_model, url, self._retry)

    def _call_with_events(self, op: model.Operation, api_params: Dict[str, Any]) -> Dict[str, Any]:
        """A call with botocore's events: provide-client-params, before-parameter-build, before-call
        (a handler that answers, such as botocore's Stubber, replaces the request), needs-retry (once
        libivs's own attempts are done; a number of seconds asks for the call again), then after-call
        (or after-call-error for an error that is not the service's)."""
        events = self.meta.events
        suffix = f"{self._service_model.event_service_id}.{op.name}"
        op_model = self.meta.service_model.operation_model(op.name)
        context: Dict[str, Any] = {"client_region": self.meta.region_name, "client_config": self.meta.config,
                                   "has_streaming_input": False, "auth_type": None}
        api_params = _first(events.emit(f"provide-client-params.{suffix}", params=api_params, model=op_model,
                                        context=context), api_params)
        events.emit(f"before-parameter-build.{suffix}", params=api_params, model=op_model, context=context)
        body = encode_input(api_params)
        path = op.http.get("requestUri", "/")
        url = (self.meta.endpoint_url or "") + path
        request_dict: Dict[str, Any] = {"url_path": path, "query_string": {}, "method": op.http.get("method", "POST"),
                        "headers": {}, "body": body, "url": url, "context": context}
        if events.handlers_for(f"before-call.{suffix}"):
            # botocore validates before before-call; a handler's answer replaces libivs's call, so
            # the input is checked here, as botocore checks it.
            self._validate_locally(op_model, api_params)
            _, answer = events.emit_until_response(f"before-call.{suffix}", model=op_model, params=request_dict,
                                                   request_signer=None, context=context)
            if answer is not None:
                http, answered = answer
                events.emit(f"after-call.{suffix}", http_response=http, parsed=answered, model=op_model,
                            context=context)
                if http.status_code >= 300:
                    code = context.get("error_code_override") or answered.get("Error", {}).get("Code")
                    raise self.exceptions.from_code(code)(answered, op.name)
                result: Dict[str, Any] = answered
                return result
        limit = max(self._retry[1], 1)
        attempts = 0
        for call in range(1, limit + 1):  # needs-retry repeats a call at most maxAttempts times in all
            status, doc = self._send(op, body)
            error: Optional[Exception] = None
            http_response: Optional[HTTPResponse] = None
            parsed: Optional[Dict[str, Any]] = None
            if status == _lib.OK:
                parsed = self._output(op, doc)
                meta = parsed.get("ResponseMetadata", {})
            else:
                error = self._error(status, doc, op, api_params)
                meta = error.response["ResponseMetadata"] if isinstance(error, exceptions.ClientError) else {}
                if isinstance(error, exceptions.ClientError):
                    parsed = error.response
            if parsed is not None:
                http_response = HTTPResponse(url, int(meta.get("HTTPStatusCode") or 0),
                                             meta.get("HTTPHeaders") or {})
            attempts += int(meta.get("RetryAttempts", (doc or {}).get("error", {}).get("attempts", 1) - 1)) + 1
            if events.handlers_for(f"needs-retry.{suffix}"):
                delay = _first(events.emit(
                    f"needs-retry.{suffix}", response=(http_response, parsed) if http_response is not None else None,
                    endpoint=None, operation=op_model, attempts=attempts,
                    caught_exception=None if http_response is not None else error, request_dict=request_dict), None)
                if delay is not None and call < limit:
                    time.sleep(float(delay))
                    continue
            break
        if http_response is not None:
            events.emit(f"after-call.{suffix}", http_response=http_response, parsed=parsed, model=op_model,
                        context=context)
        else:
            events.emit(f"after-call-error.{suffix}", exception=error, context=context)
        if error is not None:
            raise error
        assert parsed is not None
        return parsed

    def _validate_locally(self, op_model: Any, api_params: Dict[str, Any]) -> None:
        """botocore's ParamValidator, for a call a before-call handler may answer (when botocore is
        importable and validation is not off): libivs validates only the calls it sends."""
        if not _botocore_bases.BOTOCORE or not getattr(op_model, "input_shape", None):
            return
        config = self.meta.config
        if config.parameter_validation is False or config.validation == "off":
            return
        from botocore.validate import ParamValidator  # type: ignore[import-untyped,unused-ignore]
        report = ParamValidator().validate(api_params, op_model.input_shape)
        if report.has_errors():
            raise exceptions.ParamValidationError(report=report.generate_report())

    def can_paginate(self, operation_name: str) -> bool:
        """Whether get_paginator(operation_name) works. An unknown name is a KeyError, as in boto3."""
        op = self._service_model.operations.get(operation_name)
        if op is None:
            raise KeyError(operation_name)
        return bool(op.paginator)

    def get_paginator(self, operation_name: str) -> "Paginator":
        from .paginate import Paginator
        if not self.can_paginate(operation_name):
            raise exceptions.OperationNotPageableError(operation_name=operation_name)
        return Paginator(getattr(self, operation_name), self._service_model.operations[operation_name],
                         self._service_model)

    def get_waiter(self, waiter_name: str) -> Any:
        raise ValueError("Waiter does not exist: %s" % waiter_name)

    @property
    def waiter_names(self) -> List[str]:
        return []

    def close(self) -> None:
        """Releases the native client and its connections (after any call still running)."""
        self._native.close()

    def __enter__(self) -> "BaseClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _make_method(op: model.Operation, sm: model.ServiceModel) -> Callable[..., Dict[str, Any]]:
    def _api_call(self: BaseClient, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        if args:
            raise TypeError(f"{op.snake_name}() only accepts keyword arguments.")
        return self._call(op, kwargs)

    _api_call.__name__ = op.snake_name
    _api_call.__qualname__ = op.snake_name
    members = sm.members(op.input) if op.input else {}
    params = "\n".join(f"    {m}: {sm.shapes.get(ms['shape'], {}).get('type', '?')}"
                       f"{' (required)' if ms.get('required') else ''}" for m, ms in members.items())
    _api_call.__doc__ = f"{sm.name} {op.name}.\n\nKeyword arguments:\n{params or '    (none)'}\n"
    return _api_call


CLIENT_CLASS_NAMES = {"ivs": "IVSClient", "ivs-realtime": "IVSRealtimeClient", "ivschat": "IVSChatClient"}
_classes: Dict[str, Type[BaseClient]] = {}
_classes_lock = threading.Lock()


def client_class(service_name: str) -> Type[BaseClient]:
    """The client class of a service, built once per process from ivs_describe."""
    cls = _classes.get(service_name)
    if cls is not None:
        return cls
    with _classes_lock:
        cls = _classes.get(service_name)
        if cls is None:
            sm = model.service_model(service_name)
            attrs: Dict[str, Any] = {op.snake_name: _make_method(op, sm) for op in sm.operations.values()}
            attrs["_service_model"] = sm
            name = CLIENT_CLASS_NAMES.get(service_name) or (sm.service_id.replace(" ", "") + "Client")
            cls = type(name, (BaseClient,), attrs)
            _classes[service_name] = cls
    return cls


def _meta_config(config: Optional[Config], resolved: Dict[str, Any], retry: RetrySemantics) -> Config:
    """client.meta.config as boto3 holds it: the options given, with the region, the retry settings
    and the signature version the client uses."""
    options: Dict[str, Any] = dict(config._user_provided_options) if config is not None else {}
    options["region_name"] = resolved.get("region")
    # botocore's way: max_attempts becomes total_max_attempts, the mode goes last unless configured.
    retries = dict(options.get("retries") or {})
    if "total_max_attempts" in retries:
        retries.pop("max_attempts", None)
    else:
        retries.pop("max_attempts", None)
        retries["total_max_attempts"] = retry[1]
    retries.setdefault("mode", retry[0])
    options["retries"] = retries
    options["signature_version"] = UNSIGNED if resolved.get("signatureVersion") == "unsigned" else "v4"
    return Config(**options)


def create_client(service_name: str, region_name: Optional[str] = None, api_version: Optional[str] = None,
                  use_ssl: bool = True, verify: Union[bool, str, None] = None, endpoint_url: Optional[str] = None,
                  aws_access_key_id: Optional[str] = None, aws_secret_access_key: Optional[str] = None,
                  aws_session_token: Optional[str] = None, config: Any = None, aws_account_id: Optional[str] = None,
                  *, profile_name: Optional[str] = None, _dispatch: Optional[str] = None) -> BaseClient:
    """boto3.client's signature. api_version, use_ssl and aws_account_id are accepted and have no
    effect (libivs speaks the one API version it was built with, over HTTPS unless endpoint_url says
    http)."""
    services = model.available_services()
    if service_name not in services:
        raise exceptions.UnknownServiceError(service_name=service_name, known_service_names=", ".join(services))
    if config is not None and not isinstance(config, Config):
        # A botocore.config.Config works too: its user-provided options are read the same way.
        config = Config(**getattr(config, "_user_provided_options", {}))
    cls = client_class(service_name)
    config_json = client_config_json(region_name=region_name, endpoint_url=endpoint_url,
                                     aws_access_key_id=aws_access_key_id,
                                     aws_secret_access_key=aws_secret_access_key,
                                     aws_session_token=aws_session_token, verify=verify, config=config,
                                     profile_name=profile_name)
    if _dispatch is not None:  # ivs.aio: callbacks queued for the event loop (include/ivs.h, dispatch)
        config_json["dispatch"] = _dispatch
    native = NativeClient(config_json)
    resolved = native.config()
    # botocore's mode as configured (libivs runs "legacy" as standard); libivs's otherwise. libivs's
    # "off" is standard mode with one attempt to botocore.
    configured = ((config.retries if config is not None else None) or {}).get("mode")
    mode = configured or {"off": "standard"}.get(resolved["retryMode"], resolved["retryMode"])
    retry: RetrySemantics = (mode, int(resolved["maxAttempts"]))
    region = resolved.get("region")
    return cls(native, region_name=region, endpoint_url=resolved["endpoints"][service_name],
               config=_meta_config(config, resolved, retry), retry=retry, partition=model.partition_of(region))
