"""Xapian as a peer of the Trouvaille benchmarks (bench/xapian.go).

Set up as a developer would for French notes: Xapian's French Snowball
stemmer, accents folded and apostrophes split (elisions) before indexing and
querying, the title weighted
(its words count three times, as Xapian's TermGenerator does with wdf_inc),
lexicon terms and organisations twice, summary and body once; BM25 (Xapian's
default weighting). Queries are the OR of the words (the words' stems, any
of them), ranked by BM25: on French notes it beats AND with an OR fallback.
Only public notes are indexed.

Protocol: argv[1] is the notes file (JSON lines, ingest format), argv[2] a
directory for the database. The script prints "ready <n>" once loaded, then
reads one JSON request per line, {"q": "...", "k": 10}, and answers one
JSON line {"ids": [...]} (or {"error": "..."}).
"""
import json
import sys
import unicodedata

import xapian


def fold(s):
    s = unicodedata.normalize("NFKD", s or "")
    # Apostrophes split words, so that elisions (l'organisme, d’une) leave
    # the word itself, as a careful set-up for French would.
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("’", " ").replace("'", " ").lower()


def main():
    notes, path = sys.argv[1], sys.argv[2]
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    stem = xapian.Stem("french")
    tg.set_stemmer(stem)
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    n = 0
    with open(notes, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            note = json.loads(line)
            if note.get("visibility") != "public":
                continue
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(fold(note.get("title", "")), 3)
            tg.increase_termpos()
            tg.index_text(fold(" ".join(note.get("terms") or []) + " " + " ".join(note.get("organisations") or [])), 2)
            tg.increase_termpos()
            tg.index_text(fold(note.get("summary", "")))
            tg.increase_termpos()
            tg.index_text(fold(note.get("body", "")))
            doc.set_data(note["id"])
            idterm = "Q" + note["id"]
            doc.add_boolean_term(idterm)
            db.replace_document(idterm, doc)
            n += 1
    db.commit()
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight())
    enquire.set_docid_order(xapian.Enquire.ASCENDING)
    qp = xapian.QueryParser()
    qp.set_stemmer(stem)
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_OR)
    print("ready %d" % n, flush=True)
    for line in sys.stdin:
        try:
            req = json.loads(line)
            q = qp.parse_query(fold(req["q"]), 0)
            enquire.set_query(q)
            ids = [m.document.get_data().decode() for m in enquire.get_mset(0, int(req.get("k", 10)))]
            print(json.dumps({"ids": ids}), flush=True)
        except Exception as e:  # report, keep serving
            print(json.dumps({"error": str(e)}), flush=True)


if __name__ == "__main__":
    main()
