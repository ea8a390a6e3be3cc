"""``voicebot loadtest``: N concurrent real-time calls against a real bot, measured from the caller's side."""
