"""The dossier fixtures (calendar, unit, staff, procedure, citizen) for the platform-wide request tests."""

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures
