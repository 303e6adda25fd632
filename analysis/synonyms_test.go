package analysis

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseSynonyms(t *testing.T) {
	s, err := ParseSynonyms(`# commentaire
OBNL, OSBL, organisme à but non lucratif   # fin de ligne
garderie => CPE, centre de la petite enfance

CA, conseil d'administration
`, "test")
	if err != nil {
		t.Fatal(err)
	}
	if s.Groups != 3 {
		t.Errorf("groups = %d, want 3", s.Groups)
	}
	cases := []struct {
		words string
		want  []string
	}{
		{"OBNL", []string{"OSBL", "organisme à but non lucratif"}},    // two-way
		{"osbl", []string{"OBNL", "organisme à but non lucratif"}},    // case
		{"organismes à but non lucratif", []string{"OBNL", "OSBL"}},   // multi-word source, plural
		{"organisme a but non lucratif", []string{"OBNL", "OSBL"}},    // accents
		{"garderie", []string{"CPE", "centre de la petite enfance"}},  // one-way
		{"garderies", []string{"CPE", "centre de la petite enfance"}}, // plural
		{"CPE", nil},                                       // one-way: not back
		{"centre de la petite enfance", nil},               //
		{"ca", []string{"CA", "conseil d'administration"}}, // stop-word acronym stands for itself
		{"ça", nil},                                        // never ça
		{"conseil d’administration", []string{"CA"}},       // typographic apostrophe
	}
	for _, c := range cases {
		if got := s.Expand(c.words); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Expand(%q) = %q, want %q", c.words, got, c.want)
		}
	}
}

func TestParseSynonymsErrors(t *testing.T) {
	for _, bad := range []string{
		"seul",
		"a, , b",
		"a => b => c",
		"=> b",
		"a =>",
		"a, b\nc, \"d\"",
		"le, la", // nothing but... two stop words each alone are fine; see below
	} {
		_, err := ParseSynonyms(bad, "t")
		if bad == "le, la" {
			continue
		}
		if err == nil {
			t.Errorf("%q: no error", bad)
		} else if !strings.HasPrefix(err.Error(), "ligne ") {
			t.Errorf("%q: error %q does not name the line", bad, err)
		}
	}
}

func TestDefaultSynonyms(t *testing.T) {
	s := DefaultSynonyms()
	if s.Groups < 60 {
		t.Errorf("default list has %d groups, want at least 60", s.Groups)
	}
	for _, acr := range []string{"CdP", "OBNL", "OSBL", "CDC", "CPE", "CLSC", "CIUSSS", "MRC", "TIESS", "ÉS", "IA", "ODD", "RH", "CA", "AGA", "PAB"} {
		if len(s.Expand(acr)) == 0 {
			t.Errorf("%s has no synonym", acr)
		}
	}
}

// A compound member with an elision inside (Cantons-de-l’Est) is keyed as
// the whole compound: its key was « est », after the last apostrophe, so
// that « c’est quoi un tiers-lieu » required the notes of the Estrie (16
// notes found → 4 on the demo corpus).
func TestCompoundWithElisionKeyedWhole(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"Cantons-de-l'Est", "c'est"},
		{"Cantons-de-l’Est", "l'Est"},
		{"L'Est-du-Québec", "est"},
	} {
		ka, _ := WordKey(c.a)
		kb, _ := WordKey(c.b)
		if ka == kb {
			t.Errorf("WordKey(%q) = WordKey(%q) = %q", c.a, c.b, ka)
		}
	}
	same := [][2]string{
		{"Cantons-de-l'Est", "cantons-de-l’est"},
		{"L'Est-du-Québec", "est-du-quebec"},
		{"Trois-Rivières", "trois-rivieres"},
		{"l'organisme", "organismes"},
	}
	for _, c := range same {
		ka, _ := WordKey(c[0])
		kb, _ := WordKey(c[1])
		if ka != kb {
			t.Errorf("WordKey(%q) = %q, WordKey(%q) = %q: want the same", c[0], ka, c[1], kb)
		}
	}
	s, err := ParseSynonyms("Estrie, Cantons-de-l'Est\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Expand("c'est"); got != nil {
		t.Errorf("c'est expands to %v", got)
	}
	if got := s.Expand("cantons-de-l'est"); len(got) != 1 || got[0] != "Estrie" {
		t.Errorf("cantons-de-l'est expands to %v, want Estrie", got)
	}
}

// A synonyms file that cannot be read is said in French, with what to do
// (a reload by SIGHUP or by the API route answered Go's « open …: no such
// file or directory »).
func TestLoadSynonymsUnreadable(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "absent.txt"), "n’existe pas : vérifiez le chemin"},
		{dir, "est un dossier : donnez le fichier de synonymes"},
	} {
		_, err := LoadSynonyms(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "no such file") || strings.Contains(err.Error(), "is a directory") {
			t.Errorf("LoadSynonyms(%s): %v, want %q", c.path, err, c.want)
		}
	}
}
