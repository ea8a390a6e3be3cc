"""回访: after an agent resolves a ticket, the bot calls the citizen back and records their satisfaction."""
