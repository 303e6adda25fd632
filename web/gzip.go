package web

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// gzipBytes compresses b at the best level (done once for static files).
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// writeMaybeGzip sends body, gzip-compressed when the client accepts it and
// the body is worth compressing: the first page then weighs a fraction of
// its size on an old phone's connection. gz may hold the precompressed body.
func writeMaybeGzip(c *gin.Context, status int, ctype string, body, gz []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", ctype)
	if len(body) > 1024 && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		if gz == nil {
			var buf bytes.Buffer
			w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
			w.Write(body)
			w.Close()
			gz = buf.Bytes()
		}
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(status)
	if c.Request.Method != "HEAD" {
		c.Writer.Write(body)
	}
}
