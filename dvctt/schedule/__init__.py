"""The platform's periodic jobs in one declared schedule, run by one process: ``dvctt scheduler`` (docs/operations.md,
"Periodic jobs")."""
