"""Custom actions for the 12345 hotline assistant (rasa_sdk action server, shared by every language)."""
