"""hotline-voicebot: a self-hosted voice bot for citizen hotlines."""

__version__ = "0.1.0"
