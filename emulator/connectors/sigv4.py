"""AWS Signature Version 4 for ``aws_sigv4`` connectors, signed with botocore's signer.

The plugin signs the final request (after header substitution, with its default
``Content-Type`` and ``Content-Length``) with the AWS SDK's V4 signer, using the
connector's ``service_name`` and ``region`` and the decrypted ``access_key`` /
``secret_key`` / optional ``session_token``. botocore computes the same signature.
Its own ``add_auth`` logs the canonical request (which holds the session token) at
debug level, so the steps are driven here without that log.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

_CONTENT_SHA256 = "x-amz-content-sha256"


@dataclass(frozen=True)
class AwsSigning:
    """Who signs and for what: the connector's AWS identity, service and region."""

    access_key: str
    secret_key: str
    session_token: str | None
    service_name: str
    region: str

    def __repr__(self) -> str:  # never show the keys
        return f"AwsSigning(service_name={self.service_name!r}, region={self.region!r})"


def signing_for(credential: Mapping[str, str | None], parameters: Mapping[str, str | None]) -> AwsSigning:
    """``AwsConnector``'s getters: service and region from the parameters first, then the credential."""
    def first(name: str) -> str:
        # Optional.ofNullable(parameters.get(x)).orElse(credential.get(x)): an empty value still counts.
        value = parameters.get(name)
        return value if value is not None else credential.get(name) or ""

    return AwsSigning(
        access_key=credential.get("access_key") or "",
        secret_key=credential.get("secret_key") or "",
        session_token=credential.get("session_token"),
        service_name=first("service_name"),
        region=first("region"),
    )


def sign(method: str, url: str, headers: dict[str, str], body: bytes | None, signing: AwsSigning,
         now: datetime.datetime | None = None) -> dict[str, str]:
    """The headers to send: ``headers`` plus the payload hash, ``X-Amz-Date``, ``Authorization`` and, with a
    session token, ``X-Amz-Security-Token``."""
    payload = body or b""
    # The SDK signer always sets the payload hash header (blueprints put "required" there) and signs it.
    headers = {name: value for name, value in headers.items() if name.lower() != _CONTENT_SHA256}
    headers[_CONTENT_SHA256] = hashlib.sha256(payload).hexdigest()
    if signing.session_token == "":
        # The SDK still builds session credentials for an empty token and sends (and signs) the header.
        headers["X-Amz-Security-Token"] = ""
    request = AWSRequest(method=method, url=url, data=payload, headers=headers)
    credentials = Credentials(signing.access_key, signing.secret_key, signing.session_token)
    signer = SigV4Auth(credentials, signing.service_name, signing.region)
    moment = now or datetime.datetime.now(datetime.UTC)
    request.context["timestamp"] = moment.strftime(SIGV4_TIMESTAMP)
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    signer._inject_signature_to_request(request, signature)
    return {name: value for name, value in request.headers.items()}
