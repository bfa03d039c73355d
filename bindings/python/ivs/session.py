"""ivs.Session: boto3.session.Session for the IVS services. Its profile, region and credentials are
what libivs resolves for them (a native client made for the session), as boto3 resolves them: an
unknown profile is ProfileNotFound at once."""
from __future__ import annotations

import configparser
import os
import shlex
import threading
from typing import Any, Dict, List, NamedTuple, Optional, Union

from . import _botocore_bases, exceptions, model
from .client import BaseClient, NativeClient, create_client
from .config import client_config_json

# libivs's credential provider names as botocore's Credentials.method names them.
_METHODS = {"config": "explicit", "environment": "env"}
# A region to resolve a session's settings with when none is configured: libivs needs one to make a
# client, and neither the profile nor the credentials depend on it.
_PLACEHOLDER_REGION = "us-east-1"


class ReadOnlyCredentials(NamedTuple):
    access_key: str
    secret_key: str
    token: Optional[str]
    account_id: Optional[str] = None


class Credentials:
    """Credentials as botocore's: access_key, secret_key, token, method (the source), account_id,
    and get_frozen_credentials(). A snapshot: ask the session again for fresh ones."""

    def __init__(self, access_key: str, secret_key: str, token: Optional[str] = None, method: Optional[str] = None,
                 account_id: Optional[str] = None, expiry_time: Optional[Any] = None) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token
        self.method = method
        self.account_id = account_id
        self.expiry_time = expiry_time

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        return ReadOnlyCredentials(self.access_key, self.secret_key, self.token, self.account_id)

    def __repr__(self) -> str:  # never the secret
        return f"<ivs.session.Credentials method={self.method!r} access_key={self.access_key!r}>"


def _profiles_in(path: str, config_file: bool) -> List[str]:
    parser = configparser.RawConfigParser()
    try:
        parser.read([os.path.expandvars(os.path.expanduser(path))])
    except (configparser.Error, OSError, UnicodeDecodeError):
        return []
    names: List[str] = []
    for section in parser.sections():
        if not config_file:
            names.append(section)
        elif section == "default":
            names.append(section)
        elif section.startswith("profile"):
            try:
                parts = shlex.split(section)
            except ValueError:
                continue
            if len(parts) == 2 and parts[0] == "profile":
                names.append(parts[1])
    return names


class Session:
    """boto3.session.Session's client-making part: default credentials, region and profile for the
    clients it creates, and the questions a session answers about them."""

    def __init__(self, aws_access_key_id: Optional[str] = None, aws_secret_access_key: Optional[str] = None,
                 aws_session_token: Optional[str] = None, region_name: Optional[str] = None,
                 botocore_session: Any = None, profile_name: Optional[str] = None,
                 aws_account_id: Optional[str] = None) -> None:
        self._access_key = aws_access_key_id
        self._secret_key = aws_secret_access_key
        self._token = aws_session_token
        self._region = region_name
        self._profile = profile_name
        self._account_id = aws_account_id
        self._resolved: Dict[str, Any] = {}
        self._native: Optional[NativeClient] = None
        self._error: Optional[Exception] = None
        self._resolve()

    def _resolve(self) -> None:
        """Makes the session's native client; ProfileNotFound (as boto3) is raised here, other
        configuration errors when the setting they concern is asked for."""
        config_json = client_config_json(region_name=self._region, aws_access_key_id=self._access_key,
                                         aws_secret_access_key=self._secret_key,
                                         aws_session_token=self._token, profile_name=self._profile)
        try:
            try:
                self._native = NativeClient(config_json)
                self._resolved = self._native.config()
            except exceptions.NoRegionError:
                self._native = NativeClient(dict(config_json, region=_PLACEHOLDER_REGION))
                self._resolved = dict(self._native.config(), region=None)
        except exceptions.ProfileNotFound:
            raise
        except exceptions.BotoCoreError as e:
            self._error = e

    def _settings(self) -> Dict[str, Any]:
        if self._error is not None:
            raise self._error
        return self._resolved

    @property
    def profile_name(self) -> str:
        """The profile in use: the one given, else AWS_PROFILE, else "default"."""
        if self._profile is not None:
            return self._profile
        name: str = self._settings().get("profile") or "default"
        return name

    @property
    def region_name(self) -> Optional[str]:
        if self._region is not None:
            return self._region
        region: Optional[str] = self._settings().get("region")
        return region

    @property
    def available_profiles(self) -> List[str]:
        """The profiles of the shared config and credentials files (AWS_CONFIG_FILE,
        AWS_SHARED_CREDENTIALS_FILE), the config file's first, as botocore lists them."""
        config = os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")
        credentials = os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
        names = _profiles_in(config, True)
        for name in _profiles_in(credentials, False):
            if name not in names:
                names.append(name)
        return names

    def get_credentials(self) -> Optional[Credentials]:
        """The credentials clients of this session use, as libivs resolves them (ivs_client_credentials),
        or None when there are none."""
        self._settings()
        assert self._native is not None
        found = self._native.credentials()
        if found is None:
            return None
        source = found.get("source") or ""
        return Credentials(found["accessKeyId"], found["secretAccessKey"], found.get("sessionToken"),
                           _METHODS.get(source, source), self._account_id, found.get("expiration"))

    def get_available_services(self) -> List[str]:
        return model.available_services()

    def get_available_partitions(self) -> List[str]:
        """The partitions libivs knows (ivs_describe)."""
        return list(model.partitions())

    def get_available_regions(self, service_name: str, partition_name: str = "aws",
                              allow_non_regional: bool = False) -> List[str]:
        """The regions of a partition where the service has an endpoint. With botocore importable this
        is botocore's answer (its endpoints.json lists the regions per service); without it, every
        region of the partition (libivs's endpoint rules give an endpoint in each)."""
        if _botocore_bases.BOTOCORE:
            regions: List[str] = _botocore_session().get_available_regions(service_name, partition_name,
                                                                           allow_non_regional)
            return regions
        if service_name not in model.available_services():
            return []
        partition = model.partitions().get(partition_name) or {}
        return [r for r in partition.get("regions", []) if allow_non_regional or not r.endswith("-global")]

    def client(self, service_name: str, region_name: Optional[str] = None, api_version: Optional[str] = None,
               use_ssl: bool = True, verify: Union[bool, str, None] = None, endpoint_url: Optional[str] = None,
               aws_access_key_id: Optional[str] = None, aws_secret_access_key: Optional[str] = None,
               aws_session_token: Optional[str] = None, config: Any = None,
               aws_account_id: Optional[str] = None) -> BaseClient:
        return self._client(service_name, region_name, api_version, use_ssl, verify, endpoint_url, aws_access_key_id,
                            aws_secret_access_key, aws_session_token, config, aws_account_id)

    def _client(self, service_name: str, region_name: Optional[str] = None, api_version: Optional[str] = None,
                use_ssl: bool = True, verify: Union[bool, str, None] = None, endpoint_url: Optional[str] = None,
                aws_access_key_id: Optional[str] = None, aws_secret_access_key: Optional[str] = None,
                aws_session_token: Optional[str] = None, config: Any = None,
                aws_account_id: Optional[str] = None, *, _dispatch: Optional[str] = None) -> BaseClient:
        """client(), and for ivs.aio the dispatch mode of the native client."""
        if aws_access_key_id is None and aws_secret_access_key is None:
            aws_access_key_id, aws_secret_access_key = self._access_key, self._secret_key
            if aws_session_token is None:
                aws_session_token = self._token
        return create_client(service_name, region_name if region_name is not None else self._region,
                             api_version, use_ssl, verify, endpoint_url, aws_access_key_id,
                             aws_secret_access_key, aws_session_token, config, aws_account_id,
                             profile_name=self._profile, _dispatch=_dispatch)


_botocore: Any = None
_botocore_lock = threading.Lock()


def _botocore_session() -> Any:
    global _botocore
    with _botocore_lock:
        if _botocore is None:
            import botocore.session  # type: ignore[import-untyped,unused-ignore]
            _botocore = botocore.session.Session()
    return _botocore
