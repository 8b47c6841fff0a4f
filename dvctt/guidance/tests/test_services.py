"""The guidance services' rules: links (one active, rotate, revoke), and what may be recorded."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from dvctt.accounts.models import Role
from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers import services as dossier_services
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.guidance.models import Guidance, GuidanceLink
from dvctt.guidance.selectors import guidance_link_resolve
from dvctt.guidance.services import (
    guidance_link_get_or_create,
    guidance_link_revoke,
    guidance_link_rotate,
    guidance_record,
)

from .conftest import make_citizen, make_official, submit_online

pytestmark = pytest.mark.django_db


def test_one_active_link_per_official_rotated_and_revoked(cadre):
    # given an official's link
    first = guidance_link_get_or_create(official=cadre)
    assert guidance_link_get_or_create(official=cadre) == first  # made once
    assert len(first.token) >= 16 and guidance_link_resolve(token=first.token) == first
    # when rotated, the old token stops resolving and a new one works
    second = guidance_link_rotate(official=cadre)
    assert second.token != first.token
    assert guidance_link_resolve(token=first.token) is None
    assert guidance_link_resolve(token=second.token) == second
    # the database itself refuses a second active link
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidanceLink.objects.create(official=cadre, token="another-token")
    # when revoked, nothing resolves
    assert guidance_link_revoke(official=cadre) == 1
    assert guidance_link_resolve(token=second.token) is None
    # a deactivated official's link does not resolve either
    third = guidance_link_get_or_create(official=cadre)
    cadre.is_active = False
    cadre.save()
    assert guidance_link_resolve(token=third.token) is None


def test_citizens_have_no_link(citizen):
    with pytest.raises(AccessDenied):
        guidance_link_get_or_create(official=citizen)


def test_recorded_with_consent_once_per_dossier_idempotent(cadre, unit, citizen, online_procedure):
    dossier = submit_online(citizen, unit, vn(2025, 3, 3, 8))
    # without consent nothing is written
    with pytest.raises(DomainError) as refused:
        guidance_record(dossier=dossier, official=cadre, source="named", consent=False)
    assert refused.value.code == "consent_required"
    assert not Guidance.objects.exists()
    # with consent, once; a retry returns the same record
    first = guidance_record(dossier=dossier, official=cadre, source="named", consent=True)
    assert guidance_record(dossier=dossier, official=cadre, source="named", consent=True) == first
    assert first.day.isoformat() == "2025-03-03" and first.applicant_key == citizen.national_id
    # a second official is refused: one official per dossier
    other = make_official("nguyen.thi.hai", unit, "001080000002")
    with pytest.raises(ConflictError) as conflict:
        guidance_record(dossier=dossier, official=other, source="named", consent=True)
    assert conflict.value.code == "already_guided"
    assert Guidance.objects.get().official == cadre


def test_never_the_officials_own_dossier(cadre, unit, online_procedure):
    # given the official applying for themselves from a citizen account with their own ID number
    own_account = make_citizen("can.canhan", cadre.national_id)
    dossier = submit_online(own_account, unit, vn(2025, 3, 3, 8))
    with pytest.raises(DomainError) as refused:
        guidance_record(dossier=dossier, official=cadre, source="link", consent=True)
    assert refused.value.code == "own_dossier"
    # or another person's account but the official's ID number as the applicant's
    relative = make_citizen("nguoi.than", "020199007777")
    typed = submit_online(relative, unit, vn(2025, 3, 3, 9), id_number=cadre.national_id)
    with pytest.raises(DomainError):
        guidance_record(dossier=typed, official=cadre, source="named", consent=True)
    assert not Guidance.objects.exists()


def test_only_online_dossiers_filed_by_the_applicant(cadre, unit, citizen, one_stop, online_procedure):
    counter = dossier_services.dossier_submit(
        actor=one_stop, submission=submission(unit, channel=1), at=vn(2025, 3, 3)
    )
    assisted = dossier_services.dossier_submit(
        actor=one_stop, submission=submission(unit, channel=2), at=vn(2025, 3, 3)
    )
    assert assisted.assisted
    for dossier in (counter, assisted):
        with pytest.raises(DomainError) as refused:
            guidance_record(dossier=dossier, official=cadre, source="named", consent=True)
        assert refused.value.code == "not_online"
    # and only an official may be named
    dossier = submit_online(citizen, unit, vn(2025, 3, 3, 8))
    other_citizen = make_citizen("khong.phai.can.bo", "020199005555")
    with pytest.raises(DomainError) as refused:
        guidance_record(dossier=dossier, official=other_citizen, source="named", consent=True)
    assert refused.value.code == "not_official"
    assert other_citizen.role == Role.CITIZEN
    assert not Guidance.objects.exists()
