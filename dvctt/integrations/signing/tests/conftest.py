"""Signing fixtures: the dossier fixtures, a CA chain made here, and the trust list holding (or not) its root."""

from __future__ import annotations

import pytest

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures
from dvctt.integrations.signing.tests import pki


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def ca() -> pki.Chain:
    return pki.chain("DVCTT Test")


@pytest.fixture(scope="session")
def foreign_ca() -> pki.Chain:
    return pki.chain("Unknown")


@pytest.fixture
def trusted(db, ca):
    from dvctt.integrations.signing.trust import trust_anchor_add

    return trust_anchor_add(data=ca.root.pem, note="Ban Cơ yếu Chính phủ root (test)")


@pytest.fixture
def agency_key(settings, tmp_path, ca, unit, monkeypatch):
    """The unit's PKCS#12 key on disk, its password in the environment, configured by DVCTT_SIGNING_KEYS."""
    path = tmp_path / "agency.p12"
    path.write_bytes(ca.pkcs12(b"mat-khau-p12"))
    monkeypatch.setenv("DVCTT_TEST_P12_PASSWORD", "mat-khau-p12")
    settings.DVCTT_SIGNING_KEYS = {
        unit.code: {"pkcs12": str(path), "password_env": "DVCTT_TEST_P12_PASSWORD"}
    }
    return path
