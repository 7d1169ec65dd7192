"""Govern: who may see what, and a record of every access nobody can quietly rewrite.

``roles`` says what each role may do, ``tokens`` issues and checks the API tokens (kept
only as salted hashes), ``audit_chain`` appends and verifies the hash-chained audit log
(issue 16). The REST API and the CLI's ingest, review and release write to the same log.
"""
