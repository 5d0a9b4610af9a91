package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/review"
)

var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed static
	staticRoot embed.FS

	// staticFiles are the files served under /static/: the embedded
	// ones, app.css after callview's base style, which the HTML report
	// shares.
	staticFiles = sync.OnceValue(func() map[string][]byte { return loadStatic(mustSub(staticRoot, "static")) })
	// assetVersion maps a static file to a digest of its content, put in
	// its URL so that a browser never keeps an old copy.
	assetVersion = sync.OnceValue(func() map[string]string { return digests(staticFiles()) })

	// pages are parsed on first use, not when the package loads: every
	// command of the binary imports it (7 ms of each start-up).
	pages = sync.OnceValue(parsePages)
)

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// loadStatic reads the files of f, and puts callview.BaseCSS before
// app.css.
func loadStatic(f fs.FS) map[string][]byte {
	out := map[string][]byte{}
	entries, err := fs.ReadDir(f, ".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(f, e.Name())
		if err != nil {
			panic(err)
		}
		if e.Name() == "app.css" {
			b = append([]byte(callview.BaseCSS+"\n"), b...)
		}
		out[e.Name()] = b
	}
	return out
}

func digests(files map[string][]byte) map[string]string {
	out := map[string]string{}
	for name, b := range files {
		sum := sha256.Sum256(b)
		out[name] = hex.EncodeToString(sum[:6])
	}
	return out
}

var funcs = template.FuncMap{
	"asset": func(name string) string {
		v, ok := assetVersion()[name]
		if !ok {
			panic("web: no static file " + name)
		}
		return "/static/" + name + "?v=" + v
	},
	"category": categoryLabel,
	"party":    partyLabel,
	"kind":     kindLabel,
	"role":     roleLabel,
	"severity": severityLabel,
	"itemKind": itemKindLabel,
	"svg":      (*callview.BarChart).SVG,
	"words":    func(s []string) string { return strings.Join(s, " ") },
	"state":    stateLabel,
	"reason":   reasonLabel,
	"addAt": func(p *reviewPanel, turn int, category string) turnAdd {
		return turnAdd{Panel: p, Turn: turn, Category: category}
	},
}

// parsePages parses each page with the layout and the shared parts; the
// page defines "content".
func parsePages() map[string]*template.Template {
	common := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html", "templates/review.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"search", "call", "analyze", "dashboard", "login", "error"} {
		t := template.Must(template.Must(common.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
		out[name] = t
	}
	return out
}

// base is what every page's layout needs.
type base struct {
	Title    string
	Page     string // the page's name, for the body class and the current link
	SignedIn bool
	Version  string
	// User is who the request acts as ("" on pages served without
	// credentials, such as /login).
	User review.Actor
}

func (s *Server) base(r *http.Request, page, title string) base {
	u, _ := actor(r)
	return base{Title: title, Page: page, SignedIn: s.signedIn(r), Version: s.cfg.Version, User: u}
}

// render executes a page into a buffer first, so that a template error is
// a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := pages()[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.cfg.Log.Printf("%s %s: rendering %s: %v", r.Method, r.URL.Path, page, err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("internal error\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

type errorPage struct {
	base
	Status  int
	Heading string
	Message string
}

// pageError renders the error page.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := errorPage{base: s.base(r, "error", strconv.Itoa(status)+" "+http.StatusText(status)), Status: status, Heading: http.StatusText(status), Message: msg}
	s.render(w, r, status, "error", &p)
}

func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		s.pageError(w, r, http.StatusNotFound, "There is no page at "+r.URL.Path+".")
		return
	}
	s.handleSearch(w, r)
}

func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, http.StatusNotFound, "no API endpoint "+r.URL.Path)
}

// handleStatic serves the embedded files, and nothing else: no listing,
// no file from disk.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, ok := staticFiles()[name]
	if !ok {
		s.pageError(w, r, http.StatusNotFound, "There is no file "+r.URL.Path+".")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "favicon.svg", time.Time{}, bytes.NewReader(staticFiles()["favicon.svg"]))
}
