package api

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Content-Encoding of request bodies. The notes' write routes take gzip (a
// bulk upload compresses tenfold); every other route that reads a body
// takes none. A body whose encoding is ignored was read as garbage: a gzip
// upload was refused line by line as invalid UTF-8, and a keys body as not
// UTF-8.

// gzipRoute reports whether a route reads a body that may come gzipped.
func gzipRoute(method, path string) bool {
	return (method == http.MethodPost && path == "/v1/notes") || (method == http.MethodPut && path == "/v1/notes/:id")
}

// readsBody reports whether a method carries a body to the route.
func readsBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// bodyEncoding refuses, before the handler, a body in an encoding the
// route does not read (415 naming Content-Encoding); gzip passes on the
// routes that read it (Server.bodyReader decompresses). On a route that
// answers other origins (cors) the refusal allows every origin, as the
// other refusals do.
func bodyEncoding(e route, cors bool) gin.HandlerFunc {
	gz := gzipRoute(e.method, e.path)
	compat := strings.HasPrefix(e.path, "/1/")
	return func(c *gin.Context) {
		enc, ok := contentEncoding(c.Request.Header)
		if ok && (enc == "" || (enc == "gzip" && gz)) {
			return
		}
		want := "retirez l’en-tête et envoyez le corps tel quel (non compressé)"
		if gz {
			want = "envoyez le corps tel quel ou compressé avec gzip (Content-Encoding: gzip)"
		}
		msg := "Content-Encoding « " + printable(strings.Join(c.Request.Header.Values("Content-Encoding"), ", ")) + " » non pris en charge sur cette route : " + want
		if cors && c.GetHeader("Origin") != "" {
			c.Header("Access-Control-Allow-Origin", "*")
		}
		switch {
		case compat:
			compatFail(c, http.StatusUnsupportedMediaType, "unsupported_content_encoding", "Content-Encoding", msg)
		case e.kind == pageRoute:
			c.Header("X-Content-Type-Options", "nosniff")
			c.Data(http.StatusUnsupportedMediaType, "text/plain; charset=utf-8", []byte(msg+"\n"))
			c.Abort()
		default:
			c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, ErrorBody{Error: ErrorDetail{Code: "unsupported_content_encoding", Param: "Content-Encoding", Message: msg}})
		}
	}
}

// contentEncoding reads the Content-Encoding headers: "" for none (or
// identity), "gzip" for gzip (or x-gzip) alone; ok is false for anything
// else, several encodings included.
func contentEncoding(h http.Header) (enc string, ok bool) {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for _, part := range strings.Split(v, ",") {
			switch p := strings.ToLower(strings.TrimSpace(part)); p {
			case "", "identity":
			default:
				codings = append(codings, p)
			}
		}
	}
	switch {
	case len(codings) == 0:
		return "", true
	case len(codings) == 1 && (codings[0] == "gzip" || codings[0] == "x-gzip"):
		return "gzip", true
	}
	return "", false
}

// badGzip is a gzipped body that does not decompress; why says so in
// French.
type badGzip struct{ why string }

func (e *badGzip) Error() string {
	return "le corps annoncé en gzip (Content-Encoding: gzip) ne se décompresse pas (" + e.why + ") : compressez-le avec gzip, ou retirez l’en-tête pour l’envoyer tel quel"
}

// gunzipped decompresses a gzipped body, bounded as the body is: more
// than limit bytes once decompressed is the same error as a plain body
// too large (a small bomb must not fill the memory).
type gunzipped struct {
	zr    *gzip.Reader
	n     int64
	limit int64
}

func newGunzipped(body io.Reader, limit int64) (io.Reader, error) {
	zr, err := gzip.NewReader(body)
	if err != nil {
		return nil, gzipFault(err)
	}
	return &gunzipped{zr: zr, limit: limit}, nil
}

func (g *gunzipped) Read(p []byte) (int, error) {
	if rest := g.limit - g.n; int64(len(p)) > rest {
		p = p[:rest+1] // one byte past the limit tells a body over it
	}
	n, err := g.zr.Read(p)
	g.n += int64(n)
	if g.n > g.limit {
		return n - int(g.n-g.limit), &http.MaxBytesError{Limit: g.limit}
	}
	if err != nil && err != io.EOF {
		err = gzipFault(err)
	}
	return n, err
}

// gzipFault names a stream that is not gzip; the body's own failures (too
// large, cut, too slow) keep their errors.
func gzipFault(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, gzip.ErrHeader):
		return &badGzip{why: "ce n’est pas un flux gzip"}
	case errors.Is(err, gzip.ErrChecksum):
		return &badGzip{why: "somme de contrôle fausse : le corps est abîmé"}
	case errors.As(err, &corrupt):
		return &badGzip{why: "données compressées abîmées"}
	case err == io.EOF:
		return &badGzip{why: "corps vide"}
	}
	return err
}
