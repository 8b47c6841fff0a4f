"""gunicorn's settings read from the project's root (``gunicorn dvctt.wsgi`` run from here finds them).

The access log, when turned on (``--access-logfile``), masks identification and phone numbers
(dvctt/common/access_log.py; docs/configuration.md, "Security").
"""

logger_class = "dvctt.common.access_log.MaskingAccessLogger"
