package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/reviewidx"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// PageSize is the number of hits on a page of the search page.
const PageSize = 20

// maxResults is how deep paging goes: Bleve keeps offset+limit hits in
// memory to sort them.
const maxResults = 10000

// maxAPILimit is the largest limit /api/search accepts.
const maxAPILimit = 200

// searchParams are the search as the URL says it; the whole search lives
// in the URL, so it can be shared and the back button works.
type searchParams struct {
	Q, Category, Team, Agent, Party, Pass, From, To, Sort string
	Page                                                  int
	// Verdict is a review state: calls with a finding in it.
	Verdict string
	// Review is "1" to keep only calls with a finding that needs review.
	Review string
	// Candidates is "1" to keep only calls with a candidate for review
	// (the similar-sentence pass).
	Candidates string
}

// paramNames are the search parameters, in the order URLs list them.
var paramNames = []string{"q", "category", "team", "agent", "party", "pass", "review", "candidates", "from", "to", "sort", "page", "verdict"}

// badRequest is an error in what the client asked: 400. page is set when
// the error is a page out of reach, whose right message depends on how
// many calls match (pageError).
type badRequest struct {
	msg  string
	page int
}

func (e *badRequest) Error() string { return e.msg }

func badf(format string, args ...any) error { return &badRequest{msg: fmt.Sprintf(format, args...)} }

// parseSearch reads the search parameters and the index query they mean.
// The query has the page's limit and offset.
func parseSearch(v url.Values) (searchParams, index.Query, error) {
	p := searchParams{
		Q: strings.TrimSpace(v.Get("q")), Category: v.Get("category"), Team: v.Get("team"),
		Agent: v.Get("agent"), Party: v.Get("party"), Pass: v.Get("pass"),
		From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort"), Review: v.Get("review"), Candidates: v.Get("candidates"), Page: 1,
		Verdict: v.Get("verdict"),
	}
	q := index.Query{Text: p.Q, Category: p.Category, Team: p.Team, Agent: p.Agent, Party: p.Party, Sort: p.Sort, Limit: PageSize}
	if utf8.RuneCountInString(p.Q) > 500 {
		return p, q, badf("q is too long (at most 500 characters)")
	}
	if err := q.Check(); err != nil { // category, party and sort, as callqa search checks them
		return p, q, &badRequest{msg: err.Error()}
	}
	if p.Verdict != "" {
		if _, err := reviewidx.ParseVerdict(p.Verdict); err != nil {
			return p, q, &badRequest{msg: err.Error()}
		}
	}
	switch p.Review {
	case "":
	case "1":
		q.NeedsReview = true
	default:
		return p, q, badf("unknown review %q (want 1)", p.Review)
	}
	switch p.Candidates {
	case "":
	case "1":
		q.Candidates = true
	default:
		return p, q, badf("unknown candidates %q (want 1)", p.Candidates)
	}
	switch p.Pass {
	case "":
	case "pass", "fail":
		pass := p.Pass == "pass"
		q.Pass = &pass
	default:
		return p, q, badf("unknown pass %q (want pass or fail)", p.Pass)
	}
	var err error
	if q.From, err = parseDay(p.From, false); err != nil {
		return p, q, badf("from: %v", err)
	}
	if q.To, err = parseDay(p.To, true); err != nil {
		return p, q, badf("to: %v", err)
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, q, badf("page must be a whole number from 1, not %q", s)
		}
		if n > maxResults/PageSize {
			return p, q, &badRequest{msg: fmt.Sprintf("page %d is too far: searches page through the first %d results; narrow the search", n, maxResults), page: n}
		}
		p.Page = n
	}
	q.Offset = (p.Page - 1) * PageSize
	return p, q, nil
}

// parseDay reads a date (2006-01-02, local midnight) or an RFC 3339 time,
// as callqa search does; for an end date the whole day is included.
func parseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, checkYear(s, t)
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2026-03-01", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, checkYear(s, t)
}

// checkYear refuses dates the index cannot search: Bleve keeps times as
// int64 nanoseconds, from 1677 to 2262.
func checkYear(s string, t time.Time) error {
	if y := t.Year(); y < 1678 || y > 2261 {
		return fmt.Errorf("%q is out of range (years 1678 to 2261)", s)
	}
	return nil
}

// pageError says why page (of pageSize hits) shows nothing when total
// calls match: there is none, the page is past the last one, or it is
// beyond the first maxResults matches, which is as deep as paging goes.
func pageError(page, pageSize int, total uint64) string {
	last := (min(total, maxResults) + uint64(pageSize) - 1) / uint64(pageSize)
	switch {
	case total == 0:
		return fmt.Sprintf("page %d is past the end: no call matches this search", page)
	case total <= maxResults:
		return fmt.Sprintf("page %d is past the last page, %d (%d calls match)", page, last, total)
	}
	return fmt.Sprintf("page %d is too far: searches page through the first %d of the %d matching calls; narrow the search", page, maxResults, total)
}

// pageOutOfReach gives err, a page parseSearch found out of reach, the
// right message: it counts the calls that match q.
func (s *Server) pageOutOfReach(err *badRequest, pageSize int, q index.Query) error {
	q.Offset = 0
	total, _, cerr := s.cfg.Index.Count(q, 0)
	if cerr != nil {
		return err // the search itself will not do better
	}
	return &badRequest{msg: pageError(err.page, pageSize, total), page: err.page}
}

// values are the parameters that are set, page 1 left out.
func (p searchParams) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", p.Q}, {"category", p.Category}, {"team", p.Team}, {"agent", p.Agent}, {"party", p.Party}, {"pass", p.Pass}, {"review", p.Review}, {"candidates", p.Candidates}, {"from", p.From}, {"to", p.To}, {"sort", p.Sort}, {"verdict", p.Verdict}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

// encode writes the parameters in a fixed order, so that URLs are stable.
func (p searchParams) encode() string {
	v := p.values()
	var parts []string
	for _, k := range paramNames {
		if x := v.Get(k); x != "" {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(x))
		}
	}
	return strings.Join(parts, "&")
}

// href is the search page with these parameters.
func (p searchParams) href() string {
	if e := p.encode(); e != "" {
		return "/?" + e
	}
	return "/"
}

// withQuery appends the encoded parameters to a path.
func withQuery(path string, p searchParams) string {
	if e := p.encode(); e != "" {
		return path + "?" + e
	}
	return path
}

// pathSegment escapes id as one segment of a URL path. The dot segments
// "." and ".." are escaped too (%2E): as they are, a browser would resolve
// them away before asking, and the call would never be reached.
func pathSegment(id string) string {
	if id == "." || id == ".." {
		return strings.ReplaceAll(id, ".", "%2E")
	}
	return url.PathEscape(id)
}

// callHref is the call page of a hit, carrying the search.
func callHref(id string, p searchParams) string {
	return withQuery("/calls/"+pathSegment(id), p)
}

type option struct {
	Value, Label string
	Selected     bool
}

type facetLink struct {
	Label  label
	Count  int
	Href   string
	Active bool
}

type markPart struct {
	Text string
	Mark bool
}

type highlightView struct {
	Turn  int
	Href  string
	Parts []markPart
}

// hitView is one call of the results. Compliance (no red line crossed,
// what the index keeps as pass) and the task score are shown apart; the
// score is not applicable on a call with a third party.
type hitView struct {
	ID              string
	Href            string
	Date            string
	Team            string
	Agent           string
	Party           string
	Score           int
	ScoreApplicable bool
	Compliant       bool
	Categories      []string
	Highlights      []highlightView
}

type searchPage struct {
	base
	P                                                 searchParams
	Categories, Teams, Agents, Parties, Passes, Sorts []option
	Verdicts                                          []option
	CategoryFacets, TeamFacets, AgentFacets           []facetLink
	MonthFacets                                       []facetLink
	Error                                             string
	Searched                                          bool
	Total                                             uint64
	First, Last                                       int
	Pages                                             int
	Hits                                              []hitView
	PrevHref, NextHref                                string
	ClearHref                                         string
	Took                                              string

	// FacetNotes say which facets list only some of their values.
	FacetNotes []string
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	p, q, err := s.parseSearch(r)
	page := searchPage{base: s.base(r, "search", "Search 检索"), P: p, ClearHref: "/"}
	if p.Q != "" {
		page.Title = p.Q + " · Search 检索"
	}
	status := http.StatusOK
	if err != nil {
		var bad *badRequest
		if !errors.As(err, &bad) {
			s.internal(w, r, err)
			return
		}
		if bad.page > 0 {
			err = s.pageOutOfReach(bad, PageSize, q)
		}
		page.Error = err.Error()
		status = http.StatusBadRequest
	} else {
		res, err := s.cfg.Index.Search(q)
		if err != nil {
			if isQuerySyntax(err) {
				page.Error = "The search text did not parse: " + err.Error()
				status = http.StatusBadRequest
			} else {
				s.internal(w, r, err)
				return
			}
		} else if p.Page > 1 && len(res.Hits) == 0 {
			page.Error = pageError(p.Page, PageSize, res.Total)
			status = http.StatusBadRequest
		} else {
			page.Searched = true
			s.fillResults(&page, p, res)
		}
	}
	teams, agents := s.filterOptions()
	page.Categories = selectOptions(p.Category, "全部类别 all categories", result.ViolationCategories, labelText(categoryLabel))
	page.Teams = selectOptions(p.Team, "All teams 全部团队", withSelected(teams, p.Team), nil)
	page.Agents = selectOptions(p.Agent, "All agents 全部坐席", withSelected(agents, p.Agent), nil)
	page.Parties = selectOptions(p.Party, "任何对象 anyone", index.Parties, labelText(partyLabel))
	// The index's pass is compliance: no red line crossed.
	page.Passes = selectOptions(p.Pass, "合规与违规 all", []string{"pass", "fail"}, func(v string) string {
		return map[string]string{"pass": "合规 compliant", "fail": "违规 violation"}[v]
	})
	if s.cfg.Review != nil {
		page.Verdicts = selectOptions(p.Verdict, "任何复核状态 any review state", reviewidx.Verdicts, func(v string) string { return stateLabel(review.State(v)).String() })
	}
	page.Sorts = []option{
		{Value: "", Label: "Newest first 最新", Selected: p.Sort == "" || p.Sort == "date"},
		{Value: "score", Label: "Lowest score first 低分优先", Selected: p.Sort == "score"},
		{Value: "relevance", Label: "Best match 相关度", Selected: p.Sort == "relevance"},
	}
	s.render(w, r, status, "search", &page)
}

// isQuerySyntax reports whether a search failed on the query-string
// syntax the text may use (a bad quote, a lone +), which the user can fix.
func isQuerySyntax(err error) bool {
	var re *syntax.Error
	if errors.As(err, &re) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "parse") || strings.Contains(msg, "parsing regexp") || strings.Contains(msg, "syntax") || strings.Contains(msg, "unknown sort") ||
		strings.Contains(msg, "fuzziness") || strings.Contains(msg, "date range")
}

func (s *Server) fillResults(page *searchPage, p searchParams, res *index.Results) {
	page.Total = res.Total
	page.Took = res.Took.Round(100 * time.Microsecond).String()
	page.Pages = int((min(res.Total, maxResults) + PageSize - 1) / PageSize)
	if len(res.Hits) > 0 {
		page.First = (p.Page-1)*PageSize + 1
		page.Last = page.First + len(res.Hits) - 1
	}
	for _, h := range res.Hits {
		hv := hitView{
			ID: h.CallID, Href: callHref(h.CallID, p), Date: callview.DisplayDate(h.StartedAt), Team: h.Team,
			Agent: h.Agent, Party: h.Party, Score: h.Score, ScoreApplicable: h.Party != lexicon.PartyThirdParty,
			Compliant: h.Pass, Categories: h.Categories,
		}
		for _, hl := range h.Highlights {
			hv.Highlights = append(hv.Highlights, highlightView{
				Turn: hl.Turn, Href: hv.Href + "#t" + strconv.Itoa(hl.Turn), Parts: markSpans(hl.Text, hl.Spans),
			})
		}
		page.Hits = append(page.Hits, hv)
	}
	if p.Page > 1 {
		prev := p
		prev.Page--
		page.PrevHref = prev.href()
	}
	if p.Page < page.Pages {
		next := p
		next.Page++
		page.NextHref = next.href()
	}
	facet := func(name string, current string, set func(*searchParams, string), named func(string) label) []facetLink {
		var out []facetLink
		for _, c := range res.Facets[name] {
			q := p
			q.Page = 1
			active := c.Value == current
			if active {
				set(&q, "") // a second click removes the filter
			} else {
				set(&q, c.Value)
			}
			l := label{ZH: c.Value}
			if named != nil {
				l = named(c.Value)
			}
			out = append(out, facetLink{Label: l, Count: c.Count, Href: q.href(), Active: active})
		}
		return out
	}
	page.CategoryFacets = facet("category", p.Category, func(q *searchParams, v string) { q.Category = v }, categoryLabel)
	page.TeamFacets = facet("team", p.Team, func(q *searchParams, v string) { q.Team = v }, nil)
	page.AgentFacets = facet("agent", p.Agent, func(q *searchParams, v string) { q.Agent = v }, nil)
	// A month applies as a date range.
	for _, c := range res.Facets["month"] {
		start, err := time.Parse("2006-01", c.Value)
		if err != nil {
			continue
		}
		q := p
		q.Page = 1
		q.From = start.Format("2006-01-02")
		q.To = start.AddDate(0, 1, -1).Format("2006-01-02")
		active := p.From == q.From && p.To == q.To
		if active {
			q.From, q.To = "", ""
		}
		page.MonthFacets = append(page.MonthFacets, facetLink{Label: label{ZH: c.Value}, Count: c.Count, Href: q.href(), Active: active})
	}
	page.FacetNotes = facetNotes(res)
}

// facetNotes says, for each facet the index cut at index.FacetLimit
// values, how many it shows of how many, and how to reach the others.
func facetNotes(res *index.Results) []string {
	var notes []string
	for _, f := range []struct{ name, what, zh, rest string }{
		{"category", "categories", "类别", "the most frequent"},
		{"team", "teams", "团队", "the most calls; pick any team in the Team filter above"},
		{"agent", "agents", "坐席", "the most calls; pick any agent in the Agent filter above"},
		{"month", "months", "月份", "the latest; set From and To for earlier ones"},
	} {
		total, cut := res.FacetTotals[f.name]
		if !cut {
			continue
		}
		shown := len(res.Facets[f.name])
		notes = append(notes, fmt.Sprintf("%s: %d of %d shown (%s). %s：显示 %d 个，共 %d 个。", capitalize(f.what), shown, total, f.rest, f.zh, shown, total))
	}
	return notes
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// markSpans cuts a turn's text at the highlight spans (byte ranges) and
// marks the matched pieces. Spans out of range, not on character
// boundaries or overlapping an earlier one are left out: the text always
// comes back whole.
func markSpans(text string, spans [][2]int) []markPart {
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b [2]int) int { return a[0] - b[0] })
	var out []markPart
	prev := 0
	for _, sp := range sorted {
		a, b := sp[0], sp[1]
		if a < prev || b > len(text) || a >= b || !utf8.RuneStart(text[a]) || b < len(text) && !utf8.RuneStart(text[b]) {
			continue
		}
		if a > prev {
			out = append(out, markPart{Text: text[prev:a]})
		}
		out = append(out, markPart{Text: text[a:b], Mark: true})
		prev = b
	}
	if prev < len(text) {
		out = append(out, markPart{Text: text[prev:]})
	}
	return out
}

// labelText turns a label function into one of plain text, for an option
// or a facet: "辱骂 insult".
func labelText(f func(string) label) func(string) string {
	return func(code string) string { return f(code).String() }
}

// selectOptions builds a select's options: "" (all) first, then values.
func selectOptions(current, all string, values []string, label func(string) string) []option {
	out := []option{{Value: "", Label: all, Selected: current == ""}}
	for _, v := range values {
		l := v
		if label != nil {
			l = label(v)
		}
		out = append(out, option{Value: v, Label: l, Selected: v == current})
	}
	return out
}

// withSelected adds the current value to the options when the index does
// not list it, so the select shows what the URL says.
func withSelected(values []string, current string) []string {
	if current == "" || slices.Contains(values, current) {
		return values
	}
	return append(slices.Clone(values), current)
}

// filterOptions returns every team and agent in the index, for the
// selects, counted at most once a minute.
func (s *Server) filterOptions() (teams, agents []string) {
	s.optMu.Lock()
	defer s.optMu.Unlock()
	if s.optTime.IsZero() || time.Since(s.optTime) > s.optTimeout {
		_, f, err := s.cfg.Index.Count(index.Query{}, 10000, "team", "agent")
		if err != nil {
			s.cfg.Log.Printf("listing teams and agents: %v", err)
			return s.optTeams, s.optAgents
		}
		s.optTeams, s.optAgents = facetValues(f["team"]), facetValues(f["agent"])
		s.optTime = time.Now()
	}
	return s.optTeams, s.optAgents
}

func facetValues(counts []index.FacetCount) []string {
	out := make([]string, 0, len(counts))
	for _, c := range counts {
		out = append(out, c.Value)
	}
	slices.Sort(out)
	return out
}

// handleAPISearch is GET /api/search: the page's parameters plus limit
// (1–200, default 20) and offset (default: from page).
func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	_, q, err := s.parseSearch(r)
	if err != nil {
		var bad *badRequest
		if !errors.As(err, &bad) {
			s.internal(w, r, err)
			return
		}
		if bad.page > 0 {
			size := PageSize
			if n, lerr := strconv.Atoi(v.Get("limit")); lerr == nil && 1 <= n && n <= maxAPILimit {
				size = n
			}
			err = s.pageOutOfReach(bad, size, q)
		}
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxAPILimit {
			s.apiError(w, http.StatusBadRequest, fmt.Sprintf("limit must be a whole number from 1 to %d, not %q", maxAPILimit, l))
			return
		}
		if v.Get("offset") == "" {
			q.Offset = q.Offset / PageSize * n
		}
		q.Limit = n
	}
	if o := v.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			s.apiError(w, http.StatusBadRequest, fmt.Sprintf("offset must be a whole number from 0, not %q", o))
			return
		}
		q.Offset = n
	}
	if q.Offset > maxResults-q.Limit { // q.Offset+q.Limit could overflow
		s.apiError(w, http.StatusBadRequest, fmt.Sprintf("offset+limit may be at most %d: narrow the search", maxResults))
		return
	}
	res, err := s.cfg.Index.Search(q)
	if err != nil {
		if isQuerySyntax(err) {
			s.apiError(w, http.StatusBadRequest, "the search text did not parse: "+err.Error())
			return
		}
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
