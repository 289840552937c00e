"""Safety: what keeps a query or a command from doing harm.

Owns the query screen (`screen`), the network guard (`network`) and the time and row limits of
a query (`limits`). It may import only the project-wide modules (`errors`, `namespaces`), so
every layer above can rely on it.
"""
