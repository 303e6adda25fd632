package api

// Access: who calls, what they may see, from which origin, how fast.
//
// Every read route goes through Server.access, which returns the caller's
// trouvaille.Scope; the engine applies it (visibility and mandatory filters)
// to hits, totals, facets, suggestions, related notes and single notes. The
// API never filters notes itself. A caller is one of:
//
//   - anonymous (no credential): public notes, when anonymous access is on
//     (Config.NoAnonymous off, the default), rate-limited per client IP;
//   - the admin key (Config.AdminToken): every note, no rate limit;
//   - a search key (POST /v1/keys): its filters, public notes (a key alone
//     names no community nor user), its origins, its rate per client IP;
//   - a signed token (JWT HS256, kid = key id, signed with the key's
//     secret): the key's filters AND the token's, the token's communities
//     (key visibility community or private) and user (key visibility
//     private), the key's origins and rate.
//
// A credential comes as "Authorization: Bearer <credential>" or, for links
// and widgets, "?key=<credential>" (every read route accepts the key
// parameter). The header wins when both are given.
//
// CORS rule: a response carries Access-Control-Allow-Origin only when the
// request's Origin may call with its credential: "*" for anonymous access
// (public notes, no credential: the public-anonymous API) and for a key
// marked public_anonymous whose origins hold "*"; the exact origin for a key
// or token listing it. Credentials (cookies) are never allowed. Every
// response of a CORS route carries "Vary: Origin". A request whose Origin a
// key does not list is refused (403) — unless it is the server's own origin.

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// KeyStore is what the API needs to keep search keys; *trouvaille.Engine
// implements it. Without one, /v1/keys answers 403 and only anonymous and
// admin access exist.
type KeyStore interface {
	PutKey(k *trouvaille.Key) error
	Key(id string) (*trouvaille.Key, error)
	Keys() ([]*trouvaille.Key, error)
	DeleteKey(id string) error
}

// Rate limit defaults (per client IP, requests per minute).
const (
	// DefaultAnonymousRate is Config.AnonymousRatePerMinute's default.
	DefaultAnonymousRate = 600
	// DefaultKeyRate is a key's rate when it names none.
	DefaultKeyRate = 300
	// MaxKeyRate bounds a key's rate_per_minute.
	MaxKeyRate = 100000
	// DefaultLimiterEntries bounds the token buckets kept in memory (the
	// least recently used ones go first; a bucket evicted comes back full).
	DefaultLimiterEntries = 10000
	// MaxTokenLifetime bounds a signed token's life (exp − now).
	MaxTokenLifetime = 24 * time.Hour
	// TokenClockSkew is how far a signed token's exp and nbf may be off
	// the server's clock: the signing server's may run a little ahead or
	// behind.
	TokenClockSkew = 30 * time.Second
	// MaxCredentialLength bounds a presented key or signed token, on every
	// route (/v1 and the InstantSearch.js endpoints alike): a token naming
	// many communities or carnets passes, a runaway header does not.
	MaxCredentialLength = 8192
	// FailedCredentialsPerMinute bounds the refused credentials (admin key,
	// search keys, signed tokens) of one client IP: past it, every
	// credential it presents is refused (429) until its bucket refills, so
	// that the admin key cannot be guessed at the server's full speed.
	FailedCredentialsPerMinute = 30
	// keyPrefix starts every key secret: "trv_<id>_<random>".
	keyPrefix = "trv_"
)

// CORSAllowHeaders are the request headers a preflight allows (the search
// key and the headers of the compatibility clients).
var CORSAllowHeaders = "Authorization, Content-Type, X-Algolia-API-Key, X-Algolia-Application-Id"

// CallerKind says how a caller authenticated.
type CallerKind string

// Kinds of callers.
const (
	CallerAnonymous CallerKind = "anonymous"
	CallerAdmin     CallerKind = "admin"
	CallerKey       CallerKind = "key"
	CallerToken     CallerKind = "token"
)

// Caller is an authenticated caller and what it may see.
type Caller struct {
	Kind  CallerKind
	Scope trouvaille.Scope
	// Key is the search key (Kind key or token), nil otherwise.
	Key *trouvaille.Key
}

// denial is a refused access: status, code and French message. It never
// says anything about notes.
type denial struct {
	status  int
	code    string
	message string
	retry   time.Duration // 429
}

func (d *denial) Error() string { return d.message }

func deny(status int, code, message string) *denial {
	return &denial{status: status, code: code, message: message}
}

var (
	errNoCredential  = deny(http.StatusUnauthorized, "unauthorized", "accès anonyme désactivé : présentez une clé de recherche (en-tête Authorization: Bearer <clé>, ou paramètre key=<clé>)")
	errBadKey        = deny(http.StatusUnauthorized, "invalid_key", "clé de recherche invalide ou révoquée : vérifiez la clé, ou demandez-en une nouvelle")
	errExpiredKey    = deny(http.StatusUnauthorized, "expired_key", "clé de recherche expirée : demandez-en une nouvelle")
	errBadToken      = deny(http.StatusUnauthorized, "invalid_token", "jeton signé invalide : signature, algorithme (HS256 seulement), clé parente (kid) ou contenu refusés")
	errExpiredToken  = deny(http.StatusUnauthorized, "expired_token", "jeton signé expiré : faites-en signer un nouveau par votre serveur")
	errLongToken     = deny(http.StatusUnauthorized, "invalid_token", "jeton signé sans expiration, ou valide trop longtemps : donnez-lui une expiration (exp) de 24 heures au plus")
	errAnonSigner    = deny(http.StatusUnauthorized, "invalid_token", "jeton signé par une clé public_anonymous, dont le secret est public : il ne prouve rien. Signez avec une clé sans public_anonymous (public, community ou private)")
	errTokenNotYet   = deny(http.StatusUnauthorized, "invalid_token", fmt.Sprintf("jeton signé pas encore valide (nbf dans le futur, au-delà de %d s d’écart d’horloge) : vérifiez l’horloge du serveur qui signe", int(TokenClockSkew/time.Second)))
	errAlgoliaHeader = deny(http.StatusUnauthorized, "invalid_key", "l’en-tête X-Algolia-API-Key ne sert qu’aux routes d’InstantSearch.js (/1/…) : sur /v1, présentez la clé ou le jeton par « Authorization: Bearer <clé> » ou le paramètre key")
	errAuthHeader    = deny(http.StatusUnauthorized, "invalid_key", "en-tête Authorization mal écrit : écrivez « Authorization: Bearer <clé> » (le mot Bearer, une espace, puis la clé ou le jeton signé), ou retirez l’en-tête pour chercher sans clé")
	errLongCred      = deny(http.StatusUnauthorized, "invalid_key", fmt.Sprintf("clé ou jeton de plus de %s octets : envoyez la clé telle qu’elle a été créée, ou un jeton avec moins de revendications", analysis.FrenchInt(MaxCredentialLength)))
	errOriginNull    = deny(http.StatusForbidden, "origin_not_allowed", "la page n’a pas d’origine (« null ») : elle est dans un cadre isolé (iframe sandbox) ou ouverte depuis un fichier, qu’aucune clé ne peut nommer. Ajoutez allow-same-origin à l’attribut sandbox du cadre, ou utilisez une clé public_anonymous aux origines « * »")
	errOrigin        = deny(http.StatusForbidden, "origin_not_allowed", "cette origine n’est pas permise pour cette clé : ajoutez-la aux origines de la clé (origins)")
	errAdminInURL    = deny(http.StatusUnauthorized, "admin_token_in_url", "le jeton d’administration ne se donne pas dans l’adresse (il resterait dans les journaux, l’historique et l’en-tête Referer) : envoyez-le dans l’en-tête Authorization: Bearer")
)

// tokenClaims are a signed token's claims.
type tokenClaims struct {
	Filters     map[string][]string `json:"filters,omitempty"`
	Communities []string            `json:"communities,omitempty"`
	User        string              `json:"user,omitempty"`
	jwt.RegisteredClaims
}

// accessState is the Server's access layer: the keys (cached in memory,
// refreshed on every change through /v1/keys) and the rate limiters.
type accessState struct {
	keys     KeyStore
	mu       sync.RWMutex
	byID     map[string]*trouvaille.Key
	loaded   bool
	limiters *lru.Cache[string, *rate.Limiter]
	now      func() time.Time
}

func newAccessState(keys KeyStore, entries int, now func() time.Time) *accessState {
	if entries <= 0 {
		entries = DefaultLimiterEntries
	}
	l, _ := lru.New[string, *rate.Limiter](entries)
	if now == nil {
		now = time.Now
	}
	return &accessState{keys: keys, limiters: l, now: now}
}

// key returns the live cached key id (nil when unknown).
func (a *accessState) key(id string) (*trouvaille.Key, error) {
	if err := a.load(); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.byID[id], nil
}

// load reads every key once.
func (a *accessState) load() error {
	a.mu.RLock()
	ok := a.loaded
	a.mu.RUnlock()
	if ok || a.keys == nil {
		return nil
	}
	ks, err := a.keys.Keys()
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byID = make(map[string]*trouvaille.Key, len(ks))
	for _, k := range ks {
		// A key stored before values were normalised: its scope as the
		// notes' values are, once, before any search shares it.
		k.Filters = query.NormalFilters(k.Filters)
		a.byID[k.ID] = k
	}
	a.loaded = true
	return nil
}

// forget drops the cache: the next look-up reads the keys again.
func (a *accessState) forget() {
	a.mu.Lock()
	a.loaded = false
	a.byID = nil
	a.mu.Unlock()
}

// allKeys returns the cached keys.
func (a *accessState) allKeys() []*trouvaille.Key {
	if err := a.load(); err != nil {
		return nil
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]*trouvaille.Key, 0, len(a.byID))
	for _, k := range a.byID {
		out = append(out, k)
	}
	return out
}

// credential returns the credential of a request: the Authorization
// bearer, else the key parameter; "" for none. An Authorization header that
// holds no Bearer credential (the key without the word Bearer, another
// scheme, Bearer and nothing) is refused rather than ignored: ignoring it
// would answer as to an anonymous caller, the public notes only, and the
// partner would never learn why its notes are missing. Basic credentials
// are left alone: they belong to a reverse proxy in front of the server (a
// site behind a password), which browsers send with every request.
func credential(r *http.Request) (string, *denial) {
	if v, ok := bearer(r); ok && v != "" {
		return v, nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, _, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Basic") {
			return "", errAuthHeader
		}
	}
	if r.Header.Get("X-Algolia-API-Key") != "" {
		// Algolia's header on a route that does not read it (compatKey
		// reads it first): ignored, it answered as to an anonymous
		// caller, and the partner believed its key applied.
		return "", errAlgoliaHeader
	}
	return r.URL.Query().Get("key"), nil
}

// inURL reports whether the credential cred is in the request's URL (the
// key or x-algolia-api-key parameter), whether or not a header holds it
// too: there it ends in logs and histories all the same.
func inURL(r *http.Request, cred string) bool {
	q := r.URL.Query()
	return q.Get("key") == cred || q.Get("x-algolia-api-key") == cred
}

// urlCredentials returns the non-empty credentials of the request's URL
// (the key and x-algolia-api-key parameters, every value).
func urlCredentials(r *http.Request) []string {
	q := r.URL.Query()
	var out []string
	for _, name := range []string{"key", "x-algolia-api-key"} {
		for _, v := range q[name] {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// bearer returns the credential of an "Authorization: Bearer <credential>"
// header. The scheme's name is case-insensitive (RFC 9110, section 11.1):
// "bearer" and "BEARER" are Bearer, never a reason to ignore the header and
// answer as to an anonymous caller.
func bearer(r *http.Request) (string, bool) {
	scheme, v, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(v), true
}

// decide authenticates a credential. It is the whole access decision but
// the origin and the rate limit: the table tests call it directly.
func (s *Server) decide(cred string) (Caller, *denial, error) {
	if cred == "" {
		if s.cfg.NoAnonymous {
			return Caller{}, errNoCredential, nil
		}
		return Caller{Kind: CallerAnonymous}, nil, nil
	}
	if len(cred) > MaxCredentialLength {
		return Caller{}, errLongCred, nil
	}
	if s.cfg.AdminToken != "" && subtle.ConstantTimeCompare([]byte(cred), []byte(s.cfg.AdminToken)) == 1 {
		return Caller{Kind: CallerAdmin, Scope: trouvaille.AdminScope}, nil, nil
	}
	if strings.HasPrefix(cred, keyPrefix) {
		return s.decideKey(cred)
	}
	if strings.Count(cred, ".") == 2 {
		return s.decideToken(cred)
	}
	return Caller{}, errBadKey, nil
}

func (s *Server) decideKey(cred string) (Caller, *denial, error) {
	id, _, ok := strings.Cut(strings.TrimPrefix(cred, keyPrefix), "_")
	if !ok {
		return Caller{}, errBadKey, nil
	}
	k, err := s.acc.key(id)
	if err != nil {
		return Caller{}, nil, err
	}
	if k == nil || subtle.ConstantTimeCompare([]byte(cred), []byte(k.Secret)) != 1 {
		return Caller{}, errBadKey, nil
	}
	if k.Expired(s.acc.now()) {
		return Caller{}, errExpiredKey, nil
	}
	lvl, _ := query.ParseLevel(k.Visibility)
	sc := trouvaille.Scope{Level: lvl}
	if len(k.Filters) > 0 {
		sc.Filters = []map[string][]string{k.Filters}
	}
	return Caller{Kind: CallerKey, Scope: sc, Key: k}, nil, nil
}

func (s *Server) decideToken(cred string) (Caller, *denial, error) {
	var parent *trouvaille.Key
	var lookupErr error
	anonParent := false
	keyFunc := func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := s.acc.key(kid)
		if err != nil {
			lookupErr = err
			return nil, err
		}
		if k == nil || k.PublicAnonymous {
			// A public-anonymous key's secret is public: it proves nothing.
			anonParent = k != nil
			return nil, errors.New("clé parente inconnue")
		}
		parent = k
		return []byte(k.Secret), nil
	}
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(cred, &claims, keyFunc,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		// The signing server's clock may run a little ahead or behind.
		jwt.WithLeeway(TokenClockSkew),
		jwt.WithTimeFunc(s.acc.now))
	switch {
	case lookupErr != nil:
		return Caller{}, nil, lookupErr
	case anonParent:
		return Caller{}, errAnonSigner, nil
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return Caller{}, errTokenNotYet, nil
	case errors.Is(err, jwt.ErrTokenExpired):
		if farExpiry(cred, s.acc.now()) {
			// An exp past what a date holds (1e19) wrapped to the past.
			return Caller{}, errLongToken, nil
		}
		return Caller{}, errExpiredToken, nil
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return Caller{}, errLongToken, nil
	case errors.Is(err, jwt.ErrTokenMalformed) && parent == nil:
		// The claims are decoded before the signature is checked: a
		// signed token with a claim of the wrong type is its signer's
		// mistake, named, and no guess.
		if d := wrongClaim(cred, keyFunc); d != nil {
			return Caller{}, d, nil
		}
		return Caller{}, errBadToken, nil
	case err != nil || parent == nil:
		return Caller{}, errBadToken, nil
	}
	now := s.acc.now()
	if claims.ExpiresAt.Time.Sub(now) > MaxTokenLifetime {
		return Caller{}, errLongToken, nil
	}
	if parent.Expired(now) {
		return Caller{}, errExpiredKey, nil
	}
	if err := query.CheckFilters("filters", claims.Filters); err != nil {
		// The token is signed by its key's holder: say what to fix in it.
		msg := err.Error()
		var re *query.RequestError
		if errors.As(err, &re) {
			msg = re.Message
		}
		return Caller{}, deny(http.StatusUnauthorized, "invalid_token", "jeton signé refusé, revendication filters : "+claimMessage(msg, claims.Filters)), nil
	}
	lvl, _ := query.ParseLevel(parent.Visibility)
	sc := trouvaille.Scope{Level: lvl}
	if lvl >= query.LevelCommunity {
		sc.Communities = claims.Communities
	}
	if lvl >= query.LevelPrivate {
		sc.User = claims.User
	}
	if len(parent.Filters) > 0 {
		sc.Filters = append(sc.Filters, parent.Filters)
	}
	if len(claims.Filters) > 0 {
		sc.Filters = append(sc.Filters, query.NormalFilters(claims.Filters))
	}
	return Caller{Kind: CallerToken, Scope: sc, Key: parent}, nil, nil
}

// claimTypes says, for each claim a token may carry, the JSON it takes.
var claimTypes = []struct{ name, want string }{
	{"exp", "un nombre : la date d’expiration en secondes depuis le 1er janvier 1970 (UTC)"},
	{"nbf", "un nombre : une date en secondes depuis le 1er janvier 1970 (UTC)"},
	{"iat", "un nombre : une date en secondes depuis le 1er janvier 1970 (UTC)"},
	{"filters", "un objet dont chaque filtre a une liste de valeurs : {\"organisation\": [\"…\"]}"},
	{"communities", "une liste de noms de communautés : [\"…\"]"},
	{"user", "une chaîne : l’identifiant de la personne"},
	{"aud", "une chaîne ou une liste de chaînes"},
	{"iss", "une chaîne"},
	{"sub", "une chaîne"},
	{"jti", "une chaîne"},
}

// wrongClaim names the claim of a signed token whose type is wrong, or is
// nil when the token's signature does not hold (a guess) or no claim is at
// fault.
func wrongClaim(cred string, keyFunc jwt.Keyfunc) *denial {
	tok, err := jwt.Parse(cred, keyFunc, jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithoutClaimsValidation())
	if err != nil || !tok.Valid {
		return nil
	}
	mc, _ := tok.Claims.(jwt.MapClaims)
	for _, ct := range claimTypes {
		v, ok := mc[ct.name]
		if !ok {
			continue
		}
		b, err := json.Marshal(map[string]any{ct.name: v})
		if err != nil {
			continue
		}
		var one tokenClaims
		if json.Unmarshal(b, &one) != nil {
			return deny(http.StatusUnauthorized, "invalid_token", "jeton signé refusé, revendication "+ct.name+" : elle doit être "+ct.want)
		}
	}
	return nil
}

// farExpiry reports whether a token's exp, as written, is past the longest
// lifetime: a number too large for a date reads as one in the past.
func farExpiry(cred string, now time.Time) bool {
	parts := strings.Split(cred, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var c struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return false
	}
	exp, err := c.Exp.Float64()
	return err == nil && exp > float64(now.Unix())+MaxTokenLifetime.Seconds()
}

// claimMessage is msg, a message about a token's filters claim, whole (its
// advice included), with each name and value of set it quotes between
// guillemets bounded by printable: only what the token's signer wrote is
// cut, never what to do about it.
func claimMessage(msg string, set map[string][]string) string {
	for name, vals := range set {
		for _, s := range append([]string{name}, vals...) {
			if p := printable(s); p != s {
				msg = strings.ReplaceAll(msg, "« "+s+" »", "« "+p+" »")
			}
		}
	}
	return printableRunes(msg)
}

// originAllowed reports whether a browser at origin may call as caller, and
// the Access-Control-Allow-Origin to answer ("" for none).
func (s *Server) originAllowed(c *gin.Context, caller Caller, origin string) (bool, string) {
	if origin == "" {
		return true, ""
	}
	switch caller.Kind {
	case CallerAnonymous:
		return true, "*"
	case CallerAdmin:
		return true, ""
	}
	k := caller.Key
	if slices.Contains(k.Origins, origin) {
		return true, origin
	}
	if k.PublicAnonymous && slices.Contains(k.Origins, "*") {
		return true, "*"
	}
	if sameOrigin(c.Request, origin) {
		return true, ""
	}
	return false, ""
}

// sameOrigin reports whether origin is the server's own (its host, as the
// request names it): a page the server itself serves.
func sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// limiter returns the token bucket of name, creating it with rate perMinute
// and its burst.
func (a *accessState) limiter(name string, perMinute int) *rate.Limiter {
	if l, ok := a.limiters.Get(name); ok {
		return l
	}
	l := rate.NewLimiter(rate.Limit(float64(perMinute)/60), Burst(perMinute))
	a.limiters.Add(name, l)
	return l
}

// failures returns the bucket of refused credentials of the request's
// client IP: FailedCredentialsPerMinute, refilled over a minute.
func (s *Server) failures(c *gin.Context) *rate.Limiter {
	name := "fail|" + c.ClientIP()
	if l, ok := s.acc.limiters.Get(name); ok {
		return l
	}
	l := rate.NewLimiter(rate.Limit(float64(FailedCredentialsPerMinute)/60), FailedCredentialsPerMinute)
	s.acc.limiters.Add(name, l)
	return l
}

// credentialsBlocked returns the 429 that answers every credential of a
// client IP whose refused credentials emptied its bucket, the right one
// too (a guess must not be confirmed), until a refusal is allowed again;
// nil otherwise.
func (s *Server) credentialsBlocked(c *gin.Context) *denial {
	tokens := s.failures(c).TokensAt(s.acc.now())
	if tokens >= 1 {
		return nil
	}
	secs := max(1, int(math.Ceil((1-tokens)*60/FailedCredentialsPerMinute)))
	return &denial{status: http.StatusTooManyRequests, code: "too_many_failures",
		message: fmt.Sprintf("trop de clés ou de jetons refusés depuis cette adresse : réessayez dans %d s, avec la clé telle qu’elle a été créée (au plus %d refus par minute)", secs, FailedCredentialsPerMinute),
		retry:   time.Duration(secs) * time.Second}
}

// credentialRefused counts a refused credential against the request's
// client IP.
func (s *Server) credentialRefused(c *gin.Context) {
	s.failures(c).AllowN(s.acc.now(), 1)
}

// Burst is the burst of a rate: a tenth of the minute's requests, at least 1.
func Burst(perMinute int) int { return max(1, int(math.Ceil(float64(perMinute)/10))) }

// allow spends a token of the caller's bucket (per key and client IP, or
// per client IP for anonymous access); the admin key is not limited.
func (s *Server) allow(c *gin.Context, caller Caller) *denial {
	var name string
	var perMinute int
	switch caller.Kind {
	case CallerAdmin:
		return nil
	case CallerAnonymous:
		perMinute = s.cfg.AnonymousRatePerMinute
		if perMinute == 0 {
			perMinute = DefaultAnonymousRate
		}
		name = "ip|" + c.ClientIP()
	default:
		perMinute = caller.Key.RatePerMinute
		if perMinute == 0 {
			perMinute = DefaultKeyRate
		}
		name = "key|" + caller.Key.ID + "|" + strconv.Itoa(perMinute) + "|" + c.ClientIP()
	}
	if perMinute < 0 {
		return nil
	}
	now := s.acc.now()
	l := s.acc.limiter(name, perMinute)
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		secs := max(1, int(math.Ceil(d.Seconds())))
		return &denial{status: http.StatusTooManyRequests, code: "rate_limited",
			message: fmt.Sprintf("trop de requêtes : réessayez dans %d s (limite de %d %s par minute)", secs, perMinute, plural(perMinute, "requête", "requêtes")),
			retry:   time.Duration(secs) * time.Second}
	}
	return nil
}

// access authenticates the caller of a read route and returns the scope the
// engine must apply. On false it has answered the request (401, 403 or 429,
// JSON, French) and the handler must return. On true it has set the CORS
// answer headers (Access-Control-Allow-Origin for an allowed origin, Vary:
// Origin). The credential is read from the Authorization bearer or the key
// parameter; AccessWith takes it from elsewhere (a compatibility protocol).
func (s *Server) access(c *gin.Context) (trouvaille.Scope, bool) {
	cred, d := credential(c.Request)
	if d != nil {
		s.writeDenial(c, d)
		return trouvaille.Scope{}, false
	}
	caller, ok := s.AccessWith(c, cred)
	return caller.Scope, ok
}

// AccessWith is access for a credential the caller found itself (e.g. a
// protocol's own header); it returns the whole Caller.
func (s *Server) AccessWith(c *gin.Context, cred string) (Caller, bool) {
	if !slices.Contains(c.Writer.Header().Values("Vary"), "Origin") {
		c.Writer.Header().Add("Vary", "Origin")
	}
	if cred != "" {
		if d := s.credentialsBlocked(c); d != nil {
			s.writeDenial(c, d)
			return Caller{}, false
		}
	}
	caller, d, err := s.decide(cred)
	if err == nil && d == nil && caller.Kind == CallerAdmin && inURL(c.Request, cred) {
		// The admin routes take it from the header only; a URL ends in
		// proxy logs and browser history. Not counted as a refusal: the
		// token is right.
		d = errAdminInURL
	}
	if err != nil {
		if isCompat(c) {
			compatError(c, err)
		} else {
			writeError(c, err)
		}
		return Caller{}, false
	}
	if d != nil {
		if d == errBadKey || d == errBadToken || d == errLongCred {
			// Unknown or unsigned: what a guess gets (an expired key or
			// token was signed by its holder).
			s.credentialRefused(c)
		}
		s.writeDenial(c, d)
		return Caller{}, false
	}
	origin := c.GetHeader("Origin")
	ok, acao := s.originAllowed(c, caller, origin)
	if !ok {
		if origin == "null" {
			// A sandboxed frame (or a file) has no origin a key could name.
			s.writeDenial(c, errOriginNull)
		} else {
			s.writeDenial(c, errOrigin)
		}
		return Caller{}, false
	}
	if acao != "" {
		c.Header("Access-Control-Allow-Origin", acao)
	}
	if d := s.allow(c, caller); d != nil {
		s.writeDenial(c, d)
		return Caller{}, false
	}
	c.Set(callerKey, caller)
	return caller, true
}

const callerKey = "trouvaille.caller"

// scopeOf returns the scope access stored for the request (anonymous when
// none: never wider).
func scopeOf(c *gin.Context) trouvaille.Scope {
	if v, ok := c.Get(callerKey); ok {
		return v.(Caller).Scope
	}
	return trouvaille.Scope{}
}

// read wraps a read route's handler with access.
// pageLimit holds the pages that search to the anonymous callers' limit
// (per client IP, shared with the API): a page runs the same search as
// /v1/search, and would otherwise be a way around the limit. Past it, a
// short French page with Retry-After.
func (s *Server) pageLimit(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if d := s.allow(c, Caller{Kind: CallerAnonymous}); d != nil {
			c.Header("Retry-After", strconv.Itoa(int(d.retry/time.Second)))
			c.Header("X-Content-Type-Options", "nosniff")
			secs := int(d.retry / time.Second)
			c.Data(http.StatusTooManyRequests, "text/html; charset=utf-8", []byte(busyPage(secs)))
			c.Abort()
			return
		}
		h(c)
	}
}

// busyPage is the page a person gets past the anonymous limit: in words a
// person reads (a library or a community group shares one connection, and
// « cette adresse » meant nothing to them), reloading itself when the wait
// is over, with a way back. No script, no style: the site's CSP allows
// neither inline.
func busyPage(secs int) string {
	return fmt.Sprintf(`<!doctype html>
<html lang="fr-CA"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="%d"><title>Un instant – Trouvaille</title></head>
<body><main><h1>Un instant, s’il vous plaît</h1>
<p>Beaucoup de recherches viennent d’arriver de votre réseau (une bibliothèque ou un organisme partagent souvent la même connexion).</p>
<p>Attendez %d %s : la page se recharge d’elle-même.</p>
<p><a href="/">Retour à l’accueil</a></p></main></body></html>
`, secs, secs, plural(secs, "seconde", "secondes"))
}

// plural returns one or many as n calls for (French: 0 and 1 are singular).
func plural(n int, one, many string) string {
	if n > 1 || n < -1 {
		return many
	}
	return one
}

func (s *Server) read(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, ok := s.access(c); !ok {
			return
		}
		h(c)
	}
}

func (s *Server) writeDenial(c *gin.Context, d *denial) {
	switch d.status {
	case http.StatusUnauthorized:
		c.Header("WWW-Authenticate", `Bearer realm="trouvaille"`)
	case http.StatusTooManyRequests:
		c.Header("Retry-After", strconv.Itoa(int(d.retry/time.Second)))
		// A partner's page reads it (the widget waits that long before
		// its next search): not a header CORS lets a page read unnamed.
		c.Header("Access-Control-Expose-Headers", "Retry-After")
	}
	if c.GetHeader("Origin") != "" && c.Writer.Header().Get("Access-Control-Allow-Origin") == "" {
		// A refusal carries no note: the partner's page may read why (an
		// origin its key does not name, a wrong key, a rate) instead of a
		// bare CORS failure that looks like an outage.
		c.Header("Access-Control-Allow-Origin", "*")
	}
	if isCompat(c) {
		// The compatible routes' envelope, which Algolia's clients show.
		compatFail(c, d.status, d.code, "", d.message)
		return
	}
	c.AbortWithStatusJSON(d.status, ErrorBody{Error: ErrorDetail{Code: d.code, Message: d.message}})
}

// isCompat reports whether the request is on a compatible route (/1/…),
// whose errors carry Algolia's envelope.
func isCompat(c *gin.Context) bool { return strings.HasPrefix(c.FullPath(), "/1/") }

// preflight answers a CORS preflight (OPTIONS) of a route allowing methods.
// The credential is not sent with a preflight (but for ?key=): the answer
// allows the origin when a key names it (or the key parameter's key), "*"
// when anonymous access is on or a public-anonymous key allows "*", and
// nothing otherwise. The real request is then checked against its own key.
func (s *Server) preflight(methods string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header() // Vary: Origin is set on every answer (vary)
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
		origin := c.GetHeader("Origin")
		if acao := s.preflightOrigin(c, origin); acao != "" {
			h.Set("Access-Control-Allow-Origin", acao)
			h.Set("Access-Control-Allow-Methods", methods)
			h.Set("Access-Control-Allow-Headers", CORSAllowHeaders)
			h.Set("Access-Control-Max-Age", "600")
		}
		c.Status(http.StatusNoContent)
	}
}

func (s *Server) preflightOrigin(c *gin.Context, origin string) string {
	if origin == "" {
		return ""
	}
	now := s.acc.now()
	if k := c.Query("key"); k != "" {
		caller, d, err := s.decide(k)
		if err != nil || d != nil {
			return ""
		}
		_, acao := s.originAllowed(c, caller, origin)
		return acao
	}
	star := !s.cfg.NoAnonymous
	for _, k := range s.acc.allKeys() {
		if k.Expired(now) {
			continue
		}
		if slices.Contains(k.Origins, origin) {
			return origin
		}
		if k.PublicAnonymous && slices.Contains(k.Origins, "*") {
			star = true
		}
	}
	if star {
		return "*"
	}
	return ""
}

// vary marks every answer (API, pages, errors, assets): the CORS routes'
// Access-Control-Allow-Origin depends on the request's Origin, and a cache
// in front of the server must never give one origin's answer to another.
func vary(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Origin")
	c.Next()
}
