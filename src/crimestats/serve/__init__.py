"""Serve: the REST API (FastAPI on uvicorn) over the store, with roles and an audit trail.

``settings`` holds what ``crimestats serve`` was told, ``store`` the one connection of
the server process, ``auth`` who is asking, ``limits`` the per-token rate limit,
``audit`` the entry every data request appends, ``responses`` JSON or CSV, and
``routes_*`` the endpoints by role. ``app.create_app`` puts them together (issue 16).
"""
