"""The FAQ knowledge base operators edit: versioned answers in the ticket database, seeded from faq.yaml."""
