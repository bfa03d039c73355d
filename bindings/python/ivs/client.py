"""Clients with boto3's interface, built at run time from ivs_describe (never from hand-written lists).

A client owns one native libivs client (ivs_client_new); every method is one ivs_call. The class of
each service is created once per process; its methods, exceptions and paginators come from the model.
"""
import base64
import datetime
import json
import os
import threading
import weakref

from . import _lib, exceptions, model
from .config import Config, client_config_json


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return model.format_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat() + "T00:00:00Z"
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(type(value).__name__)


def _find_unserializable(value, path=""):
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


def encode_input(params):
    """The operation input as JSON bytes for the C ABI; datetimes become ISO 8601 UTC strings."""
    try:
        return json.dumps(params, default=_json_default, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        found = _find_unserializable(params) or ("input", params)
        report = f"Invalid type for parameter {found[0]}, value: {found[1]!r}, type: {type(found[1])}"
        raise exceptions.ParamValidationError(report=report,
                                              problems=[{"path": found[0], "problem": report}]) from None


def _attach(exc, error):
    exc.ivs_error = error
    return exc


def max_attempts_reached(attempts, retryable, retry):
    """botocore's MaxAttemptsReached: in standard and adaptive mode set whenever the last attempt
    was the last one allowed (successes included); in legacy mode only for retryable errors."""
    if retry is None:
        return False
    mode, limit = retry
    return attempts >= limit and (mode != "legacy" or retryable)


def error_from(status, doc, operation_name, service_model, endpoint_url=None, retry=None):
    """The exception for a failed libivs call: status and its error JSON. retry is (mode, max
    attempts) for botocore's MaxAttemptsReached."""
    error = (doc or {}).get("error") or {}
    kind = error.get("kind") or _lib.STATUS_KINDS.get(status, "internal")
    code = error.get("code") or ""
    message = error.get("message") or ""
    fields = error.get("fields") or {}
    if kind == "service":
        attempts = int(error.get("attempts") or 1)
        metadata = {"RequestId": error.get("requestId") or "", "HTTPStatusCode": error.get("httpStatus"),
                    "HTTPHeaders": {}, "RetryAttempts": attempts - 1}
        if max_attempts_reached(attempts, bool(error.get("retryable")), retry):
            metadata["MaxAttemptsReached"] = True
        response = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": metadata}
        # botocore puts the modeled error's members beside Error, "message" included when modeled.
        members = service_model.members(code) if service_model is not None else {}
        for name in ("message", "Message"):
            if name in members and name not in fields:
                response[name] = message
        response.update(fields)
        cls = exceptions.client_exceptions(service_model).from_code(code) if service_model else exceptions.ClientError
        return _attach(cls(response, operation_name), error)
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
        if code in ("EndpointConnectionError", "EndpointResolutionError"):
            return _attach(exceptions.EndpointConnectionError(endpoint_url=url, error=message), error)
        return _attach(exceptions.HTTPClientError(error=message), error)
    if kind == "config":
        if code == "NoRegionError":
            return _attach(exceptions.NoRegionError(), error)
        return _attach(exceptions.InvalidConfigError(error_msg=message), error)
    return _attach(exceptions.IVSInternalError(error_msg=message or code), error)


class _NativeClient:
    """A libivs client handle shared by the threads of one Python client. close() frees it once no
    call is using it, so closing never pulls the handle from under a running call."""

    def __init__(self, config_json):
        lib = _lib.lib()
        import ctypes
        handle, err = ctypes.c_void_p(), ctypes.c_void_p()
        status = lib.ivs_client_new(json.dumps(config_json).encode("utf-8"), ctypes.byref(handle), ctypes.byref(err))
        text = _lib.take_string(err.value)
        if status != _lib.OK:
            raise error_from(status, json.loads(text) if text else None, None, None)
        self.handle = handle.value
        self._lock = threading.Lock()
        self._users = 0
        self._closed = False
        self._finalizer = weakref.finalize(self, lib.ivs_client_free, self.handle)

    def acquire(self):
        with self._lock:
            if self._closed:
                raise exceptions.InvalidConfigError(error_msg="the client has been closed")
            self._users += 1
        return self.handle

    def release(self):
        with self._lock:
            self._users -= 1
            free = self._closed and self._users == 0
        if free:
            self._finalizer()

    def close(self):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            free = self._users == 0
        if free:
            self._finalizer()


class ClientMeta:
    """client.meta, as botocore's (the parts that make sense without botocore)."""

    def __init__(self, service_model, region_name, endpoint_url, config, method_to_api_mapping):
        self.service_model = service_model
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.config = config
        self.method_to_api_mapping = method_to_api_mapping
        self.partition = "aws"


class BaseClient:
    """Common behaviour of every service client; the per-service subclasses add one method per operation."""

    _service_model = None  # set on each generated subclass

    def __init__(self, native, *, region_name, endpoint_url, config, retry):
        self._native = native
        self._retry = retry
        sm = self._service_model
        self._service_bytes = sm.name.encode("utf-8")
        self.meta = ClientMeta(sm, region_name, endpoint_url, config,
                               {op.snake_name: op.name for op in sm.operations.values()})
        self.exceptions = exceptions.client_exceptions(sm)
        self._call_fn = _lib.lib().ivs_call

    def _make_api_call(self, operation_name, api_params):
        """Calls an operation by API name (or snake_case name) with boto3-style parameters."""
        sm = self._service_model
        op = sm.by_api_name.get(operation_name) or sm.operations.get(operation_name)
        if op is None:
            raise exceptions.UnknownClientMethodError(method_name=operation_name)
        return self._call(op, api_params)

    def _call(self, op, api_params):
        sm = self._service_model
        body = encode_input(api_params)
        handle = self._native.acquire()
        try:
            status, doc = _lib.invoke(self._call_fn, handle, self._service_bytes, op.name_bytes, body)
        finally:
            self._native.release()
        if status != _lib.OK:
            raise error_from(status, doc, op.name, sm, self.meta.endpoint_url, self._retry)
        meta = doc.get("ResponseMetadata")
        if meta is not None and max_attempts_reached(meta.get("RetryAttempts", 0) + 1, False, self._retry):
            meta["MaxAttemptsReached"] = True
        if op.convert_output is not None:
            op.convert_output(doc)
        return doc

    def can_paginate(self, operation_name):
        op = self._service_model.operations.get(operation_name)
        return bool(op is not None and op.paginator)

    def get_paginator(self, operation_name):
        from .paginate import Paginator
        if not self.can_paginate(operation_name):
            raise exceptions.OperationNotPageableError(operation_name=operation_name)
        return Paginator(getattr(self, operation_name), self._service_model.operations[operation_name],
                         self._service_model)

    def get_waiter(self, waiter_name):
        raise ValueError("Waiter does not exist: %s" % waiter_name)

    @property
    def waiter_names(self):
        return []

    def close(self):
        """Releases the native client and its connections (after any call still running)."""
        self._native.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()



def _make_method(op, sm):
    def _api_call(self, *args, **kwargs):
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
_classes: dict = {}
_classes_lock = threading.Lock()


def client_class(service_name):
    """The client class of a service, built once per process from ivs_describe."""
    cls = _classes.get(service_name)
    if cls is not None:
        return cls
    with _classes_lock:
        cls = _classes.get(service_name)
        if cls is None:
            sm = model.service_model(service_name)
            attrs = {op.snake_name: _make_method(op, sm) for op in sm.operations.values()}
            attrs["_service_model"] = sm
            name = CLIENT_CLASS_NAMES.get(service_name) or (sm.service_id.replace(" ", "") + "Client")
            cls = type(name, (BaseClient,), attrs)
            _classes[service_name] = cls
    return cls


def _retry_semantics(config_json, config):
    """(botocore retry mode, attempts libivs makes) for MaxAttemptsReached. botocore's mode is the
    configured one, else AWS_RETRY_MODE, else legacy."""
    retries = (config._user_provided_options.get("retries") if config is not None else None) or {}
    mode = retries.get("mode") or os.environ.get("AWS_RETRY_MODE") or "legacy"
    if "maxAttempts" in config_json:
        limit = config_json["maxAttempts"]
    else:
        env = os.environ.get("AWS_MAX_ATTEMPTS")
        limit = int(env) if env and env.isdigit() else 3
    return mode, limit


def create_client(service_name, region_name=None, api_version=None, use_ssl=True, verify=None,
                  endpoint_url=None, aws_access_key_id=None, aws_secret_access_key=None,
                  aws_session_token=None, config=None, aws_account_id=None, *, profile_name=None):
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
    native = _NativeClient(config_json)
    region = config_json.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    sm = cls._service_model
    url = endpoint_url or (f"https://{sm.endpoint_prefix}.{region}.amazonaws.com" if region else None)
    return cls(native, region_name=region, endpoint_url=url, config=config or Config(),
               retry=_retry_semantics(config_json, config))
