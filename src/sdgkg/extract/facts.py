"""New entities and events as candidate facts, in the same form as the relations' candidates.

A new entity or event is a `new:KIND-N` IRI (minted kgx:DOC-KIND-N by the writer) whose
rdf:type and skos:prefLabel are themselves candidates, as a new list item's are; its attributes
are candidates about it. A pending task's progress is stated about the task itself
(schema:actionStatus, schema:endTime, schema:agent). Dates are typed xsd:date, xsd:gYearMonth
or xsd:gYear as precise as the text is.
"""

from __future__ import annotations

from sdgkg.extract.dates import DateMention
from sdgkg.extract.documents import Passage
from sdgkg.extract.entities import NewEntity
from sdgkg.extract.events import Event
from sdgkg.extract.rules import SKOS_PREF, Candidate, Context, merge
from sdgkg.namespaces import RDF_TYPE
from sdgkg.rdfio.terms import Term

SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SDGKG = "https://w3id.org/sdgkg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPES = {
    "person": SCHEMA + "Person",
    "organisation": ORG + "FormalOrganization",
    "post": ORG + "Post",
    "place": SCHEMA + "Place",
}
_PREDICATES = {
    "date": DCTERMS + "date",
    "place": SCHEMA + "location",
    "party": SDGKG + "party",
    "signatory": SDGKG + "signatory",
    "attendee": SCHEMA + "attendee",
    "participant": SCHEMA + "attendee",
    "agent": SCHEMA + "agent",
    "how": SDGKG + "adoptionMethod",
    "cosponsors": SDGKG + "coSponsorCount",
    "session": SDGKG + "sessionNumber",
    "person": SDGKG + "appointee",
    "post": SDGKG + "appointedTo",
    "organisation": ORG + "postIn",
    "what": SCHEMA + "about",
    "value": SCHEMA + "value",
    "speaker": SCHEMA + "creator",
}
_STATUS = {"completed": "CompletedActionStatus", "in-progress": "ActiveActionStatus"}


class _Writer:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.found: list[Candidate] = []
        self.iris: dict[int, str] = {}

    def add(self, s: str, p: str, o: Term, where: list[Passage], confidence: float) -> None:
        unique = tuple(sorted(set(where), key=lambda x: x.start))
        self.found.append(Candidate(Term.iri(s), Term.iri(p), o, unique, confidence, ("events",)))

    def entity(self, entity: NewEntity) -> str:
        """The entity's IRI; its type, label, post and organisation the first time."""
        if id(entity) in self.iris:
            return self.iris[id(entity)]
        iri = self.ctx.new_entity(entity.kind)
        self.iris[id(entity)] = iri
        where = [entity.passage]
        self.add(iri, RDF_TYPE, Term.iri(_TYPES[entity.kind]), where, 0.5)
        label = Term.literal(entity.label, language=self.ctx.doc.lang)
        self.add(iri, SKOS_PREF, label, where, 0.5)
        if entity.post is not None:
            self.add(iri, ORG + "holds", Term.iri(self.entity(entity.post)), where, 0.5)
        if entity.organisation is not None and entity.kind == "post":
            self.add(iri, ORG + "postIn", self.value(entity.organisation), where, 0.5)
        return iri

    def value(self, value: object) -> Term:
        if isinstance(value, NewEntity):
            return Term.iri(self.entity(value))
        if isinstance(value, DateMention):
            return Term.literal(value.value, value.datatype)
        if isinstance(value, int):
            return Term.literal(str(value), XSD + "integer")
        text = str(value)
        return Term.iri(text) if text.startswith("http") else Term.literal(text)


def event_candidates(
    ctx: Context, entities: list[NewEntity], events: list[Event], candidates: list[Candidate]
) -> list[Candidate]:
    """Candidates for the new entities and the events (quotations by known speakers excepted:
    the relation patterns state those already)."""
    writer = _Writer(ctx)
    for entity in entities:
        if entity.kind != "post" or entity.organisation is not None:
            writer.entity(entity)
    quoted = {p for c in candidates if c.rules == ("quotes",) for p in c.passages}
    for event in events:
        if event.kind == "task-progress":
            _progress(writer, event)
        elif event.kind == "quote":
            if not set(event.passages) & quoted:
                _quotation(writer, event)
        else:
            _event(writer, event)
    return merge(writer.found)


def _event(writer: _Writer, event: Event) -> None:
    iri = writer.ctx.new_entity(f"event-{event.kind}")
    writer.add(iri, RDF_TYPE, Term.iri(event.klass), event.passages, event.confidence)
    for attribute, values in sorted(event.attributes.items()):
        predicate = _PREDICATES.get(attribute)
        if attribute == "agent" and event.kind == "resolution-adopted":
            predicate = PROV + "wasAssociatedWith"
        if attribute == "what" and event.kind == "count":
            predicate = SCHEMA + "valueReference"
        if predicate is None:
            continue
        for value in values:
            term = writer.value(value)
            writer.add(iri, predicate, term, event.passages, event.confidence)


def _progress(writer: _Writer, event: Event) -> None:
    for task in event.attributes.get("task", []):
        status = [s for s in event.attributes.get("status", []) if s in _STATUS]
        for name in status:
            writer.add(
                str(task),
                SCHEMA + "actionStatus",
                Term.iri(SCHEMA + _STATUS[str(name)]),
                event.passages,
                event.confidence,
            )
        for date in event.attributes.get("date", []) if status == ["completed"] else []:
            writer.add(
                str(task), SCHEMA + "endTime", writer.value(date), event.passages, event.confidence
            )
        for agent in event.attributes.get("agent", []):
            writer.add(
                str(task), SCHEMA + "agent", writer.value(agent), event.passages, event.confidence
            )


def _quotation(writer: _Writer, event: Event) -> None:
    if not event.text:
        return
    iri = writer.ctx.new_entity("quote")
    where = event.passages
    writer.add(iri, RDF_TYPE, Term.iri(SCHEMA + "Quotation"), where, 0.5)
    for speaker in event.attributes.get("speaker", []):
        writer.add(iri, SCHEMA + "creator", writer.value(speaker), where, event.confidence)
    text = Term.literal(event.text, language=writer.ctx.doc.lang)
    writer.add(iri, SCHEMA + "text", text, where, event.confidence)
