// Package web serves Trouvaille's discovery page from assets embedded with
// go:embed (templates/ and static/): no Node build step, no external
// resource, system fonts, light and dark themes from the system setting.
//
// Routes (declared in the API's route table, api/routes.go, which mounts the
// handlers of the *Site that Routes returns; unknown addresses outside /v1/
// get the HTML 404 page, Site.NotFound):
//
//	/                 search page: q, filters, dates, sort and page in the query string
//	/n/{id}           a public note: Markdown (goldmark, sanitised by bluemonday),
//	                  metadata as links that filter the search, related notes
//	/organisations    alphabetical lists of every value with counts, A–Z index
//	/carnets          (one letter per page, ?lettre=a, past browseOnePage values),
//	/termes           each entry leading to the filtered search
//	/aide             help in plain language
//	/static/{name}    CSS, JavaScript, icon (content-hashed, cached)
//
// Every page is rendered on the server with html/template from the same
// Engine.Search call as GET /v1/search, so it works with JavaScript off.
// static/app.js then enhances it: results as you type (it fetches the
// server-rendered page of the new URL and swaps in the parts that change, so
// there is one rendering; "no result" never shows mid-word), history kept
// with pushState/replaceState, an ARIA combobox over /v1/suggest when the
// server has it, filter boxes for long facet lists, the filter sheet on small
// screens (the <details> « Filtres » of the no-JavaScript page) and « Copier
// le lien ». Interface text is Québec French whatever the browser says, and
// English only with ?lang=en, the explicit link (i18n.go holds every message
// of both languages).
//
// The browser tests (e2e_test.go) drive Debian's Chromium with chromedp and
// check accessibility with axe-core from web/e2e/node_modules (npm ci
// --prefix web/e2e); they skip without them unless CI=true.
package web
