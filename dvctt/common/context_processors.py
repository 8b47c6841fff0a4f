from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, str]:
    return {"PROVINCE_NAME": settings.PROVINCE_NAME}
