"""Check the signatures of stored electronic results again (after the trust list changed, or a first run over
results stored before the signing app was installed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q

from dvctt.dossiers.models import DossierFile
from dvctt.integrations.signing.services import result_check
from dvctt.integrations.signing.trust import trust_list_active


class Command(BaseCommand):
    help = "Kiểm tra lại chữ ký số của các tệp kết quả điện tử (chưa kiểm tra, hoặc kiểm tra theo danh sách tin cậy cũ)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="Kiểm tra lại mọi tệp kết quả.")

    def handle(self, *args: Any, **options: Any) -> None:
        files = DossierFile.objects.filter(kind=DossierFile.Kind.RESULT).exclude(file="")
        if not options["all"]:
            revision = trust_list_active().revision
            files = files.filter(
                Q(signature_check__isnull=True) | ~Q(signature_check__trust_revision=revision)
            )
        counts: dict[str, int] = {}
        for file in files.order_by("id").iterator(chunk_size=200):
            check = result_check(file=file)
            if check is not None:
                counts[check.verdict] = counts.get(check.verdict, 0) + 1
        summary = ", ".join(f"{verdict}: {n}" for verdict, n in sorted(counts.items())) or "0"
        self.stdout.write(f"signing_recheck: {summary}")
