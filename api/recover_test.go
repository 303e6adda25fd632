package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestRecoverPanic: a handler's panic is a 500 in French; a stream cut on
// purpose (http.ErrAbortHandler, a backup failing once its headers were
// sent) reaches the client as a cut, not as a complete-looking answer
// (gin's recovery ended it cleanly, writing the request's headers raw to
// standard error).
func TestRecoverPanic(t *testing.T) {
	r := gin.New()
	r.Use(recoverPanic)
	r.GET("/panique", func(c *gin.Context) { panic("oups") })
	r.GET("/coupe", func(c *gin.Context) {
		c.Status(http.StatusOK)
		c.Writer.WriteString(strings.Repeat("début de copie ", 1000))
		c.Writer.Flush()
		panic(http.ErrAbortHandler)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/panique")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(b), "erreur interne du serveur") {
		t.Errorf("panic: %d %s", resp.StatusCode, b)
	}
	resp, err = http.Get(srv.URL + "/coupe")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Error("a stream cut on purpose read as complete")
	}
}
