"""Curation: changing the curated graph safely.

Owns `add` (and remove) of facts with their validation before anything is written (`add`:
`change_facts` is the one validated, locked, all-or-nothing write), the canonical form of the
curated files (`fmt`), the comparison of two versions of the graph (`diff`), and the curation
loop built on `sdgkg extract`'s candidates: registered sources (`sources`), grouping what an
extraction proposes (`review`) and accepting or rejecting it (`accept`). Writes go through
`store.writes` (one lock, all-or-nothing). It may import `extract`, `validation`, `store`,
`rdfio` and the project-wide modules; nothing here imports `server` or the CLI.
"""
