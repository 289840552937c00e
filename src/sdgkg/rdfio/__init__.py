"""RDF in and out: the project's term model and its writers and readers.

Owns the `Term` value type (`terms`), the canonical Turtle writer (`turtle`), N-Triples text
regrouped for export (`ntriples`), compact JSON-LD (`jsonld`), the syntax dispatch of whole
documents (`serialize`) and the screening of untrusted input documents before a parser sees
them (`screening`). It may import only the project-wide modules; it never reads the data
root, the store or the network.
"""
