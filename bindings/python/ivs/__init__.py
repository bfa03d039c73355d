"""boto3-compatible clients for Amazon IVS ("ivs"), IVS Real-Time ("ivs-realtime") and IVS Chat
("ivschat") over libivs.

    import ivs
    client = ivs.client("ivs-realtime", region_name="us-west-2")
    stage = client.create_stage(name="demo")["stage"]

Porting from boto3: replace `boto3.client` with `ivs.client`, `botocore.config.Config` with
`ivs.Config` and `botocore.exceptions` with `ivs.exceptions`. See docs/python.md.
"""
import threading

from . import exceptions, tokens  # tokens needs the token functions only when one is called
from .config import Config
from .client import BaseClient, create_client

__all__ = ["client", "Session", "Config", "exceptions", "tokens", "BaseClient", "library_version",
           "setup_default_session"]
from ._version import __version__  # noqa: E402  (generated from VERSION)


class Session:
    """boto3.session.Session's client-making part: default credentials, region and profile for the
    clients it creates."""

    def __init__(self, aws_access_key_id=None, aws_secret_access_key=None, aws_session_token=None,
                 region_name=None, botocore_session=None, profile_name=None, aws_account_id=None):
        self._access_key = aws_access_key_id
        self._secret_key = aws_secret_access_key
        self._token = aws_session_token
        self._region = region_name
        self.profile_name = profile_name

    @property
    def region_name(self):
        return self._region

    def get_available_services(self):
        from .model import available_services
        return available_services()

    def client(self, service_name, region_name=None, api_version=None, use_ssl=True, verify=None,
               endpoint_url=None, aws_access_key_id=None, aws_secret_access_key=None,
               aws_session_token=None, config=None, aws_account_id=None):
        if aws_access_key_id is None and aws_secret_access_key is None:
            aws_access_key_id, aws_secret_access_key = self._access_key, self._secret_key
            if aws_session_token is None:
                aws_session_token = self._token
        return create_client(service_name, region_name if region_name is not None else self._region,
                             api_version, use_ssl, verify, endpoint_url, aws_access_key_id,
                             aws_secret_access_key, aws_session_token, config, aws_account_id,
                             profile_name=self.profile_name)


DEFAULT_SESSION = None
_default_lock = threading.Lock()


def setup_default_session(**kwargs):
    global DEFAULT_SESSION
    DEFAULT_SESSION = Session(**kwargs)


def _get_default_session():
    global DEFAULT_SESSION
    if DEFAULT_SESSION is None:
        with _default_lock:
            if DEFAULT_SESSION is None:
                DEFAULT_SESSION = Session()
    return DEFAULT_SESSION


def client(*args, **kwargs):
    """A client for one service, with boto3.client's arguments:
    client(service_name, region_name=None, api_version=None, use_ssl=True, verify=None,
    endpoint_url=None, aws_access_key_id=None, aws_secret_access_key=None, aws_session_token=None,
    config=None)."""
    return _get_default_session().client(*args, **kwargs)


def library_version():
    """The version of the loaded libivs."""
    from . import _lib
    return _lib.version()
