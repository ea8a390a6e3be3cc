"""Start ``rasa run`` or ``rasa run actions`` with the API token and the listen address from the environment.

The bot's supervisor and compose.yaml start the servers through this script rather than the ``rasa`` command,
so that the token never appears on a command line (``ps`` shows command lines to every local user):

* ``RASA_AUTH_TOKEN`` (or ``RASA_AUTH_TOKEN_FILE``, a file holding it): given to ``rasa run`` as
  ``--auth-token`` inside this process (the REST channel, ``channels/token_rest.py``, checks it too).
  ``rasa run --enable-api`` without a token is refused: the HTTP API would let anyone read and change every
  conversation.
* ``SANIC_HOST``: the address ``rasa run actions`` listens on (rasa_sdk 3.6 has no ``--interface``
  option; it reads this variable and defaults to 0.0.0.0). Here it defaults to 127.0.0.1.

Usage (from rasa_project/):
    RASA_AUTH_TOKEN=... .venv/bin/python scripts/serve.py run --enable-api --interface 127.0.0.1 --port 5005 ...
    .venv/bin/python scripts/serve.py run actions --port 5055 --actions actions
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _token() -> str:
    token = os.environ.get("RASA_AUTH_TOKEN", "").strip()
    path = os.environ.pop("RASA_AUTH_TOKEN_FILE", "")
    if not token and path:
        token = Path(path).read_text(encoding="utf-8").strip()
    if token:
        os.environ["RASA_AUTH_TOKEN"] = token  # for the REST channel (channels/token_rest.py), in this process
    return token


def main() -> None:
    """Complete the command line from the environment and run Rasa in this process."""
    args = sys.argv[1:]
    token = _token()
    if args[:2] == ["run", "actions"]:
        os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    elif args[:1] == ["run"]:
        if "--auth-token" in args or "-t" in args:
            sys.exit("serve.py: pass the token in RASA_AUTH_TOKEN or RASA_AUTH_TOKEN_FILE, not on the command line")
        if token:
            args += ["--auth-token", token]
        elif "--enable-api" in args:
            sys.exit("serve.py: --enable-api needs RASA_AUTH_TOKEN or RASA_AUTH_TOKEN_FILE (the API would be open)")
    else:
        sys.exit("usage: serve.py run [RASA RUN OPTIONS] | serve.py run actions [OPTIONS]")
    from rasa.__main__ import main as rasa_main  # imported late: loading Rasa takes seconds

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
