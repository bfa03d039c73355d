"""boto3-compatible clients for Amazon IVS ("ivs"), IVS Real-Time ("ivs-realtime") and IVS Chat
("ivschat") over libivs.

    import ivs
    client = ivs.client("ivs-realtime", region_name="us-west-2")
    stage = client.create_stage(name="demo")["stage"]

Porting from boto3: replace `boto3.client` with `ivs.client` and `boto3.session.Session` with
`ivs.Session`; `botocore.config.Config` becomes `ivs.Config` (a botocore Config works too). With
botocore installed, `except botocore.exceptions.X` catches ivs's exceptions as they are; else use
`ivs.exceptions.X`. See docs/python.md.
"""
import threading
from typing import Any, Optional

from . import exceptions, tokens  # tokens needs the token functions only when one is called
from .client import BaseClient
from .config import UNSIGNED, Config
from .session import Session

__all__ = ["client", "Session", "Config", "UNSIGNED", "exceptions", "tokens", "BaseClient", "library_version",
           "setup_default_session"]
from ._version import __version__  # noqa: E402  (generated from VERSION)

DEFAULT_SESSION: Optional[Session] = None
_default_lock = threading.Lock()


def setup_default_session(**kwargs: Any) -> None:
    global DEFAULT_SESSION
    DEFAULT_SESSION = Session(**kwargs)


def _get_default_session() -> Session:
    global DEFAULT_SESSION
    if DEFAULT_SESSION is None:
        with _default_lock:
            if DEFAULT_SESSION is None:
                DEFAULT_SESSION = Session()
    return DEFAULT_SESSION


def client(*args: Any, **kwargs: Any) -> BaseClient:
    """A client for one service, with boto3.client's arguments:
    client(service_name, region_name=None, api_version=None, use_ssl=True, verify=None,
    endpoint_url=None, aws_access_key_id=None, aws_secret_access_key=None, aws_session_token=None,
    config=None)."""
    return _get_default_session().client(*args, **kwargs)


def library_version() -> str:
    """The version of the loaded libivs."""
    from . import _lib
    return _lib.version()
