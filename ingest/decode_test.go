package ingest

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/encommun/trouvaille/store"
)

const minimal = `{"id":"a1","title":"T","visibility":"public"}`

// decodeAll decodes in and collects everything.
func decodeAll(t *testing.T, in, name string, opts Options) ([]Record, []Rejection) {
	t.Helper()
	var recs []Record
	var rejs []Rejection
	err := Decode(strings.NewReader(in), name, opts,
		func(r Record) error { recs = append(recs, r); return nil },
		func(r Rejection) { rejs = append(rejs, r) })
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return recs, rejs
}

// with returns the minimal note with extra members (raw JSON) appended.
func with(extra string) string {
	return strings.TrimSuffix(minimal, "}") + "," + extra + "}"
}

type wantRej struct {
	line   int
	field  string
	reason string // substring of Reason
}

func TestDecode(t *testing.T) {
	d := func(s string) *time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		tm = tm.UTC()
		return &tm
	}
	tests := []struct {
		name  string
		in    string
		file  string // default "notes.jsonl"
		opts  Options
		notes []store.Note // expected emitted notes (deletions excluded)
		dels  []string     // expected deleted ids
		lines []int        // expected lines of emitted records, when checked
		rejs  []wantRej
	}{
		{
			name:  "valid minimal note, default type",
			in:    minimal,
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
		},
		{
			name: "all fields",
			in: `{"id":"8AqrLF2oAJEVcNNyFuJB7VJ5Lm8","type":"terme","title":"  Communs  ","summary":"En bref","body":"# Titre\n\ntexte",` +
				`"authors":["Ana","Luc"],"curator":"Zoé","organisations":["Praxis"],"terms":["commun"],` +
				`"carnets":[{"title":"Carnet","bloc":"Bloc"},{"title":"Autre"}],"community":"Québec","links":["b2","c_3-x"],` +
				`"published_at":"2024-05-02","updated_at":"2024-05-02T14:30:00-04:00","visibility":"community","url":"https://praxis.encommun.io/n/1"}`,
			notes: []store.Note{{
				ID: "8AqrLF2oAJEVcNNyFuJB7VJ5Lm8", Type: "terme", Title: "Communs", Summary: "En bref", Body: "# Titre\n\ntexte",
				Authors: []string{"Ana", "Luc"}, Curator: "Zoé", Organisations: []string{"Praxis"}, Terms: []string{"commun"},
				Carnets:   []store.Carnet{{Title: "Carnet", Bloc: "Bloc"}, {Title: "Autre"}},
				Community: "Québec", Links: []string{"b2", "c_3-x"},
				PublishedAt: d("2024-05-02T00:00:00Z"), UpdatedAt: d("2024-05-02T18:30:00Z"),
				Visibility: "community", URL: "https://praxis.encommun.io/n/1",
			}},
		},
		{
			name: "missing id",
			in:   `{"title":"T","visibility":"public"}`,
			rejs: []wantRej{{1, "id", "champ obligatoire manquant : ajoutez un identifiant (id)"}},
		},
		{
			name: "missing title",
			in:   `{"id":"a1","visibility":"public"}`,
			rejs: []wantRej{{1, "title", "champ obligatoire manquant : ajoutez un titre (title)"}},
		},
		{
			name: "blank title",
			in:   `{"id":"a1","title":"  \t ","visibility":"public"}`,
			rejs: []wantRej{{1, "title", "ajoutez un titre"}},
		},
		{
			name: "title of invisible characters",
			in:   `{"id":"a1","title":"\u200b \u200d\u00ad","visibility":"public"}`,
			rejs: []wantRej{{1, "title", "titre invisible : il ne contient que des caractères invisibles (espaces, U+200B…); ajoutez un titre lisible (title)"}},
		},
		{
			name: "missing visibility without default",
			in:   `{"id":"a1","title":"T"}`,
			rejs: []wantRej{{1, "visibility", "champ obligatoire manquant : précisez la visibilité"}},
		},
		{
			name:  "missing visibility with default",
			in:    `{"id":"a1","title":"T"}`,
			opts:  Options{DefaultVisibility: "private"},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "private"}},
		},
		{
			name:  "explicit visibility wins over default",
			in:    minimal,
			opts:  Options{DefaultVisibility: "private"},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
		},
		{
			name: "bad id characters",
			in:   `{"id":"a/1 é","title":"T","visibility":"public"}`,
			rejs: []wantRej{{1, "id", "identifiant invalide « a/1 é »"}},
		},
		{
			name: "id too long",
			in:   `{"id":"` + strings.Repeat("x", 129) + `","title":"T","visibility":"public"}`,
			rejs: []wantRej{{1, "id", "identifiant trop long (129 caractères)"}},
		},
		{
			name:  "id of 128 characters",
			in:    `{"id":"` + strings.Repeat("x", 128) + `","title":"T","visibility":"public"}`,
			notes: []store.Note{{ID: strings.Repeat("x", 128), Type: "note", Title: "T", Visibility: "public"}},
		},
		{
			name: "title of 501 runes",
			in:   `{"id":"a1","title":"` + strings.Repeat("é", 501) + `","visibility":"public"}`,
			rejs: []wantRej{{1, "title", "titre trop long (501 caractères)"}},
		},
		{
			name:  "title of 500 runes (1000 bytes)",
			in:    `{"id":"a1","title":"` + strings.Repeat("é", 500) + `","visibility":"public"}`,
			notes: []store.Note{{ID: "a1", Type: "note", Title: strings.Repeat("é", 500), Visibility: "public"}},
		},
		{
			name:  "title of 500 runes given in NFD (1000 runes)",
			in:    `{"id":"a1","title":"` + strings.Repeat("e\u0301", 500) + `","visibility":"public"}`,
			notes: []store.Note{{ID: "a1", Type: "note", Title: strings.Repeat("é", 500), Visibility: "public"}},
		},
		{
			name: "body over 1 MiB",
			in:   with(`"body":"` + strings.Repeat("a", MaxBodyBytes+1) + `"`),
			rejs: []wantRej{{1, "body", "corps trop volumineux (1\u202F048\u202F577 octets)"}},
		},
		{
			name:  "body of exactly 1 MiB",
			in:    with(`"body":"` + strings.Repeat("a", MaxBodyBytes) + `"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Body: strings.Repeat("a", MaxBodyBytes)}},
		},
		{
			name:  "body keeps first-line indentation, drops blank lines around",
			in:    with(`"body":"\n\n    code\n\ntexte  \n\n"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Body: "    code\n\ntexte"}},
		},
		{
			name: "bad type",
			in:   with(`"type":"blogue"`),
			rejs: []wantRej{{1, "type", "type inconnu « blogue » : utilisez note, terme ou organisation"}},
		},
		{
			name:  "type organisation",
			in:    with(`"type":"organisation"`),
			notes: []store.Note{{ID: "a1", Type: "organisation", Title: "T", Visibility: "public"}},
		},
		{
			name: "bad visibility",
			in:   `{"id":"a1","title":"T","visibility":"Public"}`,
			rejs: []wantRej{{1, "visibility", "visibilité inconnue « Public »"}},
		},
		{
			name: "unknown field named",
			in:   with(`"titre":"x"`),
			rejs: []wantRej{{1, "titre", "champ inconnu : « titre » (vouliez-vous dire « title » ?)"}},
		},
		{
			name: "several unknown fields",
			in:   with(`"zzz":1,"yyy":2`),
			rejs: []wantRej{{1, "zzz", "champs inconnus : « zzz », « yyy »"}},
		},
		{
			name:  "IgnoreUnknown",
			in:    with(`"titre":"x","carnets":[{"title":"C","couleur":"rouge"}]`),
			opts:  Options{IgnoreUnknown: true},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Carnets: []store.Carnet{{Title: "C"}}}},
		},
		{
			name: "unknown field in a carnet",
			in:   with(`"carnets":[{"title":"C","couleur":"rouge"}]`),
			rejs: []wantRej{{1, "carnets[0]", "champ inconnu dans un carnet : « couleur »"}},
		},
		{
			name: "duplicated field",
			in:   with(`"title":"U"`),
			rejs: []wantRej{{1, "title", "champ en double"}},
		},
		{
			name: "wrong JSON type for a list",
			in:   with(`"authors":"Ana"`),
			rejs: []wantRej{{1, "authors", "type incorrect : attendu une liste de chaînes de caractères, reçu une chaîne de caractères"}},
		},
		{
			name: "wrong JSON type in a list",
			in:   with(`"terms":["a",2]`),
			rejs: []wantRej{{1, "terms[1]", "attendu une chaîne de caractères, reçu un nombre"}},
		},
		{
			name: "wrong JSON type for a string",
			in:   `{"id":"a1","title":["T"],"visibility":"public"}`,
			rejs: []wantRej{{1, "title", "attendu une chaîne de caractères, reçu une liste"}},
		},
		{
			name: "wrong JSON type for id",
			in:   `{"id":42,"title":"T","visibility":"public"}`,
			rejs: []wantRej{{1, "id", "reçu un nombre"}},
		},
		{
			name: "wrong JSON type for deleted",
			in:   `{"id":"a1","deleted":"oui"}`,
			rejs: []wantRej{{1, "deleted", "attendu un booléen (true ou false)"}},
		},
		{
			name:  "null means absent",
			in:    `{"id":"a1","title":"T","visibility":"public","summary":null,"authors":null,"published_at":null,"terms":[null,"t"]}`,
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Terms: []string{"t"}}},
		},
		{
			name:  "malformed JSON line then a good line",
			in:    `{"id":"a0","title":"T",` + "\n" + `{"id":"a1","title":"T","visibility":"public"}`,
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			lines: []int{2},
			rejs:  []wantRej{{1, "", "JSON incomplet"}},
		},
		{
			name:  "stray character reported with its column",
			in:    `{"id":"a0","title":"T",}` + "\n" + minimal,
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{1, "", "caractère inattendu « } » (colonne 24)"}},
		},
		{
			name:  "not an object",
			in:    minimal + "\n\"texte\"\n42\n[1]",
			rejs:  []wantRej{{2, "", "n’est pas un objet JSON"}, {3, "", "n’est pas un objet JSON"}, {4, "", "n’est pas un objet JSON"}},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
		},
		{
			name: "array of non-objects",
			file: "export.json",
			in:   `[1, "deux", [3], null]`,
			rejs: []wantRej{{1, "", "n’est pas un objet JSON"}, {1, "", "n’est pas un objet JSON"}, {1, "", "n’est pas un objet JSON"}, {1, "", "n’est pas un objet JSON"}},
		},
		{
			name:  "invalid UTF-8",
			in:    "{\"id\":\"a0\",\"title\":\"caf\xe9\",\"visibility\":\"public\"}\n" + minimal,
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{1, "", "encodage UTF-8 invalide (octet 0xE9, colonne 24)"}},
		},
		{
			name:  "NFD normalised to NFC and trimmed",
			in:    `{"id":" a1 ","title":"  Cafe\u0301 du Que\u0301bec\n","visibility":"public","authors":["Ame\u0301lie ","Amélie","  ",""]}`,
			notes: []store.Note{{ID: "a1", Type: "note", Title: "Café du Québec", Visibility: "public", Authors: []string{"Amélie"}}},
		},
		{
			name:  "body: blank lines around dropped, first line's indentation kept (README)",
			in:    with(`"body":"\n \n    code\nsuite  \n\n"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Body: "    code\nsuite"}},
		},
		{
			name:  "duplicated authors removed keeping order",
			in:    with(`"authors":["Luc","Ana","Luc"," Ana","Zoé"]`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Authors: []string{"Luc", "Ana", "Zoé"}}},
		},
		{
			name:  "date only",
			in:    with(`"published_at":"2024-05-02"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", PublishedAt: d("2024-05-02T00:00:00Z")}},
		},
		{
			name:  "date-time with offset stored in UTC, to the second",
			in:    with(`"updated_at":"2024-05-02T22:15:30.5-04:00"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", UpdatedAt: d("2024-05-03T02:15:30Z")}},
		},
		{
			name:  "lower-case t and z, as RFC 3339 allows",
			in:    with(`"published_at":"2024-05-02t14:30:00z"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", PublishedAt: d("2024-05-02T14:30:00Z")}},
		},
		{
			name:  "leap second read as the second before it",
			in:    with(`"published_at":"2016-12-31T23:59:60Z"`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", PublishedAt: d("2016-12-31T23:59:59Z")}},
		},
		{
			name: "offset of 60 minutes refused",
			in:   with(`"published_at":"2024-05-02T14:30:00-04:60"`),
			rejs: []wantRej{{1, "published_at", "décalage horaire impossible dans « 2024-05-02T14:30:00-04:60 »"}},
		},
		{
			name: "offset of 24 hours refused",
			in:   with(`"published_at":"2024-05-02T14:30:00+24:00"`),
			rejs: []wantRej{{1, "published_at", "décalage horaire impossible"}},
		},
		{
			name: "bad date names the field",
			in:   with(`"updated_at":"2024-13-02"`),
			rejs: []wantRej{{1, "updated_at", "date invalide « 2024-13-02 »"}},
		},
		{
			name: "French date",
			in:   with(`"published_at":"2 mai 2024"`),
			rejs: []wantRej{{1, "published_at", "utilisez le format RFC 3339"}},
		},
		{
			name: "date-time without zone",
			in:   with(`"published_at":"2024-05-02T10:00:00"`),
			rejs: []wantRej{{1, "published_at", "fuseau horaire manquant"}},
		},
		{
			name: "bad url",
			in:   with(`"url":"ftp://exemple.org/x"`),
			rejs: []wantRej{{1, "url", "adresse invalide"}},
		},
		{
			name: "bad link",
			in:   with(`"links":["ok","pas bon"]`),
			rejs: []wantRej{{1, "links[1]", "identifiant de note liée invalide « pas bon »"}},
		},
		{
			name:  "deletion",
			in:    `{"id":"a1","deleted":true}`,
			dels:  []string{"a1"},
			lines: []int{1},
		},
		{
			name: "deletion needs a valid id",
			in:   `{"id":"a 1","deleted":true}`,
			rejs: []wantRej{{1, "id", "identifiant invalide"}},
		},
		{
			name:  "deleted false is a normal note",
			in:    with(`"deleted":false`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
		},
		{
			name:  "blank lines skipped, CRLF accepted",
			in:    "\n  \r\n" + minimal + "\r\n\t\n\n" + `{"id":"a2","title":"U","visibility":"public"}` + "\r\n\n",
			lines: []int{3, 6},
			notes: []store.Note{
				{ID: "a1", Type: "note", Title: "T", Visibility: "public"},
				{ID: "a2", Type: "note", Title: "U", Visibility: "public"},
			},
		},
		{
			name: "carnet without title",
			in:   with(`"carnets":[{"title":"A"},{"bloc":"B"}]`),
			rejs: []wantRej{{1, "carnets[1].title", "titre de carnet manquant"}},
		},
		{
			name: "carnet that is not an object",
			in:   with(`"carnets":["A"]`),
			rejs: []wantRej{{1, "carnets[0]", "reçu une chaîne de caractères"}},
		},
		{
			name:  "duplicated carnets removed",
			in:    with(`"carnets":[{"title":"A","bloc":"x"},{"title":"A ","bloc":"x"},{"title":"A"}]`),
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public", Carnets: []store.Carnet{{Title: "A", Bloc: "x"}, {Title: "A"}}}},
		},
		{
			name:  "oversize line skipped, next one decoded",
			in:    with(`"body":"`+strings.Repeat("a", MaxRecordBytes)+`"`) + "\n" + minimal + "\n",
			lines: []int{2},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{1, "", "note trop volumineuse"}},
		},
		{
			name:  "json array file with object lines",
			file:  "export.json",
			in:    "[\n  " + minimal + ",\n  {\n    \"id\": \"a2\",\n    \"title\": \"U\",\n    \"visibility\": \"private\"\n  }\n]\n",
			lines: []int{2, 3},
			notes: []store.Note{
				{ID: "a1", Type: "note", Title: "T", Visibility: "public"},
				{ID: "a2", Type: "note", Title: "U", Visibility: "private"},
			},
		},
		{
			name:  "json array sniffed in a .jsonl file, bad element then good ones on one line",
			in:    "\ufeff [" + `{"id":"a0","x":1},` + minimal + "," + `{"id":"a2","deleted":true}]`,
			lines: []int{1, 1},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			dels:  []string{"a2"},
			rejs:  []wantRej{{1, "x", "champ inconnu : « x »"}},
		},
		{
			name:  "json array syntax error located by line and column",
			file:  "export.json",
			in:    "[\n{\"id\":\"a0\",\n \"title\": T}\n," + minimal + "]",
			lines: []int{4},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{2, "", "caractère inattendu « T » (ligne 3, colonne 11)"}},
		},
		{
			name:  "json array with a missing comma and no closing bracket",
			file:  "export.json",
			in:    "[" + minimal + "\n" + minimal + "\n",
			lines: []int{1, 2},
			notes: []store.Note{
				{ID: "a1", Type: "note", Title: "T", Visibility: "public"},
				{ID: "a1", Type: "note", Title: "T", Visibility: "public"},
			},
			rejs: []wantRej{
				{2, "", "virgule manquante"},
				{3, "", "tableau JSON non fermé"},
			},
		},
		{
			name:  "json array with brackets inside strings and a mismatched bracket",
			file:  "export.json",
			in:    `[{"id":"a0","title":"}]{[","visibility":"public","terms":["x"}, ` + minimal + `]`,
			lines: []int{1},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{1, "", "JSON mal formé"}},
		},
		{
			name: "json array with an unterminated object",
			file: "export.json",
			in:   "[" + minimal + ",\n" + `{"id":"a2","title":"x`,
			notes: []store.Note{
				{ID: "a1", Type: "note", Title: "T", Visibility: "public"},
			},
			rejs: []wantRej{{2, "", "objet JSON incomplet"}},
		},
		{
			name:  "json array with trailing garbage",
			file:  "export.json",
			in:    "[" + minimal + "]\nfin",
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{2, "", "contenu inattendu après la fin du tableau"}},
		},
		{
			name:  "pretty-printed objects in a .json file without brackets",
			file:  "one.json",
			in:    "{\n \"id\": \"a1\",\n \"title\": \"T\",\n \"visibility\": \"public\"\n}\n\n{\"id\":\"a2\",\"deleted\":true}\n",
			lines: []int{1, 7},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			dels:  []string{"a2"},
		},
		{
			name:  "oversize array element skipped",
			file:  "export.json",
			in:    "[" + with(`"body":"`+strings.Repeat("a", MaxRecordBytes)+`"`) + ",\n" + minimal + "]",
			lines: []int{2},
			notes: []store.Note{{ID: "a1", Type: "note", Title: "T", Visibility: "public"}},
			rejs:  []wantRej{{1, "", "note trop volumineuse"}},
		},
		{
			name: "empty input",
			in:   "",
		},
		{
			name: "empty array",
			file: "export.json",
			in:   " [ ] ",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "notes.jsonl"
			}
			recs, rejs := decodeAll(t, tc.in, file, tc.opts)
			var notes []store.Note
			var dels []string
			var lines []int
			for _, r := range recs {
				lines = append(lines, r.Line)
				if r.Deleted {
					if r.Note != nil {
						t.Errorf("deletion %q has a note", r.ID)
					}
					dels = append(dels, r.ID)
					continue
				}
				if r.Note == nil || r.ID != r.Note.ID {
					t.Fatalf("bad record %+v", r)
				}
				if err := ValidateNote(r.Note); err != nil {
					t.Errorf("emitted note fails ValidateNote: %v", err)
				}
				notes = append(notes, *r.Note)
			}
			if len(notes) != len(tc.notes) {
				t.Fatalf("got %d notes, want %d (rejections: %v)", len(notes), len(tc.notes), rejs)
			}
			for i := range notes {
				if !notesEqual(&notes[i], &tc.notes[i]) {
					t.Errorf("note %d:\n got %+v\nwant %+v", i, notes[i], tc.notes[i])
				}
			}
			if !reflect.DeepEqual(dels, tc.dels) {
				t.Errorf("deletions = %v, want %v", dels, tc.dels)
			}
			if tc.lines != nil && !reflect.DeepEqual(lines, tc.lines) {
				t.Errorf("lines = %v, want %v", lines, tc.lines)
			}
			if len(rejs) != len(tc.rejs) {
				t.Fatalf("got %d rejections %v, want %d", len(rejs), rejs, len(tc.rejs))
			}
			for i, w := range tc.rejs {
				r := rejs[i]
				if r.File != file || r.Line != w.line || r.Field != w.field || !strings.Contains(r.Reason, w.reason) {
					t.Errorf("rejection %d = %q (line %d, field %q), want line %d, field %q, reason containing %q",
						i, r.Error(), r.Line, r.Field, w.line, w.field, w.reason)
				}
				if strings.Contains(r.Reason, "'") {
					t.Errorf("reason uses a straight apostrophe: %q", r.Reason)
				}
			}
		})
	}
}

// notesEqual compares notes, treating nil and empty slices alike and
// comparing times with Equal.
func notesEqual(a, b *store.Note) bool {
	ta, tb := []*time.Time{a.PublishedAt, a.UpdatedAt}, []*time.Time{b.PublishedAt, b.UpdatedAt}
	for i := range ta {
		if (ta[i] == nil) != (tb[i] == nil) {
			return false
		}
		if ta[i] != nil && (!ta[i].Equal(*tb[i]) || ta[i].Location() != time.UTC) {
			return false
		}
	}
	x, y := *a, *b
	x.PublishedAt, x.UpdatedAt, y.PublishedAt, y.UpdatedAt = nil, nil, nil, nil
	for _, n := range []*store.Note{&x, &y} {
		if len(n.Authors) == 0 {
			n.Authors = nil
		}
		if len(n.Organisations) == 0 {
			n.Organisations = nil
		}
		if len(n.Terms) == 0 {
			n.Terms = nil
		}
		if len(n.Links) == 0 {
			n.Links = nil
		}
		if len(n.Carnets) == 0 {
			n.Carnets = nil
		}
	}
	return reflect.DeepEqual(x, y)
}

func TestRejectionError(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`{"id":"a1","visibility":"public"}`,
			"notes.jsonl:1: title: champ obligatoire manquant : ajoutez un titre (title)"},
		{"\n" + `{"id":"a1","title":"T","visibility":"public","authors":"Ana"}`,
			"notes.jsonl:2: authors: type incorrect : attendu une liste de chaînes de caractères, reçu une chaîne de caractères"},
		{`{"id":"a1","title":"T","visibility":"public",}`,
			"notes.jsonl:1: JSON mal formé : caractère inattendu « } » (colonne 46); vérifiez les guillemets, les virgules et les accolades"},
		{`{"id":"a1","title":"T","terms":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
			"notes.jsonl:1: JSON trop imbriqué (colonne 10031) : une note ne contient que des textes, des listes et des carnets; retirez les crochets ou accolades en trop"},
		{"{\"id\":\"a1\",\"title\":\"\xff\"}",
			"notes.jsonl:1: encodage UTF-8 invalide (octet 0xFF, colonne 21) : enregistrez le fichier en UTF-8"},
		{`{"id":"a1","title":"T","visibilite":"public"}`,
			"notes.jsonl:1: visibilite: champ inconnu : « visibilite » (vouliez-vous dire « visibility » ?); retirez-le ou corrigez son nom" +
				" (champs acceptés : id, type, title, summary, body, authors, curator, organisations, terms, carnets, community, links, published_at, updated_at, visibility, url, readers, deleted)"},
		{`{"id":"a1","title":"T","visibility":"public","published_at":"demain"}`,
			"notes.jsonl:1: published_at: date invalide « demain » : utilisez le format RFC 3339, par exemple 2024-05-02 ou 2024-05-02T14:30:00-04:00"},
		{with(`"body":"` + strings.Repeat("b", MaxRecordBytes+10) + `"`),
			"notes.jsonl:1: note trop volumineuse : l’enregistrement, tel qu’envoyé, dépasse 2 Mio; raccourcissez ses textes : le corps (body) ne doit pas dépasser 1 Mio; envoyez aussi les caractères accentués tels quels en UTF-8 plutôt qu’en échappements JSON (\\u00e9 prend 6 octets, é en prend 2)"},
	}
	for _, tc := range tests {
		_, rejs := decodeAll(t, tc.in, "notes.jsonl", Options{})
		if len(rejs) != 1 {
			t.Errorf("%.60q: got %d rejections, want 1", tc.in, len(rejs))
			continue
		}
		if got := rejs[0].Error(); got != tc.want {
			t.Errorf("Error() =\n %q\nwant\n %q", got, tc.want)
		}
	}
	r := Rejection{Field: "title", Reason: "x"}
	if got := r.Error(); got != "title: x" {
		t.Errorf("Error() = %q", got)
	}
	if got := (Rejection{File: "f.json", Line: 3, Reason: "y"}).Error(); got != "f.json:3: y" {
		t.Errorf("Error() = %q", got)
	}
}

func TestRejectionIsErrRejected(t *testing.T) {
	_, rejs := decodeAll(t, `{"id":"a1","title":"T","visibility":"nope"}`, "n.jsonl", Options{})
	if len(rejs) != 1 {
		t.Fatalf("rejections: %v", rejs)
	}
	var err error = rejs[0]
	if !errors.Is(err, ErrRejected) {
		t.Error("Rejection does not match ErrRejected")
	}
	if !errors.Is(&rejs[0], ErrRejected) {
		t.Error("*Rejection does not match ErrRejected")
	}
	var r Rejection
	if !errors.As(err, &r) || r.ID != "a1" || r.Field != "visibility" {
		t.Errorf("errors.As: %+v", r)
	}
	if errors.Is(errors.New("x"), ErrRejected) {
		t.Error("unrelated error matches")
	}
}

func TestDecodeEmitErrorStops(t *testing.T) {
	stop := errors.New("disque plein")
	n := 0
	err := Decode(strings.NewReader(minimal+"\n"+minimal+"\n"), "n.jsonl", Options{},
		func(Record) error { n++; return stop }, nil)
	if err != stop || n != 1 {
		t.Errorf("err = %v after %d records, want %v after 1", err, n, stop)
	}
}

func TestDecodeIOError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(minimal+"\n"), iotest.ErrReader(boom))
	var got []Record
	err := Decode(r, "n.jsonl", Options{}, func(rec Record) error { got = append(got, rec); return nil }, nil)
	if !errors.Is(err, boom) || len(got) != 1 {
		t.Errorf("err = %v, %d records", err, len(got))
	}
}

func TestDecodeBadDefaultVisibility(t *testing.T) {
	err := Decode(strings.NewReader(minimal), "n.jsonl", Options{DefaultVisibility: "tous"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "visibilité par défaut inconnue") {
		t.Errorf("err = %v", err)
	}
}

func TestValidateNote(t *testing.T) {
	good := func() *store.Note { return &store.Note{ID: "a1", Type: "note", Title: "T", Visibility: "public"} }
	if err := ValidateNote(good()); err != nil {
		t.Fatalf("valid note: %v", err)
	}
	tests := []struct {
		mod   func(n *store.Note)
		field string
	}{
		{func(n *store.Note) { n.ID = "" }, "id"},
		{func(n *store.Note) { n.ID = "a.b" }, "id"},
		{func(n *store.Note) { n.Type = "" }, "type"},
		{func(n *store.Note) { n.Type = "x" }, "type"},
		{func(n *store.Note) { n.Title = "" }, "title"},
		{func(n *store.Note) { n.Title = strings.Repeat("é", 501) }, "title"},
		{func(n *store.Note) { n.Title = "caf\xe9" }, "title"},
		{func(n *store.Note) { n.Body = strings.Repeat("x", MaxBodyBytes+1) }, "body"},
		{func(n *store.Note) { n.Visibility = "" }, "visibility"},
		{func(n *store.Note) { n.Carnets = []store.Carnet{{Bloc: "b"}} }, "carnets[0].title"},
		{func(n *store.Note) { n.Links = []string{"ok", "k o"} }, "links[1]"},
		{func(n *store.Note) { n.Authors = []string{"\xff"} }, "authors[0]"},
		{func(n *store.Note) { n.URL = "javascript:alert(1)" }, "url"},
		{func(n *store.Note) { n.URL = "https://" }, "url"},
	}
	for _, tc := range tests {
		n := good()
		tc.mod(n)
		err := ValidateNote(n)
		var r Rejection
		if !errors.As(err, &r) || r.Field != tc.field || !errors.Is(err, ErrRejected) {
			t.Errorf("field %s: err = %v", tc.field, err)
		}
	}
	if err := ValidateNote(nil); err == nil {
		t.Error("nil note accepted")
	}
}

func TestNormalizeNote(t *testing.T) {
	loc := time.FixedZone("EDT", -4*3600)
	tm := time.Date(2024, 5, 2, 20, 0, 0, 0, loc)
	n := &store.Note{ID: " a1 ", Title: " Que\u0301bec ", Visibility: "public", Authors: []string{"A", "", "A "}, PublishedAt: &tm}
	NormalizeNote(n)
	if n.ID != "a1" || n.Type != "note" || n.Title != "Québec" || len(n.Authors) != 1 || n.PublishedAt.Location() != time.UTC {
		t.Errorf("NormalizeNote: %+v", n)
	}
	if err := ValidateNote(n); err != nil {
		t.Error(err)
	}
}

// TestLongListsDecodeInLinearTime: a record may hold a list of a hundred
// thousand distinct values and more within its 2 Mio; their repeats were
// found by scanning the values kept for each one (quadratic: 26 s for
// 100 000 terms, holding up the ingest or the write behind it). 140 000
// terms and 30 000 carnets are cleaned well within the deadline, repeats
// dropped and order kept.
func TestLongListsDecodeInLinearTime(t *testing.T) {
	const terms, carnets = 140000, 30000
	var b strings.Builder
	b.WriteString(`{"id":"long","title":"T","visibility":"public","terms":[`)
	for i := range terms {
		fmt.Fprintf(&b, `"%x",`, i)
	}
	b.WriteString(`"0"],"carnets":[`)
	for i := range carnets {
		fmt.Fprintf(&b, `{"title":"%x"},`, i)
	}
	b.WriteString(`{"title":"0"}]}`)
	in := b.String()
	type result struct {
		recs []Record
		rejs []Rejection
	}
	done := make(chan result, 1)
	go func() {
		var r result
		_ = Decode(strings.NewReader(in), "long.jsonl", Options{},
			func(rec Record) error { r.recs = append(r.recs, rec); return nil },
			func(rej Rejection) { r.rejs = append(r.rejs, rej) })
		done <- r
	}()
	select {
	case r := <-done:
		if len(r.recs) != 1 {
			t.Fatalf("%d records, want 1 (rejections %v)", len(r.recs), r.rejs)
		}
		nt := r.recs[0].Note
		if len(nt.Terms) != terms || nt.Terms[0] != "0" || nt.Terms[terms-1] != fmt.Sprintf("%x", terms-1) {
			t.Errorf("%d terms (first %q), want %d in order, the repeat dropped", len(nt.Terms), nt.Terms[0], terms)
		}
		if len(nt.Carnets) != carnets || nt.Carnets[0].Title != "0" {
			t.Errorf("%d carnets, want %d, the repeat dropped", len(nt.Carnets), carnets)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("decoding one record of 140 000 terms and 30 000 carnets took more than 10 s")
	}
}
