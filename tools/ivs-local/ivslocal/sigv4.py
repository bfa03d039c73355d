"""SigV4 verification with botocore's signer as the reference, so the check does not share code
with the Swift signer it tests."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from urllib.parse import quote, unquote

_AUTH = re.compile(r'^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$')
MAX_SKEW = datetime.timedelta(minutes=5)

_signer_cls = None


def _signer():
    # botocore costs ~150 ms to import: load it on first use, not at start-up.
    global _signer_cls
    if _signer_cls is None:
        from botocore.auth import SigV4Auth

        class ReceivedRequestSigner(SigV4Auth):
            """Signs exactly the headers the client listed in SignedHeaders (botocore's own
            choice would skip some, e.g. user-agent, that another client may sign)."""

            def headers_to_sign(self, request):
                return request.headers

        _signer_cls = ReceivedRequestSigner
    return _signer_cls


def warm_up():
    _signer()
    from botocore.awsrequest import AWSRequest  # noqa: F401


class AuthError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class Scope:
    def __init__(self, access_key, date, region, service):
        self.access_key, self.date, self.region, self.service = access_key, date, region, service


def parse_scope(headers) -> tuple[Scope, list[str], str]:
    """The credential scope, signed header names and signature of a request's Authorization."""
    auth = headers.get('Authorization')
    if not auth:
        raise AuthError('MissingAuthenticationTokenException', 'Missing Authentication Token')
    m = _AUTH.match(auth.strip())
    if not m:
        raise AuthError('IncompleteSignatureException',
                        'Authorization header requires Credential, SignedHeaders and Signature parameters.')
    cred = m.group(1).split('/')
    if len(cred) != 5 or cred[4] != 'aws4_request':
        raise AuthError('IncompleteSignatureException', f'Credential should be scoped to a valid region, not {m.group(1)!r}.')
    return Scope(*cred[:4]), m.group(2).split(';'), m.group(3)


def _canonical_query(raw_query: str) -> str:
    # Decode and re-encode each pair, so a client that encodes differently (but equivalently) verifies.
    pairs = []
    for part in raw_query.split('&') if raw_query else []:
        k, _, v = part.partition('=')
        pairs.append(quote(unquote(k), safe='-_.~') + '=' + quote(unquote(v), safe='-_.~'))
    return '&'.join(sorted(pairs))


def verify(method: str, raw_path: str, raw_query: str, headers, body: bytes,
           secret_for, expected_signing_name: str, now: datetime.datetime | None = None) -> Scope:
    """Check a received request's signature; return its credential scope or raise AuthError.
    headers: an email.message.Message-like object (get, get_all); secret_for(access_key) -> secret
    or None for an unknown key."""
    scope, signed, signature = parse_scope(headers)
    secret = secret_for(scope.access_key)
    if secret is None:
        raise AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.')
    if scope.service != expected_signing_name:
        raise AuthError('InvalidSignatureException',
                        f"Credential should be scoped to correct service: '{expected_signing_name}'.")
    if not re.fullmatch(r'[a-z]{2}(-[a-z]+)+-\d+', scope.region):
        raise AuthError('InvalidSignatureException', f"Credential should be scoped to a valid region, not '{scope.region}'.")
    if 'host' not in signed:
        raise AuthError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    amz_date = headers.get('X-Amz-Date')
    if not amz_date:
        raise AuthError('IncompleteSignatureException', 'Authorization header requires existence of either a X-Amz-Date or a Date header.')
    try:
        when = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise AuthError('IncompleteSignatureException', f'Invalid X-Amz-Date: {amz_date!r}') from None
    if scope.date != amz_date[:8]:
        raise AuthError('InvalidSignatureException', f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.date}' != '{amz_date[:8]}'")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if abs(now - when) > MAX_SKEW:
        raise AuthError('InvalidSignatureException',
                        f"Signature expired: {amz_date} is now earlier than {(now - MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} "
                        f"({now.strftime('%Y%m%dT%H%M%SZ')} - 5 min.)"
                        if when < now else
                        f"Signature not yet current: {amz_date} is still later than {(now + MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} "
                        f"({now.strftime('%Y%m%dT%H%M%SZ')} + 5 min.)")
    claimed = headers.get('X-Amz-Content-SHA256')
    if claimed is not None and claimed != hashlib.sha256(body or b'').hexdigest():
        raise AuthError('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.')

    from botocore.awsrequest import AWSRequest
    from botocore.compat import HTTPHeaders
    from botocore.credentials import Credentials

    signed_headers = HTTPHeaders()
    for name in signed:
        values = headers.get_all(name) or []
        for v in values:
            signed_headers[name] = v
        if not values:
            signed_headers[name] = ''
    # The raw path as received: botocore encodes it once more, AWS's rule for non-S3 services.
    query = _canonical_query(raw_query)
    request = AWSRequest(method=method, url='http://' + (headers.get('Host') or 'localhost') + raw_path
                         + ('?' + query if query else ''), headers=signed_headers, data=body or b'')
    request.context['timestamp'] = amz_date
    signer = _signer()(Credentials(scope.access_key, secret), scope.service, scope.region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, signature):
        raise AuthError('InvalidSignatureException',
                        'The request signature we calculated does not match the signature you provided. '
                        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.')
    return scope
