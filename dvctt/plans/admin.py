"""Admin: plans with their targets, index configuration versions with their items, PAR rules; all with history.

The admin writes through model forms; the database constraints (value 0–1, one target per plan/indicator/
year/unit, thresholds above 0) hold whatever the path.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dvctt.plans.models import IndexConfig, IndexItem, ParCriterion, Plan, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["year", "indicator", "unit", "value", "kind"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["decision_number", "name", "decision_date", "start_year", "end_year"]
    search_fields = ["decision_number", "name"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "year", "indicator", "unit", "value", "kind"]
    list_filter = ["plan", "year", "indicator", "kind"]
    list_select_related = ["plan", "unit"]
    search_fields = ["unit__code", "unit__name"]
    autocomplete_fields = ["unit"]


class IndexItemInline(admin.TabularInline):
    model = IndexItem
    extra = 0
    fields = ["group", "ref", "indicator", "points", "threshold"]


@admin.register(IndexConfig)
class IndexConfigAdmin(SimpleHistoryAdmin):
    list_display = ["version", "valid_from"]
    inlines = [IndexItemInline]


@admin.register(ParCriterion)
class ParCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "indicator", "label", "threshold", "points", "rule"]
    list_filter = ["year", "rule"]
