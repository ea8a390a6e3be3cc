"""Input channels of the assistant (loaded by ``rasa run`` from credentials.yml)."""
