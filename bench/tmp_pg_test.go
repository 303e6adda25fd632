package bench
import ("testing";"os";"context";"fmt";"encoding/json")
func TestTmpPG(t *testing.T){
  w := t.TempDir()
  cfg := &Config{NotesFile:"/tmp/bt/n10k.jsonl", Queries: Queries(500,1), Warmup: Queries(50,2), WorkDir:w, Log: os.Stderr}
  r, err := RunPostgres(context.Background(), cfg); if err != nil {t.Fatal(err)}
  b,_ := json.MarshalIndent(r,""," "); fmt.Println(string(b))
}
