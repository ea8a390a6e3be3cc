// The knowledge base editor's TTS preview: plays the answer as typed, synthesised by the bot's own voice.
// A static file (the Content-Security-Policy runs no inline script); the words come from data attributes.
"use strict";
(function () {
  const button = document.getElementById("preview");
  const text = document.getElementById("answer");
  const audio = document.getElementById("preview-audio");
  const status = document.getElementById("preview-state");
  if (!button || !text || !audio || !status) return;

  function show(state) {
    status.dataset.state = state;
    status.textContent = button.dataset[state] || "";
  }

  audio.addEventListener("loadeddata", () => show("ready"));
  audio.addEventListener("error", () => show("failed"));
  button.addEventListener("click", () => {
    show("loading");
    audio.src = button.dataset.src + "?text=" + encodeURIComponent(text.value);
    audio.dataset.text = text.value;
    const playing = audio.play();
    if (playing) playing.catch(() => {});  // a browser without sound output still loads the clip
  });
})();
