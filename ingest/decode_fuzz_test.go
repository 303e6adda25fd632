package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func FuzzDecode(f *testing.F) {
	seeds := []string{
		minimal,
		minimal + "\n" + `{"id":"a2","deleted":true}` + "\n\n",
		`{"id":"a1","type":"terme","title":" Que\u0301bec ","visibility":"community","authors":["A","A",""],"carnets":[{"title":"C","bloc":"B"}],"links":["b"],"published_at":"2024-05-02","updated_at":"2024-05-02T10:00:00+02:00","url":"https://x.org"}`,
		`{"id":"a1","title":"T",` + "\n" + minimal,
		"{\"id\":\"a1\",\"title\":\"\xff\",\"visibility\":\"public\"}",
		"[" + minimal + ",\n" + minimal + "]",
		"[{\"id\":\"a\",\n\"title\": x}, {\"a\":[1}, 3 \"s\" ]] x",
		"\ufeff{\n \"id\": \"a1\",\n \"title\": \"T\"\n}",
		`{"id":"a1","title":"T","visibility":"public","zz":1,"id":"b"}`,
		`[`,
		`{"id":"` + strings.Repeat("x", 129) + `"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz.jsonl"
		if asJSON {
			name = "fuzz.json"
		}
		for _, opts := range []Options{{}, {DefaultVisibility: "public", IgnoreUnknown: true}} {
			var recs []Record
			var rejs []Rejection
			err := Decode(bytes.NewReader(data), name, opts,
				func(r Record) error { recs = append(recs, r); return nil },
				func(r Rejection) { rejs = append(rejs, r) })
			if err != nil {
				t.Fatalf("Decode returned %v on an in-memory reader", err)
			}
			lines := bytes.Count(data, []byte{'\n'}) + 1
			limit := lines + 1
			if arrayLike(data, asJSON) {
				limit = len(data) + 1 // several objects may share a line
			}
			if n := len(recs) + len(rejs); n > limit {
				t.Fatalf("%d records + %d rejections > %d", len(recs), len(rejs), limit)
			}
			for _, r := range rejs {
				if r.File != name || r.Line < 1 || r.Line > lines || r.Reason == "" || !utf8Valid(r.Error()) {
					t.Fatalf("bad rejection %+v", r)
				}
			}
			prev := 0
			for _, r := range recs {
				if r.Line < prev || r.Line < 1 || r.Line > lines {
					t.Fatalf("record line %d (previous %d, %d lines)", r.Line, prev, lines)
				}
				prev = r.Line
				if r.Deleted {
					if r.Note != nil || !validID(r.ID) {
						t.Fatalf("bad deletion %+v", r)
					}
					continue
				}
				n := r.Note
				if n == nil || n.ID != r.ID {
					t.Fatalf("bad record %+v", r)
				}
				if err := ValidateNote(n); err != nil {
					t.Fatalf("emitted note fails ValidateNote: %v", err)
				}
				for _, s := range append([]string{n.Title, n.Summary, n.Body, n.Curator, n.Community}, n.Authors...) {
					if !norm.NFC.IsNormalString(s) {
						t.Fatalf("not NFC: %q", s)
					}
				}
				// Decoding the JSON form of a note gives it back unchanged.
				js, err := json.Marshal(n)
				if err != nil {
					t.Fatalf("marshal: %v", err)
				}
				again, rej2 := decodeAll(t, string(js), "again.jsonl", Options{})
				if len(rej2) != 0 || len(again) != 1 || !notesEqual(again[0].Note, n) {
					t.Fatalf("round trip of %s: %+v %v", js, again, rej2)
				}
			}
		}
	})
}

// arrayLike tells whether Decode splits data as a JSON array or object stream.
func arrayLike(data []byte, asJSON bool) bool {
	data = bytes.TrimPrefix(data, utf8BOM)
	data = bytes.TrimLeft(data, " \t\r\n")
	return asJSON || (len(data) > 0 && data[0] == '[')
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// FuzzUnquote checks unquote against encoding/json on valid string literals.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`""`, `"a"`, `"\n\t\"\\\/é"`, `"\u00e9\ud83d\ude00"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`, `"x\u0000y"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want string
		if !utf8Valid(string(raw)) || json.Unmarshal(raw, &want) != nil || raw[0] != '"' {
			return
		}
		got, ok := unquote(raw)
		if !ok || got != want {
			t.Fatalf("unquote(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	})
}
