"""The pysaml2 configuration of Fasttrack as a NemLog-in service provider.

Kept free of Django models so that ``settings.py`` can build it from the
environment, and tests can build one for a local identity provider.
OIOSAML 3 asks the service provider to sign its requests, to want signed
assertions, to accept encrypted ones, to use persistent NameIDs and to ask
for a level of assurance (NSIS).
"""

from __future__ import annotations

from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

LOA_PREFIX = "https://data.gov.dk/concept/core/nsis/loa/"
# NSIS levels of assurance, weakest first.
LEVELS_OF_ASSURANCE = ("Low", "Substantial", "High")


def sp_config(
    *,
    entity_id: str,
    base_url: str,
    idp_metadata_file: str,
    key_file: str,
    cert_file: str,
    minimum_loa: str = "Substantial",
    xmlsec_binary: str = "/usr/bin/xmlsec1",
    organisation: str = "Fasttrack",
    contact_email: str = "",
) -> dict[str, Any]:
    """The SAML_CONFIG dict djangosaml2 hands to pysaml2."""
    if minimum_loa not in LEVELS_OF_ASSURANCE:
        raise ValueError(f"SAML_MINIMUM_LOA must be one of {', '.join(LEVELS_OF_ASSURANCE)}.")
    base = base_url.rstrip("/")
    config: dict[str, Any] = {
        "entityid": entity_id,
        "xmlsec_binary": xmlsec_binary,
        # OIOSAML 3 names attributes by URI; Fasttrack reads them by URI.
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": organisation,
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
                "endpoints": {
                    "assertion_consumer_service": [(f"{base}/saml2/acs/", BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{base}/saml2/ls/", BINDING_HTTP_REDIRECT),
                        (f"{base}/saml2/ls/post/", BINDING_HTTP_POST),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "requested_authn_context": {
                    "authn_context_class_ref": [f"{LOA_PREFIX}{minimum_loa}"],
                    "comparison": "minimum",
                },
            }
        },
        "metadata": {"local": [idp_metadata_file]},
        "key_file": key_file,
        "cert_file": cert_file,
        # NemLog-in encrypts assertions to the service provider's certificate.
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "organization": {"name": organisation, "display_name": organisation, "url": base},
    }
    if contact_email:
        config["contact_person"] = [
            {"contact_type": "technical", "email_address": contact_email, "company": organisation}
        ]
    return config
