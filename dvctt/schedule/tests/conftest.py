from __future__ import annotations

import pytest


@pytest.fixture
def database_tasks(settings):
    """The database task backend, as in production (the tests' default runs tasks at once): a queued job is a row
    of ``django_tasks_db``'s table that the test can count."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "notifications", "sync", "rollups"],
        }
    }
