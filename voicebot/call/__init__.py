"""The call core: one call from answer to hang-up (session, listener, conversation, playback, holding, tickets)."""
