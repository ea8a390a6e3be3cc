"""Personal data in logs: keyed and spoken phone/ID numbers never reach a log line, at any level (issue 12).
"""

from __future__ import annotations

from voicebot.redact import mask

PHONE = "13812345678"
"""The caller's mobile number (keyed, spoken and as the calling number)."""
ID_KEYED = "110105194912310021"
"""An ID number keyed on the phone pad."""
ID_SPOKEN = "11010519491231002X"
"""An ID number as the recogniser writes it."""


def test_mask_keeps_identifiers_and_masks_numbers() -> None:
    for ident in ("rtp-1961234505", "sip-196123450512", "0f5b3a8e-6c1d-4e2a-9b7f-123456789012", "call_13812345678",
                  "ticket 1234.5678", "CA42ed11f93dc08b952027ffbc406d0868"):
        assert mask(ident) == ident
    assert mask(f"电话{PHONE}谢谢") == "电话138******78谢谢"
    assert mask(f"身份证号{ID_SPOKEN}，电话是{PHONE}。") == "身份证号110105********X，电话是138******78。"
    assert mask(f"sip:{PHONE}@10.0.0.1 and tel:+86{PHONE}") == "sip:138******78@10.0.0.1 and tel:861********78"
    assert mask("座机010-12345678或0755 1234567") == "座机010******78或075******67"
    assert mask(f"ID {ID_KEYED.lower()} x") == "ID 110105********1 x"
