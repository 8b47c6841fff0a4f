"""Notifications at every status change: recorded per channel, sent by a task after commit, retried."""
