"""The SMS and Zalo channels of the notifications (``DVCTT_NOTIFY_CHANNEL_CLASSES``): a dossier's phone number,
a provider adapter, and the adapter's errors turned into the channel's (retry later, or never)."""

from __future__ import annotations

import json

from django.conf import settings

from dvctt.common.masking import mask_text
from dvctt.dossiers.notifications.channels import Channel, ChannelError, Message, PermanentChannelError
from dvctt.integrations.messaging.errors import DeliveryError, PermanentDeliveryError
from dvctt.integrations.messaging.sms import SmsClient
from dvctt.integrations.messaging.zalo import ZnsClient


class PhoneChannel(Channel):
    def recipient_for(self, dossier) -> str:
        return dossier.applicant_phone or (dossier.applicant.phone if dossier.applicant_id else "")

    def deliver(self, message: Message) -> None:
        raise NotImplementedError

    def send(self, message: Message) -> None:
        try:
            self.deliver(message)
        except PermanentDeliveryError as exc:
            raise PermanentChannelError(mask_text(str(exc))) from exc
        except DeliveryError as exc:
            raise ChannelError(mask_text(str(exc))) from exc


class SmsChannel(PhoneChannel):
    name = "sms"

    def deliver(self, message: Message) -> None:
        SmsClient().send(phone=message.recipient, text=message.body, reference=message.reference)


class ZaloChannel(PhoneChannel):
    name = "zalo"

    def deliver(self, message: Message) -> None:
        try:
            document = json.loads(message.body)
        except ValueError:
            raise PermanentDeliveryError("the Zalo message is not a ZNS document") from None
        ZnsClient().send(
            phone=message.recipient,
            template_id=str(document.get("template_id") or settings.DVCTT_ZALO_TEMPLATE_ID),
            template_data=dict(document.get("template_data") or {}),
            tracking_id=message.reference,
        )
