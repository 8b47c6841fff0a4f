"""The dossier fixtures (calendar, unit, staff, procedure, citizen) for tests that move dossiers through services."""

from dvctt.dossiers.tests.conftest import (  # noqa: F401
    calendar_seeded,
    citizen,
    leader,
    one_stop,
    other_unit,
    procedure,
    specialist,
    unit,
)
