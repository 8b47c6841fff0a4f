from django.conf import settings
from django.http import HttpRequest

#: Roles that open the steering dashboards, and those that edit plans and targets.
STEERING_ROLES = frozenset({"monitor", "ppc_leader", "admin", "unit_leader"})
PLANNING_ROLES = frozenset({"monitor", "admin"})


def platform(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    superuser = bool(getattr(user, "is_superuser", False))
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "nav_can_steer": superuser or role in STEERING_ROLES,
        "nav_can_plan": superuser or role in PLANNING_ROLES,
    }
