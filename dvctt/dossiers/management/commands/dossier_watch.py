from django.core.management.base import BaseCommand

from dvctt.dossiers.watch import dossier_watch


class Command(BaseCommand):
    help = "Flag dossiers due within a working day or late, cancel expired supplements, retry notifications."

    def handle(self, *args, **options):
        self.stdout.write(str(dossier_watch()))
