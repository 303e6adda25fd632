package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/encommun/trouvaille/schema"
)

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// spec loads and checks api/openapi.yaml once.
func spec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		specDoc, specErr = openapi3.NewLoader().LoadFromData(openapiYAML)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(context.Background()); specErr != nil {
			return
		}
		specRouter, specErr = legacy.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("api/openapi.yaml: %v", specErr)
	}
	return specDoc, specRouter
}

// checkSpec validates one response against api/openapi.yaml: its status must
// be documented for the route, and its body must match the schema. An
// address the document does not hold must answer the documented Error body.
func checkSpec(t *testing.T, method, path string, resp *http.Response, body []byte) {
	t.Helper()
	doc, router := spec(t)
	// The document's server is http://127.0.0.1:8080: find the route there.
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, nil)
	route, params, err := router.FindRoute(req)
	var re *routers.RouteError
	if errors.As(err, &re) && (re.Reason == routers.ErrPathNotFound.Error() || re.Reason == routers.ErrMethodNotAllowed.Error()) {
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: not in api/openapi.yaml, yet answers %d", method, path, resp.StatusCode)
		}
		checkErrorSchema(t, doc, path, body)
		return
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: resp.StatusCode,
		Header: resp.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s (%d) does not match api/openapi.yaml: %v\nbody: %.500s", method, path, resp.StatusCode, err, body)
	}
}

func checkErrorSchema(t *testing.T, doc *openapi3.T, path string, body []byte) {
	t.Helper()
	ref := doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		t.Fatal("api/openapi.yaml has no Error schema")
	}
	v, err := decodeJSON(body)
	if err != nil {
		t.Errorf("%s: error body is not JSON: %v: %s", path, err, body)
		return
	}
	if err := ref.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		t.Errorf("%s: error body does not match the Error schema: %v\nbody: %s", path, err, body)
	}
}

// TestSpecMatchesRouteTable: the API routes of the route table are exactly
// the operations of api/openapi.yaml.
func TestSpecMatchesRouteTable(t *testing.T) {
	doc, _ := spec(t)
	s := &Server{}
	var table, documented []string
	for _, r := range s.routes(nil) {
		if strings.HasPrefix(r.path, "/widget") {
			continue // the partners' script and its demo: files, not operations
		}
		table = append(table, r.method+" "+openAPIPath(r.path))
	}
	for p, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			documented = append(documented, m+" "+p)
		}
	}
	sort.Strings(table)
	sort.Strings(documented)
	if strings.Join(table, "\n") != strings.Join(documented, "\n") {
		t.Errorf("route table:\n%s\napi/openapi.yaml:\n%s", strings.Join(table, "\n"), strings.Join(documented, "\n"))
	}
}

func decodeJSON(b []byte) (any, error) {
	var v any
	err := json.Unmarshal(b, &v)
	return v, err
}

// operationParams returns the query and path parameter names the OpenAPI
// document declares for a path's operation (inline or by $ref).
func operationParams(t *testing.T, path string) (names []string, block string) {
	t.Helper()
	doc := string(openapiYAML)
	start := strings.Index(doc, "\n  "+path+":\n")
	if start < 0 {
		t.Fatalf("openapi.yaml has no path %s", path)
	}
	block = doc[start+1:]
	if end := regexp.MustCompile(`\n  [/a-z]`).FindStringIndex(block[1:]); end != nil {
		block = block[:end[0]+1]
	}
	re := regexp.MustCompile(`\{name: ([a-z_]+),|- name: ([a-z_]+)\n|\$ref: "#/components/parameters/([a-z_]+)"`)
	for _, m := range re.FindAllStringSubmatch(block, -1) {
		names = append(names, m[1]+m[2]+m[3])
	}
	sort.Strings(names)
	return names, block
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIMatchesSchema: the parameters the API accepts, derived from the
// table of filters and facets (schema.Dimensions), are the ones the OpenAPI
// document declares, and the facet enum lists the table's facets.
func TestOpenAPIMatchesSchema(t *testing.T) {
	got, _ := operationParams(t, "/v1/search")
	if want := keys(searchParams); !slices.Equal(got, want) {
		t.Errorf("/v1/search: openapi.yaml declares %v, the API accepts %v", got, want)
	}
	got, block := operationParams(t, "/v1/facets/{facet}")
	want := append(keys(facetParams), "facet")
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("/v1/facets/{facet}: openapi.yaml declares %v, the API accepts %v", got, want)
	}
	enum := "enum: [" + strings.Join(schema.FacetNames(), ", ") + "]"
	if !strings.Contains(block, enum) {
		t.Errorf("/v1/facets/{facet}: the facet enum must be %s", enum)
	}
	for _, d := range schema.Dimensions {
		if !strings.Contains(string(openapiYAML), "\n    "+d.Filter+": {name: "+d.Filter+", in: query") {
			t.Errorf("components/parameters lacks the filter %s", d.Filter)
		}
	}
}
