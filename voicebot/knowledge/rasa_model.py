"""Which model a running Rasa server has, and loading another one without a restart (Rasa's HTTP model API).

``GET /status`` names the loaded ``model_file`` (its file name only); ``PUT /model {"model_file": PATH}`` makes the
server load a model from its own disk (the servers run on this machine) and answers 204 once it is in use; if the
file cannot be loaded Rasa answers an error and keeps the model it had. Both need the API token the
bot uses (``?token=``, ``voicebot.rasa.api_token``), which is kept out of every message.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp

from voicebot.errors import KnowledgeError
from voicebot.rasa.api_token import RasaToken


class RasaModels:
    """One Rasa server's model API."""

    def __init__(self, url: str, token: RasaToken, timeout_s: float = 900.0) -> None:
        self.url = url.rstrip("/")
        """The server (``http://127.0.0.1:5005``)."""
        self._token = token
        self._params = {"token": token.value} if token.value else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def current(self) -> str:
        """Return the file name of the model the server has loaded."""
        body = await self._call("GET", "/status", None)
        model = body.get("model_file") if isinstance(body, dict) else None
        if not model:
            raise KnowledgeError("rasa-model-unknown", f"{self.url}/status names no model")
        return str(model)

    async def load(self, model: Path | str) -> None:
        """Make the server load ``model`` (a path on its disk); raise KnowledgeError if it refuses."""
        await self._call("PUT", "/model", {"model_file": str(model)})

    async def _call(self, method: str, path: str, body: dict[str, str] | None) -> object:
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as session, session.request(
                    method, self.url + path, json=body, params=self._params) as response:  # fmt: skip
                text = await response.text()
                if response.status not in (200, 204):
                    detail = self._token.scrub(text[:300])
                    raise KnowledgeError("rasa-model-refused", f"{method} {path}: HTTP {response.status} {detail}")
                return await response.json(content_type=None) if text.strip() else None
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise KnowledgeError("rasa-unreachable", self._token.scrub(f"{method} {self.url}{path}: {err}")) from err
