"""Thin adapters that apply :mod:`cors_core` decisions to ASGI and WSGI applications.

- :mod:`adapters.asgi`: ``CORSMiddleware`` for any ASGI app (Starlette, FastAPI, ...).
- :mod:`adapters.wsgi`: ``CORSMiddleware`` for any WSGI app (Flask, Django, ...).
"""
