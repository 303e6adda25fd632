package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// scanSeeds are records for TestScanMembers and FuzzScanMembers.
var scanSeeds = []string{
	`{}`, ` { } `, `{"id":"a"}`, `{"id":"a","title":"T","tags":["x",1,-2.5e+3,true,false,null,{"k":[]}]}`,
	`{"a":"\u00e9\n\"\\\/","b":0,"c":-0.5,"d":1E9}`, `{"k\u00e9y":1}`, `{"a":1,"a":2}`, `{"a":{"b":{"c":{}}}}`,
	`{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`,
	`{"a":"x`, `{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{"a":1} x`, `{"a":1}{}`, `[1]`, `"x"`, ``, `{`,
	`{"a":[1,]}`, `{"a":[,1]}`, `{"a":{"b"}}`, `{"a":{"b":1,}}`, `{"a":nul}`, `{"a":NaN}`, `{"a":+1}`,
	"\t{\r\n\"a\"\t:\n\"b\"\r}\n", `{"a":"\ud800"}`, `{"\ud83d\ude00":"😀"}`,
	`{"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`,
}

// scanAgrees checks scanMembers against encoding/json's tokenizer: the same
// members where it accepts the record, and where it refuses one, either a
// record encoding/json refuses too or one nested too deep for the scanner.
func scanAgrees(t *testing.T, data []byte) {
	if !utf8.Valid(data) {
		return // decodeRecord refuses it before members
	}
	got, ok := scanMembers(data)
	want, err := membersJSON(data)
	if !ok {
		if err == nil && depth(data) <= maxScanDepth {
			t.Fatalf("scanMembers refused %q, encoding/json reads %d members", data, len(want))
		}
		return
	}
	if err != nil {
		t.Fatalf("scanMembers read %q, encoding/json: %v", data, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d members, encoding/json %d", data, len(got), len(want))
	}
	for i := range got {
		if got[i].key != want[i].key || !bytes.Equal(got[i].raw, want[i].raw) {
			t.Fatalf("%q member %d: %q=%s, encoding/json %q=%s", data, i, got[i].key, got[i].raw, want[i].key, want[i].raw)
		}
	}
}

// depth is the deepest nesting of brackets outside strings (roughly: escapes
// are skipped).
func depth(data []byte) int {
	d, most, in := 0, 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && (c == '[' || c == '{'):
			d++
			most = max(most, d)
		case !in && (c == ']' || c == '}'):
			d--
		}
	}
	return most
}

func TestScanMembers(t *testing.T) {
	for _, s := range scanSeeds {
		scanAgrees(t, []byte(s))
	}
	if _, ok := scanMembers([]byte(`{"a":1,"b":[2]}`)); !ok {
		t.Fatal("a plain record left to encoding/json")
	}
}

func FuzzScanMembers(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { scanAgrees(t, data) })
}

// elementsAgree checks scanElements against encoding/json's
// []json.RawMessage, as scanAgrees does for members.
func elementsAgree(t *testing.T, data []byte) {
	if !utf8.Valid(data) {
		return
	}
	got, ok := scanElements(data)
	var want []json.RawMessage
	err := json.Unmarshal(data, &want)
	if !ok {
		if err == nil && bytes.TrimSpace(data)[0] == '[' && depth(data) <= maxScanDepth {
			t.Fatalf("scanElements refused %q, encoding/json reads %d elements", data, len(want))
		}
		return
	}
	if err != nil {
		t.Fatalf("scanElements read %q, encoding/json: %v", data, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d elements, encoding/json %d", data, len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%q element %d: %s, encoding/json %s", data, i, got[i], want[i])
		}
	}
}

// elementSeeds are arrays for TestScanElements and FuzzScanElements: the
// member seeds inside arrays, and arrays of their own.
func elementSeeds() []string {
	seeds := []string{`[]`, ` [ ] `, `["a", "b" ,"c"]`, `[1,]`, `[,1]`, `[1 2]`, `["a"`, `["\u00e9", "\ud83d\ude00"]`, `[[],{}]`, "[\t\"x\"\r\n]"}
	for _, s := range scanSeeds {
		seeds = append(seeds, "["+s+"]", "["+s+","+s+"]")
	}
	return seeds
}

func TestScanElements(t *testing.T) {
	for _, s := range elementSeeds() {
		elementsAgree(t, []byte(s))
	}
	if _, ok := scanElements([]byte(`["a", "b"]`)); !ok {
		t.Fatal("a plain list left to encoding/json")
	}
}

func FuzzScanElements(f *testing.F) {
	for _, s := range elementSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { elementsAgree(t, data) })
}
