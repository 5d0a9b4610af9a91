package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/callqa/callqa/result"
)

// Query is what a supervisor asks: free text plus filters.
type Query struct {
	// Text is Chinese free text (each space-separated part must occur as a
	// phrase in the turns), or Bleve query-string syntax when it holds one
	// of : + - " * ~ ^ (e.g. `+turns:坐牢 -team:M2`).
	Text     string
	Category string
	Team     string
	Agent    string
	Party    string
	From, To time.Time // From inclusive, To exclusive; zero means open
	Pass     *bool
	Limit    int // default 20
	Offset   int
	Sort     string // date (newest first, default), score (lowest first), relevance
	// Findings searches finding documents instead of calls.
	Findings bool
	// DocIDs, when not nil, keeps only the documents with these ids
	// (CallDocID, FindingDocID); an empty, non-nil list matches nothing.
	// ExcludeDocIDs leaves out the documents with these ids. Both narrow
	// a search by what is recorded outside the index, such as reviewers'
	// decisions.
	DocIDs        []string
	ExcludeDocIDs []string
	// NeedsReview keeps only findings that need review
	// (result.Finding.NeedsReview), or calls with one.
	NeedsReview bool
	// Candidates keeps only calls with a candidate for review (a turn
	// the similar-sentence pass queued, result.Result.Candidates). Calls
	// only: with Findings it is an error (Check).
	Candidates bool
}

// Hit is one call that matched.
type Hit struct {
	CallID     string           `json:"call_id"`
	StartedAt  string           `json:"started_at"`
	Team       string           `json:"team"`
	Agent      string           `json:"agent"`
	Party      string           `json:"party"`
	Source     string           `json:"source"`
	Score      int              `json:"score"`
	Pass       bool             `json:"pass"`
	Categories []string         `json:"categories"`
	Highlights []Highlight      `json:"highlights"`
	Findings   []result.Finding `json:"findings"`
	Relevance  float64          `json:"relevance"`
	// Candidates are the call's candidates for review (added field).
	Candidates []result.Candidate `json:"candidates,omitempty"`
}

// Highlight is one turn with the matched words marked 【like this】; Spans
// are the byte ranges of the marked words in the turn's original Text.
type Highlight struct {
	Turn   int      `json:"turn"`
	Text   string   `json:"text"`
	Marked string   `json:"marked"`
	Spans  [][2]int `json:"spans"`
}

// FindingHit is one finding document that matched (Query.Findings).
type FindingHit struct {
	CallID    string `json:"call_id"`
	Turn      int    `json:"turn"`
	Category  string `json:"category"`
	Severity  string `json:"severity"`
	Rule      string `json:"rule"`
	Match     string `json:"match"`
	Text      string `json:"text"`
	Agent     string `json:"agent"`
	Team      string `json:"team"`
	StartedAt string `json:"started_at"`
	// NeedsReview and ReviewReason are the finding's (added fields).
	NeedsReview  bool   `json:"needs_review,omitempty"`
	ReviewReason string `json:"review_reason,omitempty"`
}

// FacetCount is one value of a facet and how many hits have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// FacetLimit is how many values each facet of Search lists: the commonest
// (for the months, the latest).
const FacetLimit = 50

// facetScan is how many values Search counts per facet, to list the right
// FacetLimit ones and tell how many there are.
const facetScan = 10000

// Results is a page of hits, the total number of matches and the facets
// over all of them.
type Results struct {
	Total    uint64                  `json:"total"`
	Hits     []Hit                   `json:"hits"`
	Findings []FindingHit            `json:"findings,omitempty"`
	Facets   map[string][]FacetCount `json:"facets"`
	// FacetTotals gives, for each facet cut at FacetLimit values, how
	// many values it has; a facet listed whole is not in it.
	FacetTotals map[string]int `json:"facet_totals,omitempty"`
	Took        time.Duration  `json:"took_ns"`
}

// Marks around matched words in Highlight.Marked.
const (
	MarkOpen  = "【"
	MarkClose = "】"
)

// buildQuery turns q into a Bleve query for documents of the given type,
// and what records the errors of its phrase checks (phraseQuery), to look
// at after the search.
func buildQuery(q Query, docType string) (query.Query, *searchErrs, error) {
	errs := &searchErrs{}
	must := []query.Query{term("type", docType)}
	if q.Category != "" {
		field := "categories"
		if docType == TypeFinding {
			field = "category"
		}
		must = append(must, term(field, q.Category))
	}
	for field, v := range map[string]string{"team": q.Team, "agent": q.Agent, "party": q.Party} {
		if v != "" {
			must = append(must, term(field, v))
		}
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		must = append(must, dateRange(q.From, q.To))
	}
	if q.NeedsReview {
		must = append(must, term("needs_review", "true"))
	}
	if q.Candidates && docType == TypeCall {
		must = append(must, term("has_candidates", "true"))
	}
	if q.Pass != nil && docType == TypeCall {
		must = append(must, term("pass", fmt.Sprint(*q.Pass)))
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		if isQueryString(text) {
			qs, err := parseQueryString(text)
			if err != nil {
				return nil, nil, err
			}
			parsed, err := qs.Parse()
			if err != nil {
				return nil, nil, err
			}
			routed, err := routeDefaultField(parsed, textFields(docType))
			if err != nil {
				return nil, nil, err
			}
			if docType == TypeCall {
				routed = usePhrases(routed, errs)
			}
			must = append(must, routed)
		} else {
			fields := textFields(docType)
			for _, part := range strings.Fields(text) {
				if docType == TypeCall {
					must = append(must, &phraseQuery{Phrase: part, errs: errs})
					continue
				}
				var alts []query.Query
				for _, f := range fields {
					mp := bleve.NewMatchPhraseQuery(part)
					mp.SetField(f)
					alts = append(alts, mp)
				}
				must = append(must, bleve.NewDisjunctionQuery(alts...))
			}
		}
	}
	if q.DocIDs != nil {
		must = append(must, bleve.NewDocIDQuery(q.DocIDs))
	}
	if len(q.ExcludeDocIDs) > 0 {
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewConjunctionQuery(must...))
		b.AddMustNot(bleve.NewDocIDQuery(q.ExcludeDocIDs))
		return b, errs, nil
	}
	return bleve.NewConjunctionQuery(must...), errs, nil
}

// dateRange matches started_at in [from, to); a zero time leaves that end
// open. A closed range across the Unix epoch is split there: Bleve walks
// the terms of such a range byte by byte, billions of them for a range of
// seconds, and the search never ends (found by FuzzQuery).
func dateRange(from, to time.Time) query.Query {
	epoch := time.Unix(0, 0)
	if !from.IsZero() && !to.IsZero() && from.Before(epoch) && to.After(epoch) {
		return bleve.NewDisjunctionQuery(dateRange(from, epoch), dateRange(epoch, to))
	}
	t, f := true, false
	r := bleve.NewDateRangeInclusiveQuery(from, to, &t, &f)
	r.SetField("started_at")
	return r
}

// sortOrder is the Bleve sort of a Query.Sort value.
func sortOrder(s string) ([]string, error) {
	switch s {
	case "", "date":
		return []string{"-sort_at", "_id"}, nil
	case "score":
		return []string{"score", "-sort_at", "_id"}, nil
	case "relevance":
		return []string{"-_score", "-sort_at", "_id"}, nil
	}
	return nil, fmt.Errorf("unknown sort %q (want date, score or relevance)", s)
}

func term(field, v string) query.Query {
	t := bleve.NewTermQuery(v)
	t.SetField(field)
	return t
}

// Search runs q against an index or an alias of several indexes.
func Search(bi bleve.Index, q Query) (*Results, error) {
	docType := TypeCall
	if q.Findings {
		docType = TypeFinding
	}
	bq, errs, err := buildQuery(q, docType)
	if err != nil {
		return nil, err
	}
	marks := &textMarks{words: map[string]bool{}}
	if !q.Findings {
		if err := collectMarks(bq, marks); err != nil {
			return nil, err
		}
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	// Bleve keeps offset+limit+1 hits, and panics when that is negative.
	if q.Offset < 0 || q.Offset > math.MaxInt-1-q.Limit {
		return nil, fmt.Errorf("offset %d with limit %d is out of range (want an offset from 0)", q.Offset, q.Limit)
	}
	order, err := sortOrder(q.Sort)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, q.Offset, false)
	req.SortBy(order)
	facetFields := map[string]string{"category": "categories", "team": "team", "agent": "agent", "month": "month"}
	if q.Findings {
		req.Fields = []string{"call_id", "turn", "category", "severity", "rule", "match", "text", "agent", "team", "started_at_text", "needs_review", "review_reason"}
		facetFields["category"] = "category"
	} else {
		req.Fields = storedFields
		req.IncludeLocations = true
	}
	key := facetKey(indexState(bi), q)
	cached := cachedFacets(key)
	var countFacets map[string]string
	if cached == nil {
		countFacets = facetFields
	}
	var sr *bleve.SearchResult
	if cs := newColumnSearch(bi, req, order, countFacets); cs != nil {
		sr, err = searchBleve(cs.context(context.Background()), bi, req)
		if err == nil && cached == nil {
			sr.Facets = cs.facetResults()
		}
	} else if fs := newFirstSearch(bi, order, q.Offset, countFacets, q.Text == ""); fs != nil {
		sr, err = fs.run(bi, req, order)
	} else {
		if cached == nil {
			for name, field := range facetFields {
				req.AddFacet(name, bleve.NewFacetRequest(field, facetScan))
			}
		}
		sr, err = searchBleve(context.Background(), bi, req)
	}
	if err == nil {
		err = errs.err()
	}
	if err != nil {
		return nil, err
	}
	out := &Results{Total: sr.Total, Facets: map[string][]FacetCount{}, Took: sr.Took}
	if !q.Findings {
		out.Hits = []Hit{}
	}
	if cached != nil {
		out.Facets, out.FacetTotals = cached.copyFacets()
	} else {
		e := &facetEntry{}
		e.facets, e.facetTotals = facetCounts(sr.Facets)
		storeFacets(key, e)
		out.Facets, out.FacetTotals = e.copyFacets()
	}
	for _, h := range sr.Hits {
		if q.Findings {
			out.Findings = append(out.Findings, findingHit(h))
			continue
		}
		hit, err := callHit(h, q, marks)
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// facetCounts turns Bleve's facets into Search's: at most FacetLimit
// values each, the commonest first (the months latest first), and how
// many values each facet cut there has.
func facetCounts(facets search.FacetResults) (map[string][]FacetCount, map[string]int) {
	out := map[string][]FacetCount{}
	var totals map[string]int
	for name, f := range facets {
		var counts []FacetCount
		if f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		sort.SliceStable(counts, func(i, j int) bool {
			if name == "month" {
				return counts[i].Value > counts[j].Value
			}
			return counts[i].Count > counts[j].Count
		})
		if len(counts) > FacetLimit {
			if totals == nil {
				totals = map[string]int{}
			}
			totals[name] = len(counts)
			counts = counts[:FacetLimit]
		}
		out[name] = counts
	}
	return out, totals
}

// callHit makes the Hit of a call document. The words the text query
// matched are marked from Bleve's locations on an index that keeps word
// positions for the turns, and from the query's words (marks) on one that
// does not.
func callHit(h *search.DocumentMatch, q Query, marks *textMarks) (Hit, error) {
	sh, err := readShown(h.Fields)
	if err != nil {
		return Hit{}, fmt.Errorf("%s: %w", h.ID, err)
	}
	var res result.Result
	if err := json.Unmarshal(sh.result, &res); err != nil {
		return Hit{}, fmt.Errorf("%s: stored result does not decode: %w", h.ID, err)
	}
	spans := map[int][][2]int{}
	for _, locs := range h.Locations["turns"] {
		for _, l := range locs {
			turn := 0
			if len(l.ArrayPositions) > 0 {
				turn = int(l.ArrayPositions[0])
			}
			spans[turn] = append(spans[turn], [2]int{int(l.Start), int(l.End)})
		}
	}
	if len(spans) == 0 && !marks.empty() {
		if spans, err = marks.spans(sh.turns); err != nil {
			return Hit{}, err
		}
	}
	return NewHit(&res, sh.turns, spans, h.Score, q), nil
}

// NewHit makes the Hit of a stored call for q: turns are the texts of the
// call's turns, spans the byte ranges of the words the text query matched
// in them, by turn index from 0 (none when q has no text query, or it
// matched nothing in the turns: then the call's findings are marked, those
// of q.Category when it is set). Another store (package pgindex) uses it
// to give the hits the index gives.
func NewHit(res *result.Result, turns []string, spans map[int][][2]int, relevance float64, q Query) Hit {
	hit := Hit{
		CallID: res.CallID, StartedAt: res.StartedAt, Team: res.Team, Agent: res.Agent,
		Party: res.Party, Source: res.Source, Score: res.Score, Pass: res.Pass,
		Categories: []string{}, Findings: []result.Finding{}, Relevance: relevance,
		Candidates: res.Candidates,
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if !result.IsViolation(f.Category) {
			continue
		}
		hit.Findings = append(hit.Findings, f)
		if !seen[f.Category] {
			seen[f.Category] = true
			hit.Categories = append(hit.Categories, f.Category)
		}
	}
	if len(spans) == 0 {
		// No text query: the findings are what matched, so mark them.
		spans = map[int][][2]int{}
		for _, f := range hit.Findings {
			if q.Category == "" || f.Category == q.Category {
				spans[f.Turn-1] = append(spans[f.Turn-1], [2]int{f.Start, f.End})
			}
		}
	}
	var idx []int
	for t := range spans {
		idx = append(idx, t)
	}
	sort.Ints(idx)
	for _, t := range idx {
		if t < 0 || t >= len(turns) {
			continue
		}
		hit.Highlights = append(hit.Highlights, highlight(t+1, turns[t], spans[t]))
	}
	if hit.Highlights == nil {
		hit.Highlights = []Highlight{}
	}
	return hit
}

// highlight marks the spans (merged, in order) in one turn's text.
func highlight(turn int, text string, spans [][2]int) Highlight {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var merged [][2]int
	for _, s := range spans {
		if s[0] < 0 || s[1] > len(text) || s[0] >= s[1] {
			continue
		}
		if n := len(merged); n > 0 && s[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	var b strings.Builder
	prev := 0
	for _, s := range merged {
		b.WriteString(text[prev:s[0]])
		b.WriteString(MarkOpen + text[s[0]:s[1]] + MarkClose)
		prev = s[1]
	}
	b.WriteString(text[prev:])
	if merged == nil {
		merged = [][2]int{}
	}
	return Highlight{Turn: turn, Text: text, Marked: b.String(), Spans: merged}
}

func storedStrings(v interface{}) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []interface{}:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

func findingHit(h *search.DocumentMatch) FindingHit {
	str := func(k string) string { s, _ := h.Fields[k].(string); return s }
	turn, _ := h.Fields["turn"].(float64)
	return FindingHit{
		CallID: str("call_id"), Turn: int(turn), Category: str("category"), Severity: str("severity"),
		Rule: str("rule"), Match: str("match"), Text: str("text"), Agent: str("agent"),
		Team: str("team"), StartedAt: str("started_at_text"),
		NeedsReview: str("needs_review") == "true", ReviewReason: str("review_reason"),
	}
}
