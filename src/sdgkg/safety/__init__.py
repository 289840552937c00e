"""Safety: what keeps a query or a command from doing harm.

Owns the query screen (`screen`) and the one SPARQL lexer it reads with (`sparql_lexer`), the
network guard of Python code (`network`), the seccomp filter that denies internet sockets below
Python (`sandbox`), the child process a CLI query runs in (`isolate`) and the time, row and
memory limits of a query (`limits`). It may import only the project-wide modules (`errors`,
`namespaces`), so every layer above can rely on it.
"""
