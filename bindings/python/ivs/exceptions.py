"""Exceptions with botocore's names, hierarchy, constructors and messages (botocore.exceptions), so
that `except botocore.exceptions.X` code ports as `except ivs.exceptions.X`.

How libivs error kinds map (see docs/python.md):
  service           -> ClientError, or the modeled subclass client.exceptions.<Code>
  validation        -> ParamValidationError (.problems: the list of {"path", "problem"})
  invalid_argument  -> ParamValidationError too (e.g. an input that is not JSON-serializable)
  credentials       -> NoCredentialsError
  network           -> EndpointConnectionError; ConnectTimeoutError / ReadTimeoutError for timeouts;
                       SSLError; ConnectionClosedError; HTTPClientError otherwise
  config            -> NoRegionError when no region is set, else InvalidConfigError
  internal          -> IVSInternalError
"""


def _exception_from_packed_args(exception_cls, args=None, kwargs=None):
    return exception_cls(*(args or ()), **(kwargs or {}))


class BotoCoreError(Exception):
    """The base of every non-service error (botocore.exceptions.BotoCoreError)."""

    fmt = "An unspecified error occurred"

    def __init__(self, **kwargs):
        msg = self.fmt.format(**kwargs)
        Exception.__init__(self, msg)
        self.kwargs = kwargs

    def __reduce__(self):
        return _exception_from_packed_args, (self.__class__, None, self.kwargs)


class DataNotFoundError(BotoCoreError):
    fmt = "Unable to load data for: {data_path}"


class UnknownServiceError(DataNotFoundError):
    fmt = "Unknown service: '{service_name}'. Valid service names are: {known_service_names}"


class HTTPClientError(BotoCoreError):
    fmt = "An HTTP Client raised an unhandled exception: {error}"

    def __init__(self, request=None, response=None, **kwargs):
        self.request = request
        self.response = response
        super().__init__(**kwargs)

    def __reduce__(self):
        return _exception_from_packed_args, (self.__class__, (self.request, self.response), self.kwargs)


class ConnectionError(BotoCoreError):  # noqa: A001 - botocore's name
    fmt = "An HTTP Client failed to establish a connection: {error}"


class EndpointConnectionError(ConnectionError):
    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class SSLError(ConnectionError):
    fmt = "SSL validation failed for {endpoint_url} {error}"


class ConnectionClosedError(HTTPClientError):
    fmt = 'Connection was closed before we received a valid response from endpoint URL: "{endpoint_url}".'


class ReadTimeoutError(HTTPClientError):
    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(ConnectionError):
    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class ProxyConnectionError(ConnectionError):
    fmt = 'Failed to connect to proxy URL: "{proxy_url}"'


class NoCredentialsError(BotoCoreError):
    fmt = "Unable to locate credentials"


class PartialCredentialsError(BotoCoreError):
    fmt = "Partial credentials found in {provider}, missing: {cred_var}"


class BaseEndpointResolverError(BotoCoreError):
    pass


class NoRegionError(BaseEndpointResolverError):
    fmt = "You must specify a region."


class ProfileNotFound(BotoCoreError):
    fmt = "The config profile ({profile}) could not be found"


class ParamValidationError(BotoCoreError):
    """Input that does not satisfy the operation's model; nothing was sent. .problems holds libivs's
    list of {"path", "problem"} (empty when raised by the binding itself)."""

    fmt = "Parameter validation failed:\n{report}"

    def __init__(self, problems=None, **kwargs):
        super().__init__(**kwargs)
        self.problems = list(problems or ())

    def __reduce__(self):
        return _exception_from_packed_args, (self.__class__, None, dict(self.kwargs, problems=self.problems))


class PaginationError(BotoCoreError):
    fmt = "Error during pagination: {message}"


class OperationNotPageableError(BotoCoreError):
    fmt = "Operation cannot be paginated: {operation_name}"


class InvalidConfigError(BotoCoreError):
    fmt = "{error_msg}"


class InvalidRetryConfigurationError(BotoCoreError):
    fmt = ('Cannot provide retry configuration for "{retry_config_option}". '
           "Valid retry configuration options are: {valid_options}")


class InvalidMaxRetryAttemptsError(InvalidRetryConfigurationError):
    fmt = 'Value provided to "max_attempts": {provided_max_attempts} must be an integer greater than or equal to {min_value}.'


class InvalidRetryModeError(InvalidRetryConfigurationError):
    fmt = 'Invalid value provided to "mode": "{provided_retry_mode}" must be one of: {valid_modes}'


class UnknownClientMethodError(BotoCoreError):
    fmt = "Client does not have method: {method_name}"


class IVSInternalError(BotoCoreError):
    """libivs reported an internal error (a bug or out of memory)."""

    fmt = "libivs internal error: {error_msg}"


class ClientError(Exception):
    """The service answered with an error (botocore.exceptions.ClientError)."""

    MSG_TEMPLATE = "An error occurred ({error_code}) when calling the {operation_name} operation{retry_info}: {error_message}"

    def __init__(self, error_response, operation_name):
        retry_info = self._get_retry_info(error_response)
        error = error_response.get("Error", {})
        msg = self.MSG_TEMPLATE.format(error_code=error.get("Code", "Unknown"),
                                       error_message=error.get("Message", "Unknown"),
                                       operation_name=operation_name, retry_info=retry_info)
        super().__init__(msg)
        self.response = error_response
        self.operation_name = operation_name

    @staticmethod
    def _get_retry_info(response):
        metadata = response.get("ResponseMetadata", {})
        if metadata.get("MaxAttemptsReached", False) and "RetryAttempts" in metadata:
            return f" (reached max retries: {metadata['RetryAttempts']})"
        return ""

    def __reduce__(self):
        # Modeled subclasses are created at run time; pickle them as ClientError, as botocore does.
        return ClientError, (self.response, self.operation_name)


class BaseClientExceptions:
    """client.exceptions: one ClientError subclass per modeled error of the service."""

    ClientError = ClientError

    def __init__(self, code_to_exception):
        self._code_to_exception = code_to_exception

    def from_code(self, error_code):
        return self._code_to_exception.get(error_code, self.ClientError)

    def __getattr__(self, name):
        names = [cls.__name__ for cls in self._code_to_exception.values()]
        raise AttributeError(f"{self} object has no attribute {name}. Valid exceptions are: {', '.join(names)}")


_client_exceptions: dict = {}


def client_exceptions(service_model):
    """The client.exceptions object of a service, built once per process so that every client of a
    service raises (and catches) the same classes."""
    found = _client_exceptions.get(service_model.name)
    if found is not None:
        return found
    code_to_exception = {}
    attrs = {}
    for code in service_model.error_codes:
        cls = type(code, (ClientError,), {})
        code_to_exception[code] = cls
        attrs[code] = cls
    cls_name = service_model.service_id.replace(" ", "") + "Exceptions"
    exceptions_cls = type(cls_name, (BaseClientExceptions,), attrs)
    return _client_exceptions.setdefault(service_model.name, exceptions_cls(code_to_exception))


class InvalidTokenError(ParamValidationError):
    """ivs.tokens.verify(): the token is malformed, expired, not ES384 or not signed by the key."""

    fmt = "Invalid token: {report}"
