"""ivs.Config: botocore.config.Config's interface, translated into libivs's client configuration JSON.

Options libivs acts on: region_name, signature_version (UNSIGNED sends unsigned requests),
connect_timeout, read_timeout (libivs's whole-request timeout, where botocore's is per socket read),
parameter_validation, proxies, user_agent_extra, use_dualstack_endpoint, use_fips_endpoint, retries
(max_attempts, total_max_attempts, mode), and validation, which botocore does not have: "botocore"
(the default: what botocore checks), "on" (maximums too), "strict" (enums and patterns too) or "off".
botocore's other options are accepted, so that existing Config(...) lines keep working, and have no
effect (libivs pools its own connections).
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Tuple, Union

from . import exceptions

if TYPE_CHECKING:
    from typing_extensions import Literal, TypedDict, Unpack

    class RetriesDict(TypedDict, total=False):
        mode: Literal["legacy", "standard", "adaptive"]
        max_attempts: int
        total_max_attempts: int

    class ConfigOptions(TypedDict, total=False):
        region_name: Optional[str]
        signature_version: object
        user_agent: Optional[str]
        user_agent_extra: Optional[str]
        user_agent_appid: Optional[str]
        connect_timeout: Union[int, float, None]
        read_timeout: Union[int, float, None]
        parameter_validation: bool
        max_pool_connections: int
        proxies: Optional[Mapping[str, str]]
        proxies_config: Optional[Mapping[str, Any]]
        s3: Optional[Mapping[str, Any]]
        s3_disable_express_session_auth: Optional[bool]
        retries: Optional[RetriesDict]
        client_cert: Union[str, Tuple[str, str], None]
        inject_host_prefix: bool
        endpoint_discovery_enabled: Optional[bool]
        use_dualstack_endpoint: Optional[bool]
        use_fips_endpoint: Optional[bool]
        ignore_configured_endpoint_urls: Optional[bool]
        defaults_mode: Optional[str]
        tcp_keepalive: Optional[bool]
        request_min_compression_size_bytes: Optional[int]
        disable_request_compression: Optional[bool]
        client_context_params: Optional[Mapping[str, Any]]
        sigv4a_signing_region_set: Optional[str]
        request_checksum_calculation: Optional[str]
        response_checksum_validation: Optional[str]
        account_id_endpoint_mode: Optional[str]
        auth_scheme_preference: Optional[str]
        validation: Literal["botocore", "on", "strict", "off"]


class _Unsigned:
    """The value of signature_version that sends requests unsigned (botocore.UNSIGNED)."""

    def __copy__(self) -> "_Unsigned":
        return self

    def __deepcopy__(self, memo: Any) -> "_Unsigned":
        return self

    def __repr__(self) -> str:
        return "UNSIGNED"


UNSIGNED: object = _Unsigned()
try:  # botocore's sentinel, when there is one, so that `from botocore import UNSIGNED` works too
    from botocore import UNSIGNED  # type: ignore[import-untyped,unused-ignore,no-redef]
except ImportError:  # pragma: no cover - botocore is optional
    pass

OPTION_DEFAULTS: Dict[str, Any] = {
    "region_name": None, "signature_version": None, "user_agent": None, "user_agent_extra": None,
    "user_agent_appid": None, "connect_timeout": 60, "read_timeout": 60, "parameter_validation": True,
    "max_pool_connections": 10, "proxies": None, "proxies_config": None, "s3": None,
    "s3_disable_express_session_auth": None, "retries": None, "client_cert": None,
    "inject_host_prefix": True, "endpoint_discovery_enabled": None, "use_dualstack_endpoint": None,
    "use_fips_endpoint": None, "ignore_configured_endpoint_urls": None, "defaults_mode": None,
    "tcp_keepalive": None, "request_min_compression_size_bytes": None, "disable_request_compression": None,
    "client_context_params": None, "sigv4a_signing_region_set": None, "request_checksum_calculation": None,
    "response_checksum_validation": None, "account_id_endpoint_mode": None, "auth_scheme_preference": None,
    # ivs's own (after botocore's, so that positional arguments keep botocore's order).
    "validation": None,
}

RETRY_MODES = ("legacy", "standard", "adaptive")
VALIDATION_LEVELS = ("botocore", "on", "strict", "off")


def _is_unsigned(value: object) -> bool:
    return value is UNSIGNED or type(value).__name__ in ("UNSIGNED", "_Unsigned")


class Config:
    """Advanced client configuration, as botocore.config.Config."""

    OPTION_DEFAULTS = OPTION_DEFAULTS

    region_name: Optional[str]
    signature_version: object
    user_agent: Optional[str]
    user_agent_extra: Optional[str]
    user_agent_appid: Optional[str]
    connect_timeout: Union[int, float, None]
    read_timeout: Union[int, float, None]
    parameter_validation: bool
    max_pool_connections: int
    proxies: Optional[Mapping[str, str]]
    proxies_config: Optional[Mapping[str, Any]]
    s3: Optional[Mapping[str, Any]]
    s3_disable_express_session_auth: Optional[bool]
    retries: Optional[Dict[str, Any]]
    client_cert: Union[str, Tuple[str, str], None]
    inject_host_prefix: bool
    endpoint_discovery_enabled: Optional[bool]
    use_dualstack_endpoint: Optional[bool]
    use_fips_endpoint: Optional[bool]
    ignore_configured_endpoint_urls: Optional[bool]
    defaults_mode: Optional[str]
    tcp_keepalive: Optional[bool]
    request_min_compression_size_bytes: Optional[int]
    disable_request_compression: Optional[bool]
    client_context_params: Optional[Mapping[str, Any]]
    sigv4a_signing_region_set: Optional[str]
    request_checksum_calculation: Optional[str]
    response_checksum_validation: Optional[str]
    account_id_endpoint_mode: Optional[str]
    auth_scheme_preference: Optional[str]
    validation: Optional[str]

    def __init__(self, *args: Any, **kwargs: Unpack[ConfigOptions]) -> None:
        if len(args) > len(OPTION_DEFAULTS):
            raise TypeError(f"Takes at most {len(OPTION_DEFAULTS)} arguments ({len(args)} given)")
        user: Dict[str, Any] = {}
        for name, value in zip(OPTION_DEFAULTS, args):
            user[name] = value
        for name, value in kwargs.items():
            if name not in OPTION_DEFAULTS:
                raise TypeError(f"Got unexpected keyword argument '{name}'")
            if name in user:
                raise TypeError(f"Got multiple values for keyword argument '{name}'")
            user[name] = value
        self._user_provided_options = user
        for name, default in OPTION_DEFAULTS.items():
            setattr(self, name, user.get(name, default))
        if self.retries is not None:
            _validate_retries(self.retries)
        if self.validation is not None and self.validation not in VALIDATION_LEVELS:
            raise exceptions.InvalidConfigError(
                error_msg=f"validation must be one of {', '.join(VALIDATION_LEVELS)}, not {self.validation!r}")
        sv = self.signature_version
        if sv is not None and not _is_unsigned(sv) and sv not in ("v4", "s3v4"):
            raise exceptions.UnknownSignatureVersionError(signature_version=sv)

    def merge(self, other_config: Any) -> "Config":
        """A new Config with other_config's user-provided options over this one's."""
        options = copy.copy(self._user_provided_options)
        options.update(other_config._user_provided_options)
        return Config(**options)

    def __repr__(self) -> str:
        return f"ivs.Config({', '.join(f'{k}={v!r}' for k, v in self._user_provided_options.items())})"


def _validate_retries(retries: Mapping[str, Any]) -> None:
    valid = ("max_attempts", "mode", "total_max_attempts")
    for key, value in retries.items():
        if key not in valid:
            raise exceptions.InvalidRetryConfigurationError(retry_config_option=key, valid_options=valid)
        if key == "max_attempts" and (not isinstance(value, int) or value < 0):
            raise exceptions.InvalidMaxRetryAttemptsError(provided_max_attempts=value, min_value=0)
        if key == "total_max_attempts" and (not isinstance(value, int) or value < 1):
            raise exceptions.InvalidMaxRetryAttemptsError(provided_max_attempts=value, min_value=1)
        if key == "mode" and value not in RETRY_MODES:
            raise exceptions.InvalidRetryModeError(provided_retry_mode=value, valid_modes=RETRY_MODES)


def client_config_json(*, region_name: Optional[str] = None, endpoint_url: Optional[str] = None,
                       aws_access_key_id: Optional[str] = None, aws_secret_access_key: Optional[str] = None,
                       aws_session_token: Optional[str] = None, verify: Union[bool, str, None] = None,
                       config: Optional[Config] = None, profile_name: Optional[str] = None) -> Dict[str, Any]:
    """The libivs configuration object (include/ivs.h, ivs_client_new) for boto3-style arguments.
    Absent settings are left to libivs, which resolves them as the AWS SDKs do (environment, then
    the shared config and credentials files)."""
    out: Dict[str, Any] = {}
    user = config._user_provided_options if config is not None else {}
    region = region_name if region_name is not None else user.get("region_name")
    if region is not None:
        out["region"] = region
    if profile_name is not None:
        out["profile"] = profile_name
    if endpoint_url is not None:
        out["endpointUrl"] = endpoint_url
    if aws_access_key_id is not None and aws_secret_access_key is not None:
        creds = {"accessKeyId": aws_access_key_id, "secretAccessKey": aws_secret_access_key}
        if aws_session_token is not None:
            creds["sessionToken"] = aws_session_token
        out["credentials"] = creds
    elif aws_access_key_id is not None or aws_secret_access_key is not None:
        missing = "aws_secret_access_key" if aws_access_key_id is not None else "aws_access_key_id"
        raise exceptions.PartialCredentialsError(provider="explicit", cred_var=missing)
    if verify is False:
        out["verifyTls"] = False
    elif isinstance(verify, str):
        out["caBundle"] = verify
    retries = user.get("retries")
    if retries:
        mode = retries.get("mode")
        if mode is not None:
            # libivs has no "legacy" mode; standard is its closest (and botocore's recommended) mode.
            out["retryMode"] = "standard" if mode == "legacy" else mode
        # botocore: max_attempts counts retries (N means N + 1 attempts); total_max_attempts counts
        # attempts and wins when both are given. libivs's maxAttempts counts attempts.
        if "total_max_attempts" in retries:
            out["maxAttempts"] = int(retries["total_max_attempts"])
        elif "max_attempts" in retries:
            out["maxAttempts"] = int(retries["max_attempts"]) + 1
    if "connect_timeout" in user and user["connect_timeout"] is not None:
        out["connectTimeoutMs"] = int(round(float(user["connect_timeout"]) * 1000))
    if "read_timeout" in user and user["read_timeout"] is not None:
        out["requestTimeoutMs"] = int(round(float(user["read_timeout"]) * 1000))
    # The Python client checks what botocore checks unless told otherwise; maximums go to the service,
    # which answers ValidationException as it does to boto3.
    if user.get("parameter_validation") is False:
        out["validation"] = "off"
    else:
        out["validation"] = user.get("validation") or "botocore"
    if user.get("user_agent_extra"):
        out["userAgentSuffix"] = str(user["user_agent_extra"])
    proxies = user.get("proxies")
    if proxies:
        scheme = "http" if endpoint_url and endpoint_url.startswith("http://") else "https"
        proxy = proxies.get(scheme) or proxies.get("https") or proxies.get("http")
        if proxy:
            out["proxy"] = proxy
    if user.get("use_dualstack_endpoint") is not None:
        out["useDualstackEndpoint"] = bool(user["use_dualstack_endpoint"])
    if user.get("use_fips_endpoint") is not None:
        out["useFipsEndpoint"] = bool(user["use_fips_endpoint"])
    if _is_unsigned(user.get("signature_version")):
        out["signatureVersion"] = "unsigned"
    # botocore's connection pool size bounds ivs's connections per host for calls in flight (ivs.aio);
    # blocking calls use one pooled connection per thread whatever it says.
    if user.get("max_pool_connections") is not None:
        out["maxConnections"] = int(user["max_pool_connections"])
    return out
