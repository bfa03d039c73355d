"""Exceptions with botocore's names, hierarchy, constructors and messages (botocore.exceptions).

When botocore is importable, every class here also derives from botocore's class of the same name, so
`except botocore.exceptions.ClientError` (or BotoCoreError, ParamValidationError, ...) catches what
ivs raises; without botocore these classes stand alone. `except ivs.exceptions.X` works either way.

How libivs error kinds map (see docs/python.md):
  service           -> ClientError, or the modeled subclass client.exceptions.<Code>
  validation        -> ParamValidationError (.problems: the list of {"path", "problem"})
  invalid_argument  -> ParamValidationError too (e.g. an input that is not JSON-serializable)
  credentials       -> NoCredentialsError
  network           -> EndpointConnectionError; ConnectTimeoutError / ReadTimeoutError for timeouts;
                       SSLError; ConnectionClosedError; HTTPClientError otherwise
  config            -> ProfileNotFound, NoRegionError, else InvalidConfigError
  internal          -> IVSInternalError
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple, Type

from . import _botocore_bases as _bc

if TYPE_CHECKING:
    from .model import ServiceModel


def _exception_from_packed_args(exception_cls: Type[BaseException], args: Optional[Iterable[Any]] = None,
                                kwargs: Optional[Mapping[str, Any]] = None) -> BaseException:
    return exception_cls(*(args or ()), **(kwargs or {}))


class BotoCoreError(_bc.BotoCoreError, Exception):
    """The base of every non-service error (botocore.exceptions.BotoCoreError)."""

    fmt = "An unspecified error occurred"
    kwargs: Dict[str, Any]

    def __init__(self, **kwargs: Any) -> None:
        msg = self.fmt.format(**kwargs)
        Exception.__init__(self, msg)
        self.kwargs = kwargs

    def __reduce__(self) -> Tuple[Any, ...]:
        return _exception_from_packed_args, (self.__class__, None, self.kwargs)


class DataNotFoundError(BotoCoreError, _bc.DataNotFoundError):
    fmt = "Unable to load data for: {data_path}"


class UnknownServiceError(DataNotFoundError, _bc.UnknownServiceError):
    fmt = "Unknown service: '{service_name}'. Valid service names are: {known_service_names}"


class HTTPClientError(BotoCoreError, _bc.HTTPClientError):
    fmt = "An HTTP Client raised an unhandled exception: {error}"

    def __init__(self, request: Any = None, response: Any = None, **kwargs: Any) -> None:
        self.request = request
        self.response = response
        super().__init__(**kwargs)

    def __reduce__(self) -> Tuple[Any, ...]:
        return _exception_from_packed_args, (self.__class__, (self.request, self.response), self.kwargs)


class ConnectionError(BotoCoreError, _bc.ConnectionError):  # noqa: A001 - botocore's name
    fmt = "An HTTP Client failed to establish a connection: {error}"


class EndpointConnectionError(ConnectionError, _bc.EndpointConnectionError):
    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class SSLError(ConnectionError, _bc.SSLError):
    fmt = "SSL validation failed for {endpoint_url} {error}"


class ConnectionClosedError(HTTPClientError, _bc.ConnectionClosedError):
    fmt = 'Connection was closed before we received a valid response from endpoint URL: "{endpoint_url}".'


class ReadTimeoutError(HTTPClientError, _bc.ReadTimeoutError):
    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(ConnectionError, _bc.ConnectTimeoutError):
    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class ProxyConnectionError(ConnectionError, _bc.ProxyConnectionError):
    fmt = 'Failed to connect to proxy URL: "{proxy_url}"'


class NoCredentialsError(BotoCoreError, _bc.NoCredentialsError):
    fmt = "Unable to locate credentials"


class PartialCredentialsError(BotoCoreError, _bc.PartialCredentialsError):
    fmt = "Partial credentials found in {provider}, missing: {cred_var}"


class BaseEndpointResolverError(BotoCoreError, _bc.BaseEndpointResolverError):
    pass


class NoRegionError(BaseEndpointResolverError, _bc.NoRegionError):
    fmt = "You must specify a region."


class ProfileNotFound(BotoCoreError, _bc.ProfileNotFound):
    fmt = "The config profile ({profile}) could not be found"


class ParamValidationError(BotoCoreError, _bc.ParamValidationError):
    """Input that does not satisfy the operation's model; nothing was sent. .problems holds libivs's
    list of {"path", "problem"} (empty when raised by the binding itself)."""

    fmt = "Parameter validation failed:\n{report}"

    def __init__(self, problems: Optional[Iterable[Dict[str, str]]] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems: List[Dict[str, str]] = list(problems or ())

    def __reduce__(self) -> Tuple[Any, ...]:
        return _exception_from_packed_args, (self.__class__, None, dict(self.kwargs, problems=self.problems))


class PaginationError(BotoCoreError, _bc.PaginationError):
    fmt = "Error during pagination: {message}"


class OperationNotPageableError(BotoCoreError, _bc.OperationNotPageableError):
    fmt = "Operation cannot be paginated: {operation_name}"


class InvalidConfigError(BotoCoreError, _bc.InvalidConfigError):
    fmt = "{error_msg}"


class InvalidRetryConfigurationError(BotoCoreError, _bc.InvalidRetryConfigurationError):
    fmt = ('Cannot provide retry configuration for "{retry_config_option}". '
           "Valid retry configuration options are: {valid_options}")


class InvalidMaxRetryAttemptsError(InvalidRetryConfigurationError, _bc.InvalidMaxRetryAttemptsError):
    fmt = 'Value provided to "max_attempts": {provided_max_attempts} must be an integer greater than or equal to {min_value}.'


class InvalidRetryModeError(InvalidRetryConfigurationError, _bc.InvalidRetryModeError):
    fmt = 'Invalid value provided to "mode": "{provided_retry_mode}" must be one of: {valid_modes}'


class UnknownClientMethodError(BotoCoreError, _bc.UnknownClientMethodError):
    fmt = "Client does not have method: {method_name}"


class IVSInternalError(BotoCoreError):
    """libivs reported an internal error (a bug or out of memory)."""

    fmt = "libivs internal error: {error_msg}"


class UnknownSignatureVersionError(BotoCoreError, _bc.UnknownSignatureVersionError):
    fmt = "Unknown Signature Version: {signature_version}."


class ClientError(_bc.ClientError, Exception):
    """The service answered with an error (botocore.exceptions.ClientError). response is the error
    response as botocore builds it: Error (Code, Message), ResponseMetadata and the modeled error's
    members."""

    MSG_TEMPLATE = "An error occurred ({error_code}) when calling the {operation_name} operation{retry_info}: {error_message}"
    response: Dict[str, Any]
    operation_name: str

    def __init__(self, error_response: Dict[str, Any], operation_name: str) -> None:
        retry_info = self._get_retry_info(error_response)
        error = error_response.get("Error", {})
        msg = self.MSG_TEMPLATE.format(error_code=error.get("Code", "Unknown"),
                                       error_message=error.get("Message", "Unknown"),
                                       operation_name=operation_name, retry_info=retry_info)
        Exception.__init__(self, msg)
        self.response = error_response
        self.operation_name = operation_name

    @staticmethod
    def _get_retry_info(response: Mapping[str, Any]) -> str:
        metadata = response.get("ResponseMetadata", {})
        if metadata.get("MaxAttemptsReached", False) and "RetryAttempts" in metadata:
            return f" (reached max retries: {metadata['RetryAttempts']})"
        return ""

    def __reduce__(self) -> Tuple[Any, ...]:
        # Modeled subclasses are created at run time; pickle them as ClientError, as botocore does.
        return ClientError, (self.response, self.operation_name)


class BaseClientExceptions:
    """client.exceptions: one ClientError subclass per modeled error of the service."""

    ClientError: Type[ClientError] = ClientError

    def __init__(self, code_to_exception: Dict[str, Type["_ClientError"]]) -> None:
        self._code_to_exception = code_to_exception

    def from_code(self, error_code: str) -> Type["_ClientError"]:
        return self._code_to_exception.get(error_code, self.ClientError)

    if not TYPE_CHECKING:  # type checkers know each client's exceptions from the stubs
        def __getattr__(self, name):
            names = [cls.__name__ for cls in self._code_to_exception.values()]
            raise AttributeError(f"{self} object has no attribute {name}. Valid exceptions are: {', '.join(names)}")


_ClientError = ClientError  # the class, where BaseClientExceptions.ClientError would shadow it
_client_exceptions: Dict[str, BaseClientExceptions] = {}
_client_exceptions_lock = threading.Lock()


def client_exceptions(service_model: ServiceModel) -> BaseClientExceptions:
    """The client.exceptions object of a service, built once per process so that every client of a
    service raises (and catches) the same classes."""
    found = _client_exceptions.get(service_model.name)
    if found is not None:
        return found
    with _client_exceptions_lock:
        found = _client_exceptions.get(service_model.name)
        if found is None:
            code_to_exception: Dict[str, Type[ClientError]] = {}
            for code in service_model.error_codes:
                code_to_exception[code] = type(code, (ClientError,), {"__module__": "ivs.exceptions"})
            cls_name = service_model.service_id.replace(" ", "") + "Exceptions"
            exceptions_cls = type(cls_name, (BaseClientExceptions,), dict(code_to_exception))
            found = _client_exceptions[service_model.name] = exceptions_cls(code_to_exception)
    return found


class InvalidTokenError(ParamValidationError):
    """ivs.tokens.verify(): the token is malformed, expired, not ES384 or not signed by the key."""

    fmt = "Invalid token: {report}"
