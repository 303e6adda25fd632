package web

import (
	"embed"
	"net/http"

	"github.com/encommun/trouvaille/ingest"
	"github.com/gin-gonic/gin"
)

//go:embed static
var static embed.FS

// Routes returns the function that adds the page's routes to a Gin engine.
func Routes(eng *ingest.Engine) func(*gin.Engine) {
	return func(r *gin.Engine) {
		r.GET("/", func(c *gin.Context) {
			b, err := static.ReadFile("static/index.html")
			if err != nil {
				c.Status(http.StatusInternalServerError)
				return
			}
			c.Data(http.StatusOK, "text/html; charset=utf-8", b)
		})
	}
}
