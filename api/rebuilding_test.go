package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/web"
)

// rebuildingEngine is the demo engine as it answers while its index is
// rebuilt from the store (trouvaille's TestSearchesAnswerAndWritesGoOnDuringRebuild
// shows the engine's side): every read of the index gives ErrRebuilding.
type rebuildingEngine struct{ *trouvaille.Engine }

func (rebuildingEngine) Search(context.Context, trouvaille.Scope, trouvaille.Request) (*trouvaille.Result, error) {
	return nil, trouvaille.ErrRebuilding
}

func (rebuildingEngine) Suggest(context.Context, trouvaille.Scope, string, int) (*trouvaille.Suggestions, error) {
	return nil, trouvaille.ErrRebuilding
}

func (rebuildingEngine) Related(context.Context, trouvaille.Scope, string, int) ([]trouvaille.RelatedHit, error) {
	return nil, trouvaille.ErrRebuilding
}

func (rebuildingEngine) FacetSearch(context.Context, trouvaille.Scope, string, string, trouvaille.Request, int) ([]trouvaille.FacetValue, error) {
	return nil, trouvaille.ErrRebuilding
}

func (rebuildingEngine) FacetValues(context.Context, string) ([]trouvaille.FacetValue, error) {
	return nil, trouvaille.ErrRebuilding
}

// While the index is rebuilt, the API answers 503 with the code
// index_rebuilding, a French message and Retry-After (never a 500, never a
// wait), on its own routes, the compatible routes and the search page.
func TestRebuildingAnswers503(t *testing.T) {
	_, eng := newTestServer(t)
	re := rebuildingEngine{eng}
	srv := httptest.NewServer(New(re, Config{AnonymousRatePerMinute: -1}, web.Routes(re, web.WithLogf(t.Logf))))
	defer srv.Close()
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/search?q=logement", ""},
		{"GET", "/v1/suggest?q=loge", ""},
		{"GET", "/v1/notes/x/related", ""},
		{"POST", "/1/indexes/notes/query", `{"query":"logement"}`},
		{"POST", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","params":"query=logement"}]}`},
		{"GET", "/?q=logement", ""},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		_, _ = io.Copy(&body, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s during a rebuild: %d, Retry-After %q; want 503 with Retry-After\n%s", c.method, c.path, resp.StatusCode, resp.Header.Get("Retry-After"), body.String())
			continue
		}
		b := body.String()
		if !strings.HasPrefix(c.path, "/?") {
			checkSpec(t, c.method, c.path, resp, []byte(b))
		}
		if strings.HasPrefix(c.path, "/?") {
			if !strings.Contains(b, "en entretien") {
				t.Errorf("the page during a rebuild does not say so:\n%s", b)
			}
			continue
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
			Code  string                         `json:"code"`
			Msg   string                         `json:"message"`
		}
		if err := json.Unmarshal([]byte(b), &e); err != nil {
			t.Errorf("%s: %v\n%s", c.path, err, b)
			continue
		}
		code, msg := e.Error.Code, e.Error.Message
		if code == "" {
			code, msg = e.Code, e.Msg
		}
		if code != "index_rebuilding" || !strings.Contains(msg, "reconstruction") {
			t.Errorf("%s during a rebuild: code %q message %q\n%s", c.path, code, msg, b)
		}
	}
}
