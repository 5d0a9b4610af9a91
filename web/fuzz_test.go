package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// lockedBuffer collects what the server logs (panics, failed searches)
// from the handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	l.b.Reset()
	return s
}

// FuzzParseSearch turns a fuzzed URL query string into search parameters
// and an index.Query (parseSearch), then asks the real server, over the
// test index, for the search page and /api/search with it. Invariants:
// parseSearch returns a query or a *badRequest, never a panic; a query it
// accepts has a known category, party, pass, sort and a page within reach,
// and its parameters round-trip through the URL the page links to; the
// server answers 200 or 400, never 500, and logs nothing (a panic or a
// failed search would be logged); the API's 400 carries an error message
// and its 200 at most limit hits.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		"", "q=+老赖+&category=threat&team=M1-A&agent=赵强&party=debtor&pass=fail&from=2026-03-01&to=2026-03-31&sort=score&page=3",
		"q=%22老赖", "q=%2Bturns:老赖+-team:QA", "q=老赖~9", "q=/[/", "q=score:>abc", "q=started_at:>2026-13-01",
		"category=rude", "party=debt", "pass=yes", "from=2026-13-01", "to=yesterday", "sort=agent", "page=0",
		"page=100000", "page=500", "page=501", "limit=0", "limit=201", "limit=200&page=50", "offset=-1", "offset=20000",
		"offset=9223372036854775807", "limit=5&offset=9223372036854775800", "page=9223372036854775807",
		"from=2026-03-05T10:00:00%2B08:00&to=2026-03-05", "from=0001-01-01&to=9999-12-31", "q=%ff%fe", "q;x=1&&=&%zz",
		"team=GEN&limit=5&page=2", "q=" + url.QueryEscape(string(make([]byte, 600))),
	} {
		f.Add(s)
	}
	logs := &lockedBuffer{}
	srv, err := New(Config{Index: testIndex, Analyzer: testAnalyzer, Log: log.New(logs, "", 0)})
	if err != nil {
		f.Fatal(err)
	}
	serve := func(path, rawQuery string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = rawQuery
		req.Host = "localhost"
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // what parses; the server does the same
		p, q, err := parseSearch(v)
		if err != nil {
			var bad *badRequest
			if !errors.As(err, &bad) || err.Error() == "" {
				t.Fatalf("%q: error %T %v, want a *badRequest", raw, err, err)
			}
		} else {
			checkParsedSearch(t, raw, p, q)
		}

		w := serve("/api/search", raw)
		if logged := logs.take(); logged != "" {
			t.Fatalf("/api/search?%s: the server logged %s", raw, logged)
		}
		switch w.Code {
		case http.StatusOK:
			var res index.Results
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
				t.Fatalf("/api/search?%s: 200 with a body that does not decode: %v", raw, err)
			}
			limit := PageSize
			if l, err := strconv.Atoi(v.Get("limit")); err == nil {
				limit = l
			}
			if len(res.Hits) > limit || uint64(len(res.Hits)) > res.Total {
				t.Fatalf("/api/search?%s: %d hits of %d, limit %d", raw, len(res.Hits), res.Total, limit)
			}
		case http.StatusBadRequest:
			var e struct{ Error string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("/api/search?%s: 400 without an error message: %q", raw, w.Body.String())
			}
		default:
			t.Fatalf("/api/search?%s: status %d: %s", raw, w.Code, w.Body.String())
		}
		if err != nil && w.Code != http.StatusBadRequest {
			t.Fatalf("/api/search?%s: %d for parameters the page refuses (%v)", raw, w.Code, err)
		}

		w = serve("/", raw)
		if logged := logs.take(); logged != "" {
			t.Fatalf("/?%s: the server logged %s", raw, logged)
		}
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("/?%s: status %d", raw, w.Code)
		}
		if err != nil && w.Code != http.StatusBadRequest {
			t.Fatalf("/?%s: status %d for parameters parseSearch refuses (%v)", raw, w.Code, err)
		}
	})
}

// checkParsedSearch checks a query parseSearch accepted.
func checkParsedSearch(t *testing.T, raw string, p searchParams, q index.Query) {
	t.Helper()
	if q.Text != p.Q || q.Category != p.Category || q.Team != p.Team || q.Agent != p.Agent || q.Party != p.Party || q.Sort != p.Sort {
		t.Fatalf("%q: query %+v does not say what the parameters %+v do", raw, q, p)
	}
	if p.Category != "" && !result.IsViolation(p.Category) || p.Party != "" && !slices.Contains(index.Parties, p.Party) ||
		p.Sort != "" && !slices.Contains(index.Sorts, p.Sort) {
		t.Fatalf("%q: accepted %+v", raw, p)
	}
	switch p.Pass {
	case "":
		if q.Pass != nil {
			t.Fatalf("%q: pass filter without pass", raw)
		}
	case "pass", "fail":
		if q.Pass == nil || *q.Pass != (p.Pass == "pass") {
			t.Fatalf("%q: pass %q, filter %v", raw, p.Pass, q.Pass)
		}
	default:
		t.Fatalf("%q: accepted pass %q", raw, p.Pass)
	}
	if p.Page < 1 || p.Page > maxResults/PageSize || q.Limit != PageSize || q.Offset != (p.Page-1)*PageSize || q.Offset+q.Limit > maxResults {
		t.Fatalf("%q: page %d, limit %d, offset %d", raw, p.Page, q.Limit, q.Offset)
	}
	if p.From == "" && !q.From.IsZero() || p.To == "" && !q.To.IsZero() {
		t.Fatalf("%q: dates %q %q became %v %v", raw, p.From, p.To, q.From, q.To)
	}
	// The URL the page links to means the same search.
	v, err := url.ParseQuery(p.encode())
	if err != nil {
		t.Fatalf("%q: encoded as %q, which does not parse: %v", raw, p.encode(), err)
	}
	p2, q2, err := parseSearch(v)
	if err != nil || p2 != p || !sameQuery(q, q2) {
		t.Fatalf("%q: round trip through %q gives %+v %+v %v, want %+v %+v", raw, p.encode(), p2, q2, err, p, q)
	}
}

func sameQuery(a, b index.Query) bool {
	if (a.Pass == nil) != (b.Pass == nil) || a.Pass != nil && *a.Pass != *b.Pass {
		return false
	}
	a.Pass, b.Pass = nil, nil
	return a.From.Equal(b.From) && a.To.Equal(b.To) && a.Text == b.Text && a.Category == b.Category &&
		a.Team == b.Team && a.Agent == b.Agent && a.Party == b.Party && a.Limit == b.Limit &&
		a.Offset == b.Offset && a.Sort == b.Sort && a.Findings == b.Findings &&
		a.NeedsReview == b.NeedsReview && a.Candidates == b.Candidates
}

// TestSearchBadInputIs400: searches FuzzParseSearch found answered 500
// (and logged a server error) are the client's mistakes, answered 400: a
// fuzziness Bleve refuses, an offset that overflowed offset+limit, dates
// outside what the index can hold.
func TestSearchBadInputIs400(t *testing.T) {
	base := start(t, Config{})
	for _, tt := range []struct{ query, want string }{
		{search("q", "老赖~9"), "fuzziness"},
		{search("offset", "9223372036854775807"), "offset+limit may be at most"},
		{search("limit", "5", "offset", "9223372036854775800"), "offset+limit may be at most"},
		{search("from", "0001-01-01"), `from: "0001-01-01" is out of range`},
		{search("to", "9999-12-31"), `to: "9999-12-31" is out of range`},
		{search("from", "2262-06-01T00:00:00Z"), "out of range"},
	} {
		assertAPIError(t, get(t, base+"/api/search?"+tt.query), http.StatusBadRequest, tt.want)
		r := get(t, base+"/?"+tt.query)
		if tt.want != "offset+limit may be at most" {
			assert.Equal(t, http.StatusBadRequest, r.status, tt.query)
		}
	}
}
