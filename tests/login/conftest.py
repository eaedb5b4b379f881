"""A local NemLog-in, switched on for the tests that need it."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.login.nemlogin_idp import IdentityProvider, build_identity_provider


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory: pytest.TempPathFactory) -> IdentityProvider:
    if shutil.which("xmlsec1") is None:
        pytest.skip("xmlsec1 is missing: run `make xmlsec` to install it")
    return build_identity_provider(tmp_path_factory.mktemp("nemlogin"))


@pytest.fixture
def nemlogin(identity_provider: IdentityProvider, settings: Any) -> IdentityProvider:
    """Fasttrack with USE_SAML on, facing the local identity provider."""
    settings.USE_SAML = True
    settings.SAML_CONFIG = identity_provider.sp_settings
    return identity_provider
