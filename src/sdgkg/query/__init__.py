"""Questions asked of the graph: named queries and their parameters (`named`), the results in
the W3C formats and as terminal tables (`results`), and the graph's summary (`stats`).

It may import `store`, `safety`, `rdfio` and the project-wide modules; queries run through the
engine in `store.engine`.
"""
