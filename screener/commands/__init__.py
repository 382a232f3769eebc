"""CLI commands by domain; each module exposes ``register(app)``."""
