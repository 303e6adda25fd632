package ingest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/store"
)

// TestControlCharactersAndDateRange: control characters (C0, DEL, C1) are
// refused with a message naming the field, except tab and line feed (and
// carriage return in the body); dates outside store.MinDate–MaxDate are
// refused naming the field.
func TestControlCharactersAndDateRange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra string // added to a minimal valid note ("" keeps it as is)
		title string // replaces the title when set (JSON-escaped)
		field string // "" when the note must be accepted
		want  string
	}{
		{name: "BEL in title", title: `Alerte\u0007`, field: "title", want: "caractère de contrôle U+0007 (BEL) interdit (caractère 7)"},
		{name: "ESC in summary", extra: `"summary":"\u001b[31mrouge"`, field: "summary", want: "U+001B (ESC)"},
		{name: "NUL in an author", extra: `"authors":["Ana","Lu\u0000c"]`, field: "authors[1]", want: "U+0000 (NUL)"},
		{name: "C1 control in a carnet bloc", extra: `"carnets":[{"title":"C","bloc":"B\u0085x"}]`, field: "carnets[0].bloc", want: "U+0085"},
		{name: "DEL in curator", extra: `"curator":"Zo\u007fé"`, field: "curator", want: "U+007F (DEL)"},
		{name: "CR in title", title: `Un\rdeux`, field: "title", want: "seuls la tabulation et le saut de ligne sont permis"},
		{name: "tab and newline in title", title: `Un\tdeux\ntrois`},
		{name: "tab, CR and LF in body", extra: `"body":"ligne\r\n\tindentée\r\n"`},
		{name: "year 1", extra: `"published_at":"0001-01-01"`, field: "published_at", want: "date hors limites « 0001-01-01 » : les dates vont du 1800-01-01 au 2200-12-31, en UTC"},
		{name: "year 9999", extra: `"updated_at":"9999-12-31T00:00:00Z"`, field: "updated_at", want: "date hors limites"},
		{name: "just before the range", extra: `"published_at":"1799-12-31T23:59:59Z"`, field: "published_at", want: "date hors limites"},
		{name: "just after the range once in UTC", extra: `"published_at":"2200-12-31T23:00:00-04:00"`, field: "published_at", want: "date hors limites « 2200-12-31T23:00:00-04:00 » (en UTC : 2201-01-01T03:00:00Z) : les dates vont du 1800-01-01 au 2200-12-31, en UTC"},
		{name: "first day of the range", extra: `"published_at":"1800-01-01"`},
		{name: "last day of the range", extra: `"published_at":"2200-12-31T23:59:59Z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := minimal
			if tc.title != "" {
				in = strings.Replace(in, `"title":"T"`, `"title":"`+tc.title+`"`, 1)
			}
			if tc.extra != "" {
				in = strings.TrimSuffix(in, "}") + "," + tc.extra + "}"
			}
			recs, rejs := decodeAll(t, in, "n.jsonl", Options{})
			if tc.field == "" {
				if len(rejs) != 0 || len(recs) != 1 {
					t.Fatalf("want the note accepted, got rejections %v", rejs)
				}
				return
			}
			if len(rejs) != 1 {
				t.Fatalf("want 1 rejection, got %v (records %d)", rejs, len(recs))
			}
			if rejs[0].Field != tc.field || !strings.Contains(rejs[0].Reason, tc.want) {
				t.Errorf("rejection %q, want field %q and reason containing %q", rejs[0].Error(), tc.field, tc.want)
			}
		})
	}
}

// ValidateNote (notes built by callers, not decoded) applies the same checks.
func TestValidateNoteControlAndDates(t *testing.T) {
	year1 := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		n     store.Note
		field string
	}{
		{store.Note{ID: "a", Type: "note", Title: "x\x1b[2J", Visibility: "public"}, "title"},
		{store.Note{ID: "a", Type: "note", Title: "x", Terms: []string{"ok", "b\x07"}, Visibility: "public"}, "terms[1]"},
		{store.Note{ID: "a", Type: "note", Title: "x", PublishedAt: &year1, Visibility: "public"}, "published_at"},
	} {
		err := ValidateNote(&tc.n)
		r, ok := err.(Rejection)
		if !ok || r.Field != tc.field {
			t.Errorf("ValidateNote(%+v) = %v, want a rejection of %s", tc.n, err, tc.field)
		}
	}
}

// Rejections in a JSON array name the element: a one-line array would
// otherwise label every rejection "file:1".
func TestRejectionNamesArrayElement(t *testing.T) {
	in := `[` + minimal + `,{"id":"a2","visibility":"public"},{"id":"a3","title":"T","visibility":"nope"}]`
	_, rejs := decodeAll(t, in, "notes.json", Options{})
	want := []string{
		"notes.json:élément 2: title: champ obligatoire manquant",
		"notes.json:élément 3: visibility: visibilité inconnue",
	}
	if len(rejs) != len(want) {
		t.Fatalf("rejections %v", rejs)
	}
	for i, w := range want {
		if got := rejs[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("rejection %d = %q, want prefix %q", i, got, w)
		}
	}
	// Pretty-printed: the element and its line.
	in = "[\n" + minimal + ",\n{\"id\":\"a2\",\n\"visibility\":\"public\"}\n]"
	_, rejs = decodeAll(t, in, "notes.json", Options{})
	if len(rejs) != 1 || !strings.HasPrefix(rejs[0].Error(), "notes.json:élément 2 (ligne 3): title: ") {
		t.Errorf("rejections %v", rejs)
	}
	// JSON lines keep file:line.
	_, rejs = decodeAll(t, minimal+"\n"+`{"id":"a2","visibility":"public"}`, "notes.jsonl", Options{})
	if len(rejs) != 1 || !strings.HasPrefix(rejs[0].Error(), "notes.jsonl:2: title: ") {
		t.Errorf("rejections %v", rejs)
	}
}

// readers is a list of user ids: checked like note ids, trimmed and deduplicated.
func TestReaders(t *testing.T) {
	var got []*store.Note
	var rej []Rejection
	in := `{"id":"a","title":"t","visibility":"private","readers":["u1"," u2 ","u1"]}
{"id":"b","title":"t","visibility":"private","readers":["pas bon!"]}
`
	err := Decode(strings.NewReader(in), "r.jsonl", Options{}, func(r Record) error { got = append(got, r.Note); return nil }, func(r Rejection) { rej = append(rej, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0].Readers, []string{"u1", "u2"}) {
		t.Fatalf("notes %+v", got)
	}
	if len(rej) != 1 || rej[0].Field != "readers[0]" {
		t.Fatalf("rejections %+v", rej)
	}
}
