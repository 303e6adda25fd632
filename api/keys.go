package api

// The search keys' routes (admin only): POST /v1/keys creates a key and
// shows its secret once; GET /v1/keys and GET /v1/keys/{id} show keys with
// a prefix of their secret; PATCH /v1/keys/{id} changes some fields; DELETE
// /v1/keys/{id} revokes a key (its tokens die with it).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/gin-gonic/gin"
)

// Bounds of a key's fields.
const (
	maxKeyBody    = 64 << 10
	maxKeyName    = 200
	maxKeyOrigins = 100
	maxKeyFilters = 1000 // values, all filters together
)

// KeyView is a key as the API shows it: never its secret, but its first
// characters (Prefix) to tell keys apart.
type KeyView struct {
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	Prefix          string              `json:"prefix"`
	Filters         map[string][]string `json:"filters"`
	Origins         []string            `json:"origins"`
	Visibility      string              `json:"visibility"`
	PublicAnonymous bool                `json:"public_anonymous"`
	RatePerMinute   int                 `json:"rate_per_minute"`
	ExpiresAt       *time.Time          `json:"expires_at,omitempty"`
	CreatedAt       time.Time           `json:"created_at"`
	// Warnings, on creation and change only: the filter values no note
	// holds (a carnet's title written short), with which the key would
	// find nothing. The key is kept: notes may come later.
	Warnings []string `json:"warnings,omitempty"`
}

// CreatedKey is the answer of POST /v1/keys: the view and, this once, the secret.
type CreatedKey struct {
	KeyView
	Key string `json:"key"`
}

func viewOf(k *trouvaille.Key) KeyView {
	v := KeyView{ID: k.ID, Name: k.Name, Prefix: secretPrefix(k.Secret), Filters: k.Filters, Origins: k.Origins,
		Visibility: k.Visibility, PublicAnonymous: k.PublicAnonymous, RatePerMinute: k.RatePerMinute, ExpiresAt: k.ExpiresAt, CreatedAt: k.CreatedAt}
	if v.Filters == nil {
		v.Filters = map[string][]string{}
	}
	if v.Origins == nil {
		v.Origins = []string{}
	}
	return v
}

// secretPrefix is what listings show of a secret: "trv_<id>_" and 4 characters.
func secretPrefix(secret string) string {
	rest, ok := strings.CutPrefix(secret, keyPrefix)
	j := strings.IndexByte(rest, '_') // the id is hex; the random part may hold '_'
	if !ok || j < 0 {
		return ""
	}
	i := len(keyPrefix) + j
	if len(secret) < i+5 {
		return ""
	}
	return secret[:i+5] + "…"
}

// keyInput is the body of POST and PATCH: every field optional (POST needs
// name); a field absent from a PATCH is left as it is.
type keyInput struct {
	Name            *string              `json:"name"`
	Filters         *map[string][]string `json:"filters"`
	Origins         *[]string            `json:"origins"`
	Visibility      *string              `json:"visibility"`
	PublicAnonymous *bool                `json:"public_anonymous"`
	RatePerMinute   *int                 `json:"rate_per_minute"`
	ExpiresAt       *string              `json:"expires_at"`
}

func badKey(param, code, msg string, args ...any) error {
	return paramError(param, code, fmt.Sprintf(msg, args...))
}

// keyField is one field of a key body: where it is decoded, and what it
// must be.
type keyField struct {
	name, want string
	dst        func(*keyInput) any
}

// keyFields are the fields of a key body: where each is decoded, and what it
// must be (in the error that names a field of the wrong type).
var keyFields = []keyField{
	{"name", "une chaîne de caractères", func(in *keyInput) any { return &in.Name }},
	{"filters", "un objet de listes de chaînes, comme {\"carnet\": [\"Mon carnet\"]}", func(in *keyInput) any { return &in.Filters }},
	{"origins", "une liste de chaînes, comme [\"https://exemple.org\"]", func(in *keyInput) any { return &in.Origins }},
	{"visibility", "une chaîne : public, community ou private", func(in *keyInput) any { return &in.Visibility }},
	{"public_anonymous", "true ou false", func(in *keyInput) any { return &in.PublicAnonymous }},
	{"rate_per_minute", "un nombre entier", func(in *keyInput) any { return &in.RatePerMinute }},
	{"expires_at", "une chaîne, date-heure RFC 3339 comme 2026-12-31T23:59:59Z", func(in *keyInput) any { return &in.ExpiresAt }},
}

// duplicateKey returns the first key that a JSON object holds twice ("":
// none, or not an object). Go's decoder keeps the last one silently.
func duplicateKey(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		k, _ := tok.(string)
		if seen[k] {
			return k
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return ""
		}
	}
	return ""
}

// keyFieldNames lists keyFields' names for the messages.
func keyFieldNames() string {
	names := make([]string, len(keyFields))
	for i, f := range keyFields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// readKeyInput decodes a key body: one JSON object, bounded, with known
// fields only, each once and of its type; every refusal names the field
// and says what to send, in French (never Go's own messages).
func readKeyInput(c *gin.Context) (keyInput, error) {
	var in keyInput
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxKeyBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return in, bodyTooLarge(fmt.Sprintf("corps de la requête trop grand : %d Kio au plus", maxKeyBody>>10))
	case err != nil:
		return in, badKey("body", "unreadable_body", "corps de la requête illisible ou interrompu : renvoyez-le")
	}
	if !utf8.Valid(body) {
		return in, badKey("body", "invalid_utf8", "le corps contient des octets qui ne sont pas de l’UTF-8 valide : encodez-le en UTF-8")
	}
	malformed := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return badKey("body", "invalid_json", "corps JSON mal formé près de l’octet %d : envoyez un objet JSON, comme {\"name\": \"Site de la CDC\"}", se.Offset)
		}
		return badKey("body", "invalid_json", "corps JSON mal formé ou tronqué : envoyez un objet JSON, comme {\"name\": \"Site de la CDC\"}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil {
		return in, malformed(err)
	} else if tok != json.Delim('{') {
		return in, badKey("body", "invalid_json", "un objet JSON est attendu, comme {\"name\": \"Site de la CDC\"} (champs permis : %s)", keyFieldNames())
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return in, malformed(err)
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return in, malformed(err)
		}
		shown := printable(name) // from the client: may be empty, long or hold control characters
		if shown == "" {
			shown = "(sans nom)"
		}
		if seen[name] {
			return in, badKey(shown, "duplicate_field", "champ en double : gardez une seule valeur pour « %s »", shown)
		}
		seen[name] = true
		i := slices.IndexFunc(keyFields, func(f keyField) bool { return f.name == name })
		if i < 0 {
			return in, badKey(shown, "unknown_field", "champ inconnu « %s » : champs permis : %s", shown, keyFieldNames())
		}
		if err := json.Unmarshal(raw, keyFields[i].dst(&in)); err != nil {
			return in, badKey(name, "invalid_type", "%s doit être %s", name, keyFields[i].want)
		}
		if name == "filters" {
			if dup := duplicateKey(raw); dup != "" {
				return in, badKey("filters", "duplicate_field", "filtre en double dans filters : « %s » (gardez-en un seul, avec toutes ses valeurs dans sa liste)", printable(dup))
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return in, malformed(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return in, badKey("body", "invalid_json", "corps JSON invalide : un seul objet attendu")
	}
	return in, nil
}

// apply checks the input's fields and copies them into k.
func (in keyInput) apply(k *trouvaille.Key, now time.Time) error {
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		if n == "" || utf8.RuneCountInString(n) > maxKeyName || !utf8.ValidString(n) {
			return badKey("name", "invalid_name", "donnez un nom (name) de 1 à %d caractères", maxKeyName)
		}
		if strings.IndexFunc(n, unicode.IsControl) >= 0 {
			return badKey("name", "invalid_name", "le nom (name) contient un caractère de contrôle : retirez-le")
		}
		if strings.IndexFunc(n, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			return badKey("name", "invalid_name", "le nom (name) n’a ni lettre ni chiffre : donnez un nom lisible, comme « Site de la CDC »")
		}
		k.Name = n
	}
	if in.Filters != nil {
		total := 0
		for _, vs := range *in.Filters {
			total += len(vs)
		}
		if total > maxKeyFilters {
			return badKey("filters", "too_many_filters", "trop de valeurs de filtres (%d) : %d au plus", total, maxKeyFilters)
		}
		if err := query.CheckFilters("filters", *in.Filters); err != nil {
			return err
		}
		k.Filters = query.NormalFilters(*in.Filters)
		if len(k.Filters) == 0 {
			k.Filters = nil
		}
	}
	if in.Visibility != nil {
		if _, ok := query.ParseLevel(*in.Visibility); !ok || *in.Visibility == "" {
			return badKey("visibility", "invalid_visibility", "visibilité inconnue « %s » : public, community ou private", printable(*in.Visibility))
		}
		k.Visibility = *in.Visibility
	}
	if in.PublicAnonymous != nil {
		k.PublicAnonymous = *in.PublicAnonymous
	}
	if in.Origins != nil {
		if len(*in.Origins) > maxKeyOrigins {
			return badKey("origins", "too_many_origins", "trop d’origines : %d au plus", maxKeyOrigins)
		}
		for _, o := range *in.Origins {
			if o == "*" {
				continue // checked below, with public_anonymous
			}
			if !validOrigin(o) {
				return badKey("origins", "invalid_origin", "origine invalide « %s » : donnez une origine exacte, comme https://exemple.org ou http://localhost:8080 (schéma, hôte et port, sans chemin ni « * » : chaque sous-domaine se nomme)", printable(o))
			}
			if b := browserOrigin(o); b != o {
				// Origins are compared exactly with the one the browser
				// sends: a key naming this one would refuse its own site.
				return badKey("origins", "invalid_origin", "origine « %s » jamais envoyée par un navigateur, qui écrit l’hôte en minuscules et sans le port par défaut : écrivez « %s »", printable(o), b)
			}
		}
		k.Origins = *in.Origins
	}
	for _, o := range k.Origins {
		if o == "*" && !k.PublicAnonymous {
			return badKey("origins", "wildcard_origin", "l’origine * n’est permise qu’à une clé public_anonymous (visible de tous, notes publiques seulement) : nommez les origines exactes")
		}
	}
	if k.PublicAnonymous && k.Visibility != "public" {
		return badKey("visibility", "public_anonymous_visibility", "une clé public_anonymous ne voit que les notes publiques : visibility doit valoir public")
	}
	if k.PublicAnonymous && len(k.Origins) == 0 {
		// Such a key is made to be seen in pages: without origins, every
		// browser would be refused (403).
		return badKey("origins", "public_anonymous_origins", "une clé public_anonymous sert dans les pages : donnez les origines des sites qui l’emploient (origins), par exemple [\"https://exemple.org\"], ou [\"*\"] pour toutes")
	}
	if in.RatePerMinute != nil {
		r := *in.RatePerMinute
		if r < 1 || r > MaxKeyRate {
			return badKey("rate_per_minute", "invalid_rate", "rate_per_minute doit être entre 1 et %d", MaxKeyRate)
		}
		k.RatePerMinute = r
	}
	if in.ExpiresAt != nil {
		if *in.ExpiresAt == "" {
			k.ExpiresAt = nil
		} else {
			t, err := time.Parse(time.RFC3339, *in.ExpiresAt)
			if err != nil {
				return badKey("expires_at", "invalid_date", "expires_at doit être une date-heure RFC 3339, comme 2026-12-31T23:59:59Z")
			}
			if !t.After(now) {
				return badKey("expires_at", "expired", "expires_at est déjà passé : donnez une date future")
			}
			t = t.UTC()
			k.ExpiresAt = &t
		}
	}
	return nil
}

// validOrigin reports whether o is an exact origin: scheme http or https,
// host, optional port, nothing else.
func validOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	// A "*" in the host would read as a wildcard, which origins are not
	// (they are compared exactly): refused rather than never matching.
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || o != u.Scheme+"://"+u.Host || strings.Contains(u.Host, "*") {
		return false
	}
	// Browsers send the host in ASCII (punycode) and a port they can use:
	// anything else would never match.
	for _, r := range u.Host {
		if r > unicode.MaxASCII {
			return false
		}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	return u.Hostname() != ""
}

// browserOrigin is a valid origin as browsers send it in the Origin header:
// the host in lower case, without the scheme's default port (443 for https,
// 80 for http).
func browserOrigin(o string) string {
	u, err := url.Parse(o)
	if err != nil {
		return o
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443") && !(u.Scheme == "http" && p == "80") {
		host += ":" + p
	}
	return u.Scheme + "://" + host
}

// newSecret returns a new key id and its secret "trv_<id>_<random>".
func newSecret() (id, secret string, err error) {
	b := make([]byte, 6+32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("tirer une clé au hasard : %w", err)
	}
	id = hex.EncodeToString(b[:6])
	return id, keyPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(b[6:]), nil
}

// keysRoute guards the key routes: admin only, and a key store present.
func (s *Server) keysRoute(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.admin(c) {
			return
		}
		if s.acc.keys == nil {
			c.AbortWithStatusJSON(http.StatusForbidden, ErrorBody{Error: ErrorDetail{Code: "keys_disabled", Message: "ce serveur ne gère pas de clés de recherche"}})
			return
		}
		if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
			writeError(c, err)
			return
		}
		h(c)
	}
}

func (s *Server) createKey(c *gin.Context) {
	in, err := readKeyInput(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if in.Name == nil {
		writeError(c, badKey("name", "missing_name", "champ obligatoire manquant : donnez un nom à la clé (name)"))
		return
	}
	now := s.acc.now().UTC()
	k := &trouvaille.Key{Visibility: "public", RatePerMinute: DefaultKeyRate, CreatedAt: now}
	if err := in.apply(k, now); err != nil {
		writeError(c, err)
		return
	}
	k.ID, k.Secret, err = newSecret()
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.acc.keys.PutKey(k); err != nil {
		s.writeFailure(c, err)
		return
	}
	s.acc.forget()
	c.Header("Location", "/v1/keys/"+k.ID)
	c.Header("Cache-Control", "no-store")
	v := viewOf(k)
	v.Warnings = s.unheldValues(c.Request.Context(), k.Filters)
	c.JSON(http.StatusCreated, CreatedKey{KeyView: v, Key: k.Secret})
}

// unheldValues lists, in French, the values of a key's filters that no
// note holds, each with the facet that lists the values held. A search
// fails (an index being rebuilt): nothing is said.
func (s *Server) unheldValues(ctx context.Context, filters map[string][]string) []string {
	var out []string
	checked, unheld := 0, 0
	for _, field := range slices.Sorted(maps.Keys(filters)) {
		seen := map[string]bool{}
		for _, v := range filters[field] {
			if seen[v] {
				continue
			}
			seen[v] = true
			if checked++; checked > maxCheckedValues {
				// One search a value: a key of thousands of values would
				// run thousands on its creation.
				return append(out, fmt.Sprintf("seules les %d premières valeurs des filtres ont été vérifiées", maxCheckedValues))
			}
			res, err := s.eng.Search(ctx, trouvaille.AdminScope, trouvaille.Request{Filters: map[string][]string{field: {v}}, PerPage: 1, Facets: []string{}, NoSnippets: true})
			if err != nil {
				return nil
			}
			if res.Total == 0 {
				msg := fmt.Sprintf("aucune note n’a %s « %s » : la clé ne trouverait rien. Donnez la valeur exacte, telle que les notes l’écrivent", field, v)
				if d, _, ok := schema.ByFilter(field); ok && d.Facet != "" {
					msg += fmt.Sprintf(" et que la facette la liste (GET /v1/search?facets=%s)", d.Facet)
				}
				if unheld++; unheld <= maxWarnings {
					out = append(out, msg)
				} else if unheld == maxWarnings+1 {
					out = append(out, "d’autres valeurs encore qu’aucune note n’a : vérifiez chaque valeur")
				}
			}
		}
	}
	return out
}

// The bounds of unheldValues: values checked, warnings written.
const (
	maxCheckedValues = 200
	maxWarnings      = 20
)

// KeyList is the answer of GET /v1/keys.
type KeyList struct {
	Keys []KeyView `json:"keys"`
}

func (s *Server) listKeys(c *gin.Context) {
	ks, err := s.acc.keys.Keys()
	if err != nil {
		writeError(c, err)
		return
	}
	out := KeyList{Keys: []KeyView{}}
	for _, k := range ks {
		out.Keys = append(out.Keys, viewOf(k))
	}
	c.JSON(http.StatusOK, out)
}

// storedKey reads the key of the route's id, answering 404 when none.
func (s *Server) storedKey(c *gin.Context) (*trouvaille.Key, bool) {
	k, err := s.acc.keys.Key(c.Param("id"))
	if errors.Is(err, trouvaille.ErrKeyNotFound) {
		c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "key_not_found", Message: "aucune clé de recherche ne porte cet identifiant"}})
		return nil, false
	}
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return k, true
}

func (s *Server) getKey(c *gin.Context) {
	if k, ok := s.storedKey(c); ok {
		c.JSON(http.StatusOK, viewOf(k))
	}
}

func (s *Server) patchKey(c *gin.Context) {
	k, ok := s.storedKey(c)
	if !ok {
		return
	}
	in, err := readKeyInput(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := in.apply(k, s.acc.now()); err != nil {
		writeError(c, err)
		return
	}
	if err := s.acc.keys.PutKey(k); err != nil {
		s.writeFailure(c, err)
		return
	}
	s.acc.forget()
	v := viewOf(k)
	v.Warnings = s.unheldValues(c.Request.Context(), k.Filters)
	c.JSON(http.StatusOK, v)
}

func (s *Server) deleteKey(c *gin.Context) {
	err := s.acc.keys.DeleteKey(c.Param("id"))
	if errors.Is(err, trouvaille.ErrKeyNotFound) {
		c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "key_not_found", Message: "aucune clé de recherche ne porte cet identifiant"}})
		return
	}
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	s.acc.forget()
	c.Status(http.StatusNoContent)
}
