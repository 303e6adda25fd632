package ingest
import ("testing";"strings";"time";"fmt")
func TestZZSpeed(t *testing.T){
 var b strings.Builder
 for i:=0;i<50000;i++{ fmt.Fprintf(&b, `{"id":"n%d","title":"Titre numéro %d","visibility":"public","authors":["Ana","Luc"],"body":"%s","published_at":"2024-05-02"}`+"\n", i, i, strings.Repeat("Le commun est une ressource partagée. ", 50)) }
 s := b.String()
 for _, name := range []string{"a.jsonl","a.json"} {
  in := s; if name=="a.json" { in = "["+strings.ReplaceAll(strings.TrimSuffix(s,"\n"),"\n",",\n")+"]" }
  st:=time.Now(); n:=0
  Decode(strings.NewReader(in), name, Options{}, func(Record) error {n++; return nil}, func(r Rejection){t.Fatal(r)})
  t.Logf("%s: %d notes, %.1f MB in %v", name, n, float64(len(in))/1e6, time.Since(st))
 }
}
