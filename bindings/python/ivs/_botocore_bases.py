"""The botocore.exceptions classes that ivs's exceptions also derive from, so that code written for
boto3 (`except botocore.exceptions.ClientError`) catches what ivs raises.

When botocore is importable these names are botocore's own classes; without it they are the empty
stand-ins below, which add nothing, and ivs's classes stand alone. Type checkers see the stand-ins:
the types of ivs's exceptions do not depend on whether botocore is installed.
"""
from typing import TYPE_CHECKING

# ruff: noqa: E701


class BotoCoreError: pass
class DataNotFoundError: pass
class UnknownServiceError: pass
class HTTPClientError: pass
class ConnectionError: pass  # noqa: A001 - botocore's name
class EndpointConnectionError: pass
class SSLError: pass
class ConnectionClosedError: pass
class ReadTimeoutError: pass
class ConnectTimeoutError: pass
class ProxyConnectionError: pass
class NoCredentialsError: pass
class PartialCredentialsError: pass
class BaseEndpointResolverError: pass
class NoRegionError: pass
class ProfileNotFound: pass
class ParamValidationError: pass
class PaginationError: pass
class OperationNotPageableError: pass
class InvalidConfigError: pass
class InvalidRetryConfigurationError: pass
class InvalidMaxRetryAttemptsError: pass
class InvalidRetryModeError: pass
class UnknownClientMethodError: pass
class UnknownSignatureVersionError: pass
class ClientError: pass


BOTOCORE = False
if not TYPE_CHECKING:
    try:
        from botocore.exceptions import (  # noqa: F811 - botocore's classes replace the stand-ins
            BaseEndpointResolverError, BotoCoreError, ClientError, ConnectionClosedError, ConnectionError,
            ConnectTimeoutError, DataNotFoundError, EndpointConnectionError, HTTPClientError,
            InvalidConfigError, InvalidMaxRetryAttemptsError, InvalidRetryConfigurationError,
            InvalidRetryModeError, NoCredentialsError, NoRegionError, OperationNotPageableError,
            PaginationError, ParamValidationError, PartialCredentialsError, ProfileNotFound,
            ProxyConnectionError, ReadTimeoutError, SSLError, UnknownClientMethodError,
            UnknownServiceError, UnknownSignatureVersionError)
        BOTOCORE = True
    except ImportError:
        pass
