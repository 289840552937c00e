"""The store: where the graph lives and how it is read and queried.

Owns the data root and its files (`paths`), loading them into pyoxigraph (`graph`), the
persistent on-disk index for large graphs (`index`) and the file digests that key it
(`digests`), the data folder's lock and all-or-nothing writes (`writes`), which graphs a query
reads by default (`datasets`), and the one SPARQL engine, embedded (`engine`) or on a remote
server (`remote`). It may import `rdfio`, `safety` and
the project-wide modules (`errors`, `namespaces`, `formats`, `parallel`); it is, with
`validation`, where pyoxigraph is used directly.
"""
