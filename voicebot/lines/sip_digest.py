"""SIP digest authentication (RFC 2617 / RFC 7616 with MD5, ``qop=auth``; RFC 3261 section 22): answer a 401/407."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from voicebot.errors import LineError

_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


@dataclass(frozen=True, slots=True)
class Challenge:
    """A ``WWW-Authenticate`` / ``Proxy-Authenticate`` digest challenge."""

    realm: str
    """Protection space."""
    nonce: str
    """Server nonce."""
    opaque: str = ""
    """Echoed back unchanged."""
    qop: str = ""
    """``auth`` when the server offered it (then cnonce and nc are sent); empty: RFC 2069 style."""
    algorithm: str = "MD5"
    """Only MD5 (and absent) is supported."""
    proxy: bool = False
    """Came in a 407: answer with ``Proxy-Authorization``."""


def parse_challenge(value: str, proxy: bool = False) -> Challenge:
    """Parse ``Digest realm="..", nonce="..", qop="auth"``; raise ``LineError('sip-auth-unsupported')``."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        raise LineError("sip-auth-unsupported", f"authentication scheme {scheme[:16]!r} is not Digest")
    params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _PARAM.finditer(rest)}
    algorithm = params.get("algorithm", "MD5")
    if algorithm.upper() != "MD5":
        raise LineError("sip-auth-unsupported", f"digest algorithm {algorithm[:16]!r} (only MD5)")
    qops = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
    if qops and "auth" not in qops:
        raise LineError("sip-auth-unsupported", f"digest qop {qops} (only auth)")
    if "nonce" not in params or "realm" not in params:
        raise LineError("sip-auth-unsupported", "digest challenge without realm or nonce")
    return Challenge(params["realm"], params["nonce"], params.get("opaque", ""), "auth" if qops else "",
                     algorithm, proxy)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def digest_response(challenge: Challenge, username: str, password: str, method: str, uri: str,
                    cnonce: str = "", nc: int = 1) -> str:
    """Return the ``response`` value: MD5(HA1:nonce[:nc:cnonce:qop]:HA2) with HA1 = MD5(user:realm:password)."""
    ha1 = _md5(f"{username}:{challenge.realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    if challenge.qop:
        return _md5(f"{ha1}:{challenge.nonce}:{nc:08x}:{cnonce}:{challenge.qop}:{ha2}")
    return _md5(f"{ha1}:{challenge.nonce}:{ha2}")


def authorization(challenge: Challenge, username: str, password: str, method: str, uri: str,
                  cnonce: str = "", nc: int = 1) -> tuple[str, str]:
    """Return the header (``Authorization`` or ``Proxy-Authorization``) and its value answering ``challenge``."""
    cnonce = cnonce or secrets.token_hex(8)
    response = digest_response(challenge, username, password, method, uri, cnonce, nc)
    parts = [f'username="{username}"', f'realm="{challenge.realm}"', f'nonce="{challenge.nonce}"', f'uri="{uri}"',
             f'response="{response}"', "algorithm=MD5"]
    if challenge.qop:
        parts += [f"qop={challenge.qop}", f"nc={nc:08x}", f'cnonce="{cnonce}"']
    if challenge.opaque:
        parts.append(f'opaque="{challenge.opaque}"')
    return ("Proxy-Authorization" if challenge.proxy else "Authorization"), "Digest " + ", ".join(parts)


def challenge_of(status: int, headers: list[tuple[str, str]]) -> Challenge:
    """Return the digest challenge of a 401 or 407 response; raise ``LineError`` when it has none we can answer."""
    name = "Proxy-Authenticate" if status == 407 else "WWW-Authenticate"
    for key, value in headers:
        if key == name and value.strip().lower().startswith("digest"):
            return parse_challenge(value, proxy=status == 407)
    raise LineError("sip-auth-unsupported", f"{status} without a Digest {name}")
