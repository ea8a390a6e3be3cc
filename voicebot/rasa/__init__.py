"""The Rasa side as the bot runs it: the supervisor of the Rasa servers, what it starts, and the API token."""
