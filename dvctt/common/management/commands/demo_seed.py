from __future__ import annotations

import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from dvctt.common.demo import demo_loaders


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and print a login for every role."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="multiplier for generated volumes")

    def handle(self, *args, **options):
        for app in apps.get_app_configs():
            if app.name.startswith("dvctt."):
                try:
                    import_module(f"{app.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app.name}.demo":
                        raise
        for loader in demo_loaders():
            started = time.perf_counter()
            summary = loader.load(stdout=self.stdout, scale=options["scale"])
            self.stdout.write(f"{loader.name}: {summary} ({time.perf_counter() - started:.1f} s)")
