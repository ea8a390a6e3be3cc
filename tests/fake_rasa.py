"""A fake ``rasa_project`` for supervisor tests: its ``.venv/bin/python`` is a script behaving like a server.

The supervisor runs ``<project>/.venv/bin/python scripts/serve.py run ...``; the fake reads its behaviour per
server (``actions``, ``zh-CN``, ``en-US``) from ``<project>/fake.json`` and records each start in
``<project>/starts.jsonl`` (time, whether it got the token in its environment, its listen host). Behaviours:

* ``ok``: listen at once;
* ``slow:N``: write a log line every 0.2 s for N seconds, then listen (a model loading slowly, visibly);
* ``quiet:N``: write nothing for N seconds, then listen (silent, but alive);
* ``silent-once``: on its first start write nothing and never listen; on later starts behave like ``ok``;
* ``exit``: exit with code 3 at once;
* ``hang-after:N``: listen at once, answer for N seconds, then hang silently with the port still open.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

FAKE_SERVER = r'''#!{python}
import http.server, json, os, sys, time
from pathlib import Path

args = sys.argv[1:]
name = "actions" if "actions" in args else Path(args[args.index("--model") + 1]).name.split(".")[0]
port = int(args[args.index("--port") + 1])
host = args[args.index("--interface") + 1] if "--interface" in args else os.environ.get("SANIC_HOST", "0.0.0.0")
starts = Path("starts.jsonl")
earlier = [json.loads(line) for line in starts.read_text().splitlines()] if starts.exists() else []
with starts.open("a") as out:
    out.write(json.dumps({{"name": name, "t": time.time(), "token": os.environ.get("RASA_AUTH_TOKEN"),
                          "host": host, "argv": args}}) + "\n")
mode = json.loads(Path("fake.json").read_text()).get(name, "ok")
if mode == "silent-once":
    mode = "ok" if any(e["name"] == name for e in earlier) else "silent"
if mode == "exit":
    sys.exit(3)
if mode == "silent":
    time.sleep(3600)
kind, _, seconds = mode.partition(":")
end = time.time() + (float(seconds or 0) if kind != "hang-after" else 0)
while time.time() < end:
    if kind == "slow":
        print("loading", time.time(), flush=True)
    time.sleep(0.2)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

print("listening on", host, port, flush=True)
server = http.server.HTTPServer((host, port), Handler)
if kind == "hang-after":  # serve for N s, then stop answering but keep the port open (a hung server)
    import threading
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(float(seconds))
    server.shutdown()
    time.sleep(3600)
server.serve_forever()
'''


def make_project(root: Path, behaviour: dict[str, str], langs: tuple[str, ...] = ("zh-CN",)) -> Path:
    """Create a fake Rasa project under ``root`` with the given behaviour per server; return it."""
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_SERVER.format(python=sys.executable))
    python.chmod(0o755)
    for lang in langs:
        (root / "models" / lang).mkdir(parents=True)
        (root / "models" / lang / f"{lang}.tar.gz").write_bytes(b"model")
    (root / "fake.json").write_text(json.dumps(behaviour))
    return root


def starts(project: Path) -> list[dict[str, Any]]:
    """Return the recorded starts, oldest first."""
    path = project / "starts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def free_port() -> int:
    """Return a free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
