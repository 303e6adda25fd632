package api

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/schema"
)

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
