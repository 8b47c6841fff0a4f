"""Messages to citizens' phones: an SMS brandname provider (``sms.py``) and Zalo ZNS (``zalo.py``), each with a
local sandbox speaking its protocol (``sandbox.py``, ``dvctt messaging_sandbox``). See docs/notifications.md."""
