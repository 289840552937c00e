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
