"""Curation: changing the curated graph safely.

Owns `add` (and remove) of facts with their validation before anything is written (`add`), the
canonical form of the curated files (`fmt`) and the comparison of two versions of the graph
(`diff`). Writes go through `store.writes` (one lock, all-or-nothing). It may import `validation`,
`store`, `rdfio` and the project-wide modules; nothing here imports `extract`, `server` or the CLI.
"""
