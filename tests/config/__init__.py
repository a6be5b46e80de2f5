"""Configuration validation, in one place: what ``CORSPolicy(...)`` accepts, refuses (a
``ConfigError`` listing every problem with its fix) and warns about.

- ``test_validation.py``: every option's types, values and combinations;
- ``test_hardening.py``: origin entries judged as a browser and the Public Suffix List see
  them (IDNA, trailing dots, suffix wildcards, bounded hosts, schemes with credentials);
- ``test_strict.py``: the strict checks (CORS response headers in the wrong list, ports with
  a leading zero, IPv4-mapped hosts, entries longer than any ``Origin``).
"""
