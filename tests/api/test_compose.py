"""From a validated request to the store's NewMessage: every option and default lands in
its own field (new_messages passes them by position, so a swap would go unnoticed)."""

from __future__ import annotations

from datetime import UTC, datetime

from gsmgateway.api.compose import new_messages, plan_message
from gsmgateway.api.settings import ApiSettings
from gsmgateway.api.validation import NumberPolicy, parse_message
from gsmgateway.store.interface import NewMessage, Priority

NOW = 1_890_000_000.0  # 2029-11-22, before the send_at below
SETTINGS = ApiSettings(policy=NumberPolicy("GB"), validity_minutes=30, concat_ref_bits=16)


def composed(body: dict) -> NewMessage:
    request = parse_message(body, SETTINGS.policy)
    (new,) = new_messages([(request, plan_message(request, SETTINGS))], SETTINGS, NOW)
    return new


def test_every_option_reaches_its_field():
    new = composed(
        {
            "to": "07911 123456",
            "text": "Çok teşekkürler",
            "priority": "high",
            "send_at": "2030-03-01T10:00:00Z",
            "status_report": False,
            "flash": True,
            "validity_minutes": 90,
            "modem": "352099000000006",
        }
    )
    send_at = datetime(2030, 3, 1, 10, tzinfo=UTC).timestamp()
    assert new == NewMessage(
        to="+447911123456",
        text="Çok teşekkürler",
        segments=new.segments,
        created_at=NOW,
        encoding=new.encoding,
        priority=Priority.HIGH,
        route="modem:352099000000006",
        send_at=send_at,
        expires_at=send_at + 90 * 60,
        validity_minutes=90,
        status_report=False,
        flash=True,
        concat_ref_bits=16,
    )


def test_a_bare_body_takes_the_config_defaults():
    new = composed({"to": "+447911123456", "text": "hi"})
    assert (new.priority, new.route, new.send_at, new.status_report, new.flash) == (
        Priority.NORMAL,
        "default",
        None,
        True,
        False,
    )
    assert (new.validity_minutes, new.expires_at, new.concat_ref_bits) == (30, NOW + 1800, 16)
