"""Playback and participant tokens and their keys, computed locally by libivs (include/ivs.h: tokens
and keys). Requests take the C API's member names as keyword arguments; outputs are dicts as the C
API returns them, with expiresAt / expirationTime as aware datetimes (as boto3 returns
CreateParticipantToken's expirationTime). Bad keys, claims or lifetimes raise
ivs.exceptions.ParamValidationError before anything is signed; verify() raises InvalidTokenError.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Type, Union

from . import _lib, exceptions, model
from .client import BaseClient, error_from


def _fn(name: str) -> Any:
    fn = getattr(_lib.lib(), name, None)
    if fn is None:
        raise NotImplementedError(f"this libivs ({_lib.version()}) has no {name}")
    return fn


def _request(kwargs: Dict[str, Any]) -> bytes:
    for key, value in list(kwargs.items()):
        if isinstance(value, (bytes, bytearray)):
            kwargs[key] = bytes(value).decode("utf-8")
    return json.dumps(kwargs).encode("utf-8")


def _result(status: int, doc: Any, operation: str,
            cls: Optional[Type[exceptions.ParamValidationError]] = None) -> Dict[str, Any]:
    if status != _lib.OK:
        err = error_from(status, doc, operation, model.service_model("ivs-realtime"))
        if cls is not None and isinstance(err, exceptions.ParamValidationError):
            raise cls(report=err.kwargs.get("report", ""), problems=err.problems) from None
        raise err
    result: Dict[str, Any] = doc
    return result


def _participant(doc: Dict[str, Any]) -> Dict[str, Any]:
    token = doc.get("participantToken") or {}
    if "expirationTime" in token:
        token["expirationTime"] = model.parse_timestamp(token["expirationTime"])
    return doc


def keypair_generate() -> Dict[str, str]:
    """A new ECDSA P-384 key pair: {"privateKey": PKCS#8 PEM, "publicKey": SubjectPublicKeyInfo PEM},
    ready for import_playback_key_pair (ivs) and import_public_key (ivs-realtime)."""
    return _result(*_lib.invoke(_fn("ivs_keypair_generate")), "KeypairGenerate")


def playback_token(**request: Any) -> Dict[str, Any]:
    """A playback authorization token for a private channel: privateKey, channelArn, and optionally
    expiresIn (seconds), accessControlAllowOrigin, strictOriginEnforcement, singleUseUuid, viewerId,
    viewerSessionVersion, maximumResolution, playbackUrl. Returns {"token", "expiresAt", "playbackUrl"?}."""
    doc = _result(*_lib.invoke(_fn("ivs_playback_token"), _request(request)), "PlaybackToken")
    if "expiresAt" in doc:
        doc["expiresAt"] = model.parse_timestamp(doc["expiresAt"])
    return doc


def participant_token(**request: Any) -> Dict[str, Any]:
    """A self-signed IVS Real-Time participant token: privateKey, publicKeyArn, stageArn, eventsUrl,
    whipUrl, and optionally participantId, userId, attributes, capabilities, duration (minutes).
    Returns {"participantToken": {...}} as create_participant_token does."""
    return _participant(_result(*_lib.invoke(_fn("ivs_participant_token"), _request(request)), "ParticipantToken"))


def participant_token_for_stage(client: BaseClient, **request: Any) -> Dict[str, Any]:
    """As participant_token(), with eventsUrl and whipUrl read from the stage (GetStage) through
    client, an ivs client of any of the three services."""
    if not isinstance(client, BaseClient):
        raise TypeError("client must be a client made by ivs.client()")
    handle = client._native.acquire()
    try:
        status, doc = _lib.invoke(_fn("ivs_participant_token_for_stage"), handle, _request(request))
    finally:
        client._native.release()
    if status != _lib.OK:
        raise error_from(status, doc, "GetStage", model.service_model("ivs-realtime"),
                         client.meta.endpoint_url, client._retry)
    return _participant(doc)


def verify(token: Union[str, bytes], public_key_pem: Union[str, bytes]) -> Dict[str, Any]:
    """Checks an ES384 token's signature, algorithm and expiry against a PEM public key; returns
    {"header": {...}, "claims": {...}} or raises ivs.exceptions.InvalidTokenError."""
    if isinstance(token, str):
        token = token.encode("utf-8")
    if isinstance(public_key_pem, str):
        public_key_pem = public_key_pem.encode("utf-8")
    status, doc = _lib.invoke(_fn("ivs_token_verify"), token, public_key_pem)
    return _result(status, doc, "TokenVerify", exceptions.InvalidTokenError)
