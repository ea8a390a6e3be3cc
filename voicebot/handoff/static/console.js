// The agent console's live queue: rows pushed over the WebSocket, waiting times counting up every second.
// A static file (the Content-Security-Policy runs no inline script); every word comes from data attributes the
// server rendered in the agent's language.
"use strict";
(function () {
  const live = document.getElementById("live");
  const body = document.getElementById("queue-body");
  const stats = document.getElementById("queue-stats");
  if (!live || !body || !stats) return;
  let offset = Date.now() - Number(body.dataset.now || Date.now());  // browser clock minus server clock

  function waitText(seconds) {
    const pad = (n) => (n < 10 ? "0" : "") + n;
    if (seconds >= 60) {
      return stats.dataset.waitLong.replace("{m}", String(Math.floor(seconds / 60))).replace("{s}", pad(seconds % 60));
    }
    return stats.dataset.waitShort.replace("{s}", String(seconds));
  }

  function tick() {
    const now = Date.now() - offset;
    for (const el of document.querySelectorAll("[data-since]")) {
      if (!el.dataset.since) continue;
      el.textContent = waitText(Math.max(0, Math.floor((now - Number(el.dataset.since)) / 1000)));
    }
  }

  function show(m) {
    offset = Date.now() - m.now_ms;
    body.innerHTML = m.rows;
    for (const k in m.stats) {
      const el = document.getElementById("stat-" + k);
      if (el) el.textContent = m.stats[k];
    }
    document.getElementById("stat-longest_wait").dataset.since = m.longest_since;
    tick();
  }

  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + live.dataset.ws);
    ws.onopen = () => { live.textContent = live.dataset.open; live.dataset.state = "open"; };
    ws.onmessage = (ev) => { const m = JSON.parse(ev.data); if (m.type === "queue") show(m); };
    ws.onclose = () => {
      live.textContent = live.dataset.closed; live.dataset.state = "closed"; setTimeout(connect, 1500);
    };
  }

  connect();
  setInterval(tick, 1000);
})();
