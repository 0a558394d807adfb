"""The domain: plain keyword-only functions that take the session and raise app.services.errors."""
