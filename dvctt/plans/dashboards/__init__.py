"""Steering dashboards (web) for monitors, leaders and unit leaders: province overview, unit ranking, a unit's
page and "explain this number". Reads the rollups through ``dvctt.monitoring.kpi``; docs/dashboards.md."""
