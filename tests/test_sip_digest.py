"""SIP digest authentication against published vectors and the challenges trunks send."""

from __future__ import annotations

import pytest

from voicebot.errors import LineError
from voicebot.lines.sip_digest import authorization, challenge_of, digest_response, parse_challenge


def test_rfc_2617_example() -> None:  # RFC 2617 section 3.5 (qop=auth)
    challenge = parse_challenge('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                                'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    assert challenge.qop == "auth"
    response = digest_response(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1)
    assert response == "6629fae49393a05397450978507c4ef1"


def test_without_qop_the_rfc_2069_form() -> None:
    challenge = parse_challenge('Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"')
    # MD5(HA1:nonce:HA2) with HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life"), HA2 = MD5("GET:/dir/index.html")
    assert digest_response(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html") == \
        "670fd8c2df070c60b045671b8b24ff02"


def test_a_407_is_answered_with_proxy_authorization() -> None:
    headers = [("Proxy-Authenticate", 'Digest realm="trunk", nonce="abc", qop="auth", opaque="xyz"')]
    name, value = authorization(challenge_of(407, headers), "hotline", "pw", "INVITE", "sip:1@h", "c0ffee", 1)
    assert name == "Proxy-Authorization"
    assert value.startswith('Digest username="hotline", realm="trunk", nonce="abc", uri="sip:1@h", response="')
    assert 'qop=auth, nc=00000001, cnonce="c0ffee", opaque="xyz"' in value
    assert "pw" not in value.replace("opaque", "")  # the password itself never goes on the wire


@pytest.mark.parametrize("value", ['Basic realm="x"', 'Digest realm="x", nonce="n", algorithm=SHA-256',
                                   'Digest realm="x", nonce="n", qop="auth-int"', 'Digest realm="x"'])
def test_challenges_we_cannot_answer(value: str) -> None:
    with pytest.raises(LineError) as caught:
        challenge_of(401, [("WWW-Authenticate", value)])
    assert caught.value.code in ("sip-auth-unsupported",)
