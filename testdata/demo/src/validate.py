#!/usr/bin/env python3
"""Valide testdata/demo/notes.jsonl et testdata/relevance/queries.jsonl."""
import collections, json, os, re, sys, unicodedata
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from restreintes import RESTREINTES
F = ["id", "type", "title", "summary", "body", "authors", "curator", "organisations", "terms", "carnets",
     "community", "links", "published_at", "updated_at", "visibility", "url"]
raw = open(os.path.join(HERE, "..", "notes.jsonl"), "rb").read().decode("utf-8")
assert unicodedata.normalize("NFC", raw) == raw
L = [json.loads(l) for l in raw.splitlines()]
ids = {}
for n in L:
    assert set(n) <= set(F), n.keys()
    assert re.fullmatch(r"[A-Za-z0-9]{27}", n["id"]) and n["id"] not in ids
    assert n["type"] in ("note", "terme", "organisation") and n["visibility"] in ("public", "community", "private")
    ids[n["id"]] = n
pub = {i for i, n in ids.items() if n["visibility"] == "public"}
for n in L:
    assert all(l in ids for l in n["links"])
    if n["visibility"] == "public":
        assert all(l in pub for l in n["links"])
pubtext = " ".join(json.dumps(n, ensure_ascii=False) for n in L if n["visibility"] == "public").lower()
for _, mot, *_ in RESTREINTES:
    assert mot.lower() not in pubtext, mot
print("notes:", len(L), collections.Counter((n["type"], n["visibility"]) for n in L))
qp = os.path.join(HERE, "..", "..", "relevance", "queries.jsonl")
if os.path.exists(qp):
    Q = [json.loads(l) for l in open(qp, encoding="utf-8")]
    kinds = {"accents", "typo", "plural", "elision", "inclusive", "organisation", "acronym", "place", "term",
             "question", "synonym", "phrase", "general"}
    for q in Q:
        assert set(q) == {"q", "judgments", "kind"} and q["kind"] in kinds, q
        assert 1 <= len(q["judgments"]) <= 8 and 2 in q["judgments"].values(), q
        assert all(i in pub for i in q["judgments"]), q
    print("queries:", len(Q), collections.Counter(q["kind"] for q in Q))
