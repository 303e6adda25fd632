package bench
import ("testing";"os";"time";"bufio";"fmt";"encoding/json")
func TestTmpGen(t *testing.T){
  f,_ := os.Create("/tmp/bt/n.jsonl"); w := bufio.NewWriterSize(f, 1<<20)
  st := time.Now(); if err := Generate(w, 100000, 42); err != nil {t.Fatal(err)}; w.Flush(); f.Close()
  fmt.Println("100k in", time.Since(st), VocabularyStats(), topContent(15))
  for _, q := range Queries(20, 1) { fmt.Printf("%q ", q) }
  b,_ := os.ReadFile("/tmp/bt/n.jsonl"); var n Note; json.Unmarshal(b[:indexOf(b)], &n); nb, _ := json.Marshal(n); if string(nb)+"\n" != string(b[:indexOf(b)+1]) { t.Errorf("mismatch\n%s\n%s", nb, b[:indexOf(b)]) }
}
func indexOf(b []byte) int { for i,c := range b { if c=='\n' {return i}}; return -1 }
