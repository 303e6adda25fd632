"""Xapian in the speed benchmark (bench/xapian_speed.go).

Same set-up as the relevance peer (peer.py): Xapian's French Snowball
stemmer, accents folded and apostrophes split (elisions) before indexing and
querying, title words counted three times, lexicon terms and organisations
twice, summary and body once, BM25 (Xapian's default weighting). Unlike the
relevance peer, every note is indexed (as Trouvaille, Bleve and PostgreSQL
do in the speed runs) with a boolean term for its visibility, and searches
filter on public notes.

Two modes:

  speed.py ingest NOTES DB   indexes the notes file (JSON lines, ingest
                             format) into a new database, prints
                             "indexed <n> rss <peak bytes>" and exits.
  speed.py serve DB          opens the database, prints "ready <n>", then
                             reads one JSON request per line,
                             {"q": "...", "kind": "plain"}, and answers one
                             JSON line {"total": n, "hits": [...],
                             "facets": {...}} (or {"error": "..."}).

Kinds (as the other engines in bench/ do them):
  facets+highlight  top 20 by BM25, exact total, top 10 of authors,
                    organisations, carnets, blocs, terms and type, a snippet
                    of the body for each hit;
  highlight         top 20, exact total, snippets;
  plain             top 20, exact total;
  prefix            the last word as a prefix (FLAG_PARTIAL), top 5.
Non-prefix queries require every word (OP_AND) and, when nothing matches and
the query has several words, retry with any word (OP_OR), like Bleve and
PostgreSQL in bench/; the retry is part of the same answer.
"""
import json
import multiprocessing
import os
import re
import resource
import shutil
import sys
import unicodedata

import xapian

PUBLIC = "XVpublic"

# Facets: multi-valued fields (a note has several authors, organisations,
# carnets, blocs, terms) and type (one per note).
#
# ValueCountMatchSpy counts the whole string in one value slot per document.
# Joining a note's authors into one value would count combinations
# ("A|B" once), not authors. So every field gets a range of slots, one per
# position: the note's i-th distinct author goes in slot AUTHORS+i. A note
# has each author at most once (duplicates are dropped at ingest), so it
# adds at most 1 to an author's count across the field's slots, and the
# field's count of an author is the sum over its slots' spies: exact
# document counts, counted in C++ by Xapian. The number of slots used per
# field (the largest number of values a note has) is stored in the
# database's metadata at ingest.
FACETS = ["authors", "organisations", "carnets", "blocs", "terms", "type"]
SLOTS_PER_FIELD = 1000  # field k uses slots k*1000 .. k*1000+999


def fold(s):
    """Accents off, apostrophes split, lower case: indexing and queries."""
    return fold_case(s).lower()


# The combining marks NFKD leaves after Latin letters (the diacritical marks
# and their supplements): one regular expression in C instead of a test per
# character in Python, which was 45 % of the ingest's time.
COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_case(s):
    """Accents off, apostrophes split, case kept: the text of snippets, so
    that the stemmed, folded query terms are found in it."""
    s = s or ""
    if not s.isascii():
        s = COMBINING.sub("", unicodedata.normalize("NFKD", s))
    return s.replace("’", " ").replace("'", " ")


def facet_values(note):
    carnets = note.get("carnets") or []
    vals = {
        "authors": note.get("authors") or [],
        "organisations": note.get("organisations") or [],
        "carnets": [c.get("title", "") for c in carnets],
        "blocs": [c.get("bloc", "") for c in carnets],
        "terms": note.get("terms") or [],
        "type": [note.get("type", "")],
    }
    out = {}
    for f, vs in vals.items():
        seen = []
        for v in vs:
            if v and v not in seen:
                seen.append(v)
        out[f] = seen
    return out


def ingest(notes, path):
    """Indexes the notes into a new database at path: in one process for a
    small file, else in one shard per core (every k-th note), compacted
    into one database at the end (xapian-compact's way of using several
    cores). Prints the notes indexed and the peak RSS: with shards, the sum
    of the shards' peaks (they run at once) or the compaction's, the
    larger."""
    jobs = os.cpu_count() or 1
    if jobs == 1 or os.path.getsize(notes) < SHARD_BYTES:
        n, used = index_shard(notes, path, 0, 1)
        db = xapian.WritableDatabase(path, xapian.DB_OPEN)
        db.set_metadata("facet_slots", json.dumps(used))
        db.commit()
        db.close()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print("indexed %d rss %d" % (n, rss), flush=True)
        return
    parts = ["%s.shard%d" % (path, i) for i in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        results = pool.starmap(index_shard_rss, [(notes, p, i, jobs) for i, p in enumerate(parts)])
    n = sum(r[0] for r in results)
    used = {f: max(r[1][f] for r in results) for f in FACETS}
    shards_rss = sum(r[2] for r in results)
    src = xapian.Database()
    for p in parts:
        src.add_database(xapian.Database(p))
    src.compact(path)
    src.close()
    for p in parts:
        shutil.rmtree(p)
    db = xapian.WritableDatabase(path, xapian.DB_OPEN)
    db.set_metadata("facet_slots", json.dumps(used))
    db.commit()
    db.close()
    rss = max(shards_rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print("indexed %d rss %d" % (n, rss), flush=True)


# Files from this size are indexed in shards (about 15,000 notes); the
# environment may lower it (the tests, to index a small file in shards).
SHARD_BYTES = int(os.environ.get("XAPIAN_SPEED_SHARD_BYTES", 50 << 20))


def index_shard_rss(notes, path, shard, shards):
    n, used = index_shard(notes, path, shard, shards)
    return n, used, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def index_shard(notes, path, shard, shards):
    """Indexes every shards-th note of the file, from the shard-th, into a
    new database at path; returns the notes indexed and the most values a
    note has per facet field."""
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    stem = xapian.Stem("french")
    tg.set_stemmer(stem)
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    used = {f: 0 for f in FACETS}
    n = 0
    with open(notes, encoding="utf-8") as f:
        for ln, line in enumerate(f):
            line = line.strip()
            if not line or ln % shards != shard:
                continue
            note = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(fold(note.get("title", "")), 3)
            tg.increase_termpos()
            tg.index_text(fold(" ".join(note.get("terms") or []) + " " + " ".join(note.get("organisations") or [])), 2)
            tg.increase_termpos()
            tg.index_text(fold(note.get("summary", "")))
            tg.increase_termpos()
            # The body folded once, case kept: indexed lower-cased, and
            # stored as is for the snippets (below).
            body = fold_case(note.get("body", ""))
            tg.index_text(body.lower())
            doc.add_boolean_term("XV" + note.get("visibility", ""))
            values = facet_values(note)
            for k, field in enumerate(FACETS):
                vs = values[field]
                if len(vs) > SLOTS_PER_FIELD:
                    raise ValueError("note %s: more than %d %s" % (note["id"], SLOTS_PER_FIELD, field))
                for i, v in enumerate(vs):
                    doc.add_value(k * SLOTS_PER_FIELD + i, v)
                used[field] = max(used[field], len(vs))
            # Stored fields, returned with the hits (as Bleve and PostgreSQL
            # return id and title, and read the body to highlight it). The
            # body is stored folded (accents off, case kept): MSet.snippet
            # finds the query's folded stems only in folded text, and folding
            # once here rather than for every hit of every query saves the
            # serving side ~0.15 ms of Python per hit. Snippets therefore show
            # the body without its accents.
            doc.set_data(json.dumps({"id": note["id"], "title": note.get("title", ""), "body": body}, ensure_ascii=False))
            idterm = "Q" + note["id"]
            doc.add_boolean_term(idterm)
            db.replace_document(idterm, doc)
            n += 1
    db.commit()
    db.close()
    return n, used


class Searcher:
    def __init__(self, path):
        self.db = xapian.Database(path)
        self.stem = xapian.Stem("french")
        self.enquire = xapian.Enquire(self.db)
        self.enquire.set_weighting_scheme(xapian.BM25Weight())
        self.qp = xapian.QueryParser()
        self.qp.set_stemmer(self.stem)
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.qp.set_database(self.db)  # FLAG_PARTIAL expands prefixes against it
        used = json.loads(self.db.get_metadata("facet_slots").decode() or "{}")
        self.slots = {f: [k * SLOTS_PER_FIELD + i for i in range(used.get(f, 0))] for k, f in enumerate(FACETS)}

    def parse(self, text, op, flags=0):
        self.qp.set_default_op(op)
        q = self.qp.parse_query(text, flags)
        return xapian.Query(xapian.Query.OP_FILTER, q, xapian.Query(PUBLIC))

    def run(self, query, kind):
        e = self.enquire
        e.set_query(query)
        e.clear_matchspies()
        spies = {}
        if kind == "facets+highlight":
            for f, slots in self.slots.items():
                spies[f] = [xapian.ValueCountMatchSpy(s) for s in slots]
                for s in spies[f]:
                    e.add_matchspy(s)
        if kind == "prefix":
            mset = e.get_mset(0, 5)
        else:
            # check_at_least = database size: Xapian looks at every match, so
            # the total and the facet counts are exact, as Trouvaille's are.
            mset = e.get_mset(0, 20, self.db.get_doccount())
        hits = []
        for m in mset:
            d = json.loads(m.document.get_data())
            hit = {"id": d["id"], "title": d["title"]}
            if kind in ("facets+highlight", "highlight"):
                snip = mset.snippet(d["body"], 200, self.stem,
                                              xapian.MSet.SNIPPET_BACKGROUND_MODEL | xapian.MSet.SNIPPET_EXHAUSTIVE,
                                              "<mark>", "</mark>", "…")
                hit["snippet"] = snip.decode() if isinstance(snip, bytes) else snip
            hits.append(hit)
        out = {"total": mset.get_matches_estimated() if kind != "prefix" else mset.size(), "hits": hits}
        if kind != "prefix":
            if mset.get_matches_lower_bound() != mset.get_matches_upper_bound():
                raise RuntimeError("total not exact: %d..%d" % (mset.get_matches_lower_bound(), mset.get_matches_upper_bound()))
        if spies:
            facets = {}
            for f, ss in spies.items():
                counts = {}
                for s in ss:
                    for item in s.values():
                        v = item.term.decode()
                        counts[v] = counts.get(v, 0) + item.termfreq
                top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
                facets[f] = [[v, c] for v, c in top]
            out["facets"] = facets
        return out

    def search(self, req):
        kind = req.get("kind", "plain")
        text = fold(req["q"])
        if kind == "prefix":
            # Every word but the last required, the last one a prefix.
            return self.run(self.parse(text, xapian.Query.OP_AND, xapian.QueryParser.FLAG_PARTIAL), kind)
        out = self.run(self.parse(text, xapian.Query.OP_AND), kind)
        if out["total"] == 0 and len(text.split()) > 1:
            # No note has every word: fall back to any word.
            out = self.run(self.parse(text, xapian.Query.OP_OR), kind)
            out["fallback"] = True
        return out


def serve(path):
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    s = Searcher(path)
    print("ready %d" % s.db.get_doccount(), flush=True)
    for line in sys.stdin:
        try:
            ans = s.search(json.loads(line))
        except Exception as e:  # report, keep serving
            ans = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(ans, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "ingest":
        ingest(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit("usage: speed.py ingest NOTES DB | speed.py serve DB")


if __name__ == "__main__":
    main()
