"""Web protections shared by every HTTP app: trusted proxies, security headers, access log, request timeouts."""
