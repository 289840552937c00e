from sdgkg.namespaces import PREFIXES, compact, expand


def test_prefix_order_follows_the_design():
    assert list(PREFIXES)[:3] == ["sdgkg", "kg", "sdgkgsh"]
    assert list(PREFIXES)[-1] == "vann"
    assert len(PREFIXES) == 20


def test_expand_known_prefixed_names_only():
    assert expand("kg:centre") == "https://w3id.org/sdgkg/id/centre"
    assert expand("nope:centre") is None
    assert expand("https://example.org/x") is None


def test_compact_prefers_the_longest_namespace():
    assert compact("https://w3id.org/sdgkg/id/centre") == "kg:centre"
    assert compact("http://metadata.un.org/sdg/codes/geoArea/398") == "geo:398"
    assert compact("https://example.org/x") == "<https://example.org/x>"
    assert compact("https://w3id.org/sdgkg/id/a/b") == "<https://w3id.org/sdgkg/id/a/b>"


def test_compact_matches_trying_every_namespace_longest_first() -> None:
    from sdgkg.namespaces import _LOCAL

    def longest_first(iri: str) -> str:
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and (local == "" or _LOCAL.match(local)):
                return f"{prefix}:{local}"
        return f"<{iri}>"

    locals_ = ["", "x", "x.y", "x.", "-x", "_x", "x-1", "a/b", "a#b", "x!", "é", "398", "/"]
    iris = [namespace + local for namespace in PREFIXES.values() for local in locals_]
    iris += ["http://metadata.un.org/sdg/codes/", "https://example.org/x", "urn:x", "x"]
    assert all(namespace[-1] in "/#" for namespace in PREFIXES.values())
    assert [compact(iri) for iri in iris] == [longest_first(iri) for iri in iris]
