// Package widget serves the search box partner sites embed: /widget.js
// (a custom element, <trouvaille-recherche>, embedded in the binary, no
// build step and no dependency) and /widget/demo, a page that shows it
// configured. The API's route table (api/routes.go) mounts both.
package widget
