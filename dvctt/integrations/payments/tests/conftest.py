"""Payment tests use the dossier fixtures (a submitted dossier with an 8,000 đ fee)."""

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures
