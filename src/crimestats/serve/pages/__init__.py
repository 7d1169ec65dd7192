"""The dashboard: server-rendered pages at ``/``, ``/analyst`` and ``/steward``.

``html`` holds the page shell and the escaping helpers, ``charts`` the Vega-Lite
specifications of release tables and the masked map, ``public``, ``analyst`` and
``steward`` one view each, ``routes`` the endpoints and the static files. Charts are
drawn in the browser by the vendored Vega builds (``serve/static/vendor``): nothing is
loaded from the internet.
"""
