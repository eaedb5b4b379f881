"""A local NemLog-in for the tests: pysaml2 as an OIOSAML 3 identity provider.

It runs in the test process: the test follows Fasttrack's redirect to the
identity provider by handing the request to ``IdentityProvider.answer``, which
checks the request's signature, signs (and encrypts) an assertion with the
attributes NemLog-in would send, and returns the form fields the browser would
post back to Fasttrack's assertion consumer service.
"""

from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from fasttrack.login.saml import (
    CPR_NUMBER,
    CVR_NUMBER,
    EMAIL,
    FIRST_NAME,
    LAST_NAME,
    LEVEL_OF_ASSURANCE,
    PROFESSIONAL_UUID,
    SPEC_VERSION,
)
from fasttrack.login.saml_config import LOA_PREFIX, sp_config

XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
IDP_BASE_URL = "https://saml.test-nemlog-in.example"
IDP_ENTITY_ID = f"{IDP_BASE_URL}/"
IDP_SSO_URL = f"{IDP_BASE_URL}/sso"
IDP_SLO_URL = f"{IDP_BASE_URL}/slo"
SP_BASE_URL = "http://testserver"


def key_pair(directory: Path, name: str) -> tuple[str, str]:
    """A new RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path = directory / f"{name}.key"
    cert_path = directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def citizen(
    cpr: str, *, loa: str = "Substantial", first: str = "", last: str = ""
) -> dict[str, Any]:
    """The attributes NemLog-in sends for a citizen logged in with MitID."""
    return {
        SPEC_VERSION: ["OIO-SAML-3.0"],
        LEVEL_OF_ASSURANCE: [loa],
        CPR_NUMBER: [cpr],
        FIRST_NAME: [first or "Test"],
        LAST_NAME: [last or "Borger"],
    }


def professional(cvr: str, uuid: str, email: str, *, loa: str = "Substantial") -> dict[str, Any]:
    """The attributes NemLog-in sends for an employee logged in with MitID Erhverv."""
    return {
        SPEC_VERSION: ["OIO-SAML-3.0"],
        LEVEL_OF_ASSURANCE: [loa],
        CVR_NUMBER: [cvr],
        PROFESSIONAL_UUID: [f"urn:uuid:{uuid}"],
        EMAIL: [email],
        FIRST_NAME: ["Test"],
        LAST_NAME: ["Medarbejder"],
    }


@dataclass
class IdentityProvider:
    server: Server
    sp_cert: str
    sp_settings: dict[str, Any]

    def answer(
        self,
        redirect_url: str,
        attributes: dict[str, Any],
        *,
        subject: str = "",
        encrypt: bool = True,
        sign_assertion: bool = True,
    ) -> dict[str, str]:
        """NemLog-in's answer to the login request in ``redirect_url``: the POST fields."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(redirect_url).query).items()}
        request = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        assert request is not None, "the identity provider refused the login request"
        message = request.message
        level = attributes.get(LEVEL_OF_ASSURANCE, ["Substantial"])[0]
        name_id = NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            text=subject
            or f"https://data.gov.dk/model/core/eid/person/uuid/{abs(hash(str(attributes)))}",
        )
        response = self.server.create_authn_response(
            identity=attributes,
            in_response_to=message.id,
            destination=message.assertion_consumer_service_url,
            sp_entity_id=message.issuer.text,
            name_id=name_id,
            authn={"class_ref": f"{LOA_PREFIX}{level}", "authn_auth": self.server.config.entityid},
            sign_assertion=sign_assertion,
            sign_response=False,
            encrypt_assertion=encrypt,
            encrypt_cert_assertion=Path(self.sp_cert).read_text() if encrypt else None,
        )
        return {
            "SAMLResponse": base64.b64encode(str(response).encode()).decode(),
            "RelayState": query.get("RelayState", ""),
        }


def build_identity_provider(
    directory: Path, base_url: str = SP_BASE_URL, idp_base_url: str = IDP_BASE_URL
) -> IdentityProvider:
    """Keys, metadata both ways, Fasttrack's SP settings and the identity provider.

    ``base_url`` is where Fasttrack answers (the test client's, or a live
    server's); ``idp_base_url`` where the identity provider does.
    """
    idp_key, idp_cert = key_pair(directory, "idp")
    sp_key, sp_cert = key_pair(directory, "sp")
    idp_settings: dict[str, Any] = {
        "entityid": f"{idp_base_url}/",
        "xmlsec_binary": XMLSEC,
        "service": {
            "idp": {
                "name": "Test NemLog-in",
                "endpoints": {
                    "single_sign_on_service": [(f"{idp_base_url}/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{idp_base_url}/slo", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": True,
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
            }
        },
        "key_file": idp_key,
        "cert_file": idp_cert,
    }
    idp_metadata = directory / "idp-metadata.xml"
    idp_config = IdPConfig().load(dict(idp_settings))
    idp_metadata.write_text(str(entity_descriptor(idp_config)))

    sp_settings = sp_config(
        entity_id=f"{base_url}/saml2/metadata/",
        base_url=base_url,
        idp_metadata_file=str(idp_metadata),
        key_file=sp_key,
        cert_file=sp_cert,
        xmlsec_binary=XMLSEC,
    )
    sp_metadata = directory / "sp-metadata.xml"
    sp_metadata.write_text(str(entity_descriptor(SPConfig().load(dict(sp_settings)))))

    idp_settings["metadata"] = {"local": [str(sp_metadata)]}
    server = Server(config=IdPConfig().load(idp_settings))
    return IdentityProvider(server=server, sp_cert=sp_cert, sp_settings=sp_settings)
