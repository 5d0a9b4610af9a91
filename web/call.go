package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/htmlreport"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/score"
)

// callView is one call as the call page and the analyze page show it.
type callView struct {
	ID, Source, Agent, Team, Date, Party, Kind string
	Score, Max                                 int
	Pass                                       bool
	Scorecard                                  string
	FailReasons                                []string
	Items                                      []itemView
	Findings                                   []findingView
	Violations                                 int
	CallHints                                  []score.Hint
	Departures                                 []string
	Turns                                      []turnView
	// RolesUnknown says the index was built before it kept the speakers'
	// roles: turns without a finding show no role.
	RolesUnknown  bool
	RolesInferred *analyzer.RoleInference
}

type itemView struct {
	Code, Name, Kind string
	Done             bool
	Turns            []int
	Points, Max      int
}

type findingView struct {
	Turn      int
	Category  string
	Rule      string
	Severity  string
	Match     string
	Violation bool
}

type turnView struct {
	N         int
	Role      string
	RoleClass string // agent, customer, third_party or unknown
	Parts     []textPart
	Evidence  []string // names of the items this turn is evidence of
	Tasks     string   // their codes, space-separated, for data-tasks
	Hints     []score.Hint
	Violation bool
}

// textPart is a piece of a turn: plain, or marked as a violation (or a
// signal such as customer_abuse) with its categories and a title naming
// "category · rule · severity" of each finding that covers it.
type textPart struct {
	Text       string
	Class      string // "", "violation" or "signal"
	Categories string
	Title      string
}

// buildCallView lays out an analyzed call (res.Call must be set) and its
// score.
func buildCallView(res *analyzer.Result, cs *score.CallScore, sc *score.Scorecard) *callView {
	v := &callView{
		ID: res.CallID, Source: res.Source, Agent: res.Agent, Team: res.Team,
		Date: displayDate(res.StartedAt), Party: res.Party, Kind: res.Kind,
		Score: cs.Score, Max: cs.Max, Pass: cs.Pass, Scorecard: cs.Scorecard,
		FailReasons: cs.FailReasons, RolesInferred: res.RolesInferred,
	}
	byTurn := map[int][]analyzer.Finding{}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if !analyzer.IsViolation(f.Category) && f.Category != analyzer.CategoryCustomerAbuse {
			continue
		}
		byTurn[f.Turn] = append(byTurn[f.Turn], f)
		v.Findings = append(v.Findings, findingView{
			Turn: f.Turn, Category: f.Category, Rule: f.Rule, Severity: f.Severity,
			Match: f.Match, Violation: analyzer.IsViolation(f.Category),
		})
		if k := fmt.Sprint(f.Turn, f.Category); analyzer.IsViolation(f.Category) && !seen[k] {
			seen[k] = true
			v.Violations++
		}
	}

	evidence := map[int][]itemView{}
	for _, code := range itemOrder(sc, cs) {
		it, ok := findItem(cs, code)
		if !ok {
			continue
		}
		iv := itemView{Code: code, Name: it.Name, Kind: it.Kind, Done: it.Done, Turns: it.Turns, Points: it.Points, Max: it.Max}
		if iv.Name == "" {
			iv.Name = code
		}
		v.Items = append(v.Items, iv)
		for _, n := range it.Turns {
			evidence[n] = append(evidence[n], iv)
		}
	}

	hints := map[int][]score.Hint{}
	turns := 0
	if res.Call != nil {
		turns = len(res.Call.Turns)
	}
	for _, h := range cs.Hints {
		if h.Turn >= 1 && h.Turn <= turns {
			hints[h.Turn] = append(hints[h.Turn], h)
		} else {
			v.CallHints = append(v.CallHints, h)
		}
	}
	for _, d := range cs.Departures {
		v.Departures = append(v.Departures, d.Text)
	}

	if res.Call == nil {
		return v
	}
	for _, t := range res.Call.Turns {
		role := string(t.Role)
		if role == "" {
			// An index from before roles were stored: the findings still
			// say who spoke their turns.
			v.RolesUnknown = true
			for _, f := range byTurn[t.N] {
				role = f.Speaker
			}
		}
		tv := turnView{N: t.N, Role: role, RoleClass: roleClass(role), Hints: hints[t.N]}
		for _, seg := range htmlreport.Segments(t.Text, byTurn[t.N]) {
			tv.Parts = append(tv.Parts, textPartOf(seg))
		}
		var codes []string
		for _, it := range evidence[t.N] {
			if !slices.Contains(codes, it.Code) {
				codes = append(codes, it.Code)
				tv.Evidence = append(tv.Evidence, it.Name)
			}
		}
		tv.Tasks = strings.Join(codes, " ")
		for _, f := range byTurn[t.N] {
			tv.Violation = tv.Violation || analyzer.IsViolation(f.Category)
		}
		v.Turns = append(v.Turns, tv)
	}
	return v
}

func textPartOf(seg htmlreport.Segment) textPart {
	p := textPart{Text: seg.Text}
	if len(seg.Findings) == 0 {
		return p
	}
	p.Class = "signal"
	var cats, titles []string
	for _, f := range seg.Findings {
		if analyzer.IsViolation(f.Category) {
			p.Class = "violation"
		}
		if !slices.Contains(cats, f.Category) {
			cats = append(cats, f.Category)
		}
		titles = append(titles, f.Category+" · "+f.Rule+" · "+f.Severity)
	}
	p.Categories = strings.Join(cats, " ")
	p.Title = strings.Join(titles, "; ")
	return p
}

// itemOrder lists the scorecard's items in the order the guides teach a
// first call, then the others in scorecard order.
func itemOrder(sc *score.Scorecard, cs *score.CallScore) []string {
	var out []string
	for _, code := range append(slices.Clone(sc.Order), sc.ItemOrder...) {
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	for _, m := range []map[string]score.Item{cs.Steps, cs.Tasks, cs.Required} {
		var rest []string
		for code := range m {
			if !slices.Contains(out, code) {
				rest = append(rest, code)
			}
		}
		slices.Sort(rest)
		out = append(out, rest...)
	}
	return out
}

func findItem(cs *score.CallScore, code string) (score.Item, bool) {
	for _, m := range []map[string]score.Item{cs.Steps, cs.Tasks, cs.Required} {
		if it, ok := m[code]; ok {
			return it, true
		}
	}
	return score.Item{}, false
}

func roleClass(role string) string {
	switch corpus.Role(role) {
	case corpus.RoleAgent, corpus.RoleCustomer, corpus.RoleThirdParty:
		return role
	}
	return "unknown"
}

type callPage struct {
	base
	Call               *callView
	BackHref           string
	PrevHref, NextHref string
	PrevID, NextID     string
	Position           int
	Total              uint64
}

func (s *Server) handleCall(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	res, err := index.Call(s.cfg.Index, id)
	if errors.Is(err, index.ErrNotFound) {
		s.pageError(w, r, http.StatusNotFound, fmt.Sprintf("There is no call %q in the index.", id))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	cs := score.Score(res, s.cfg.Scorecard)
	page := callPage{base: s.base(r, "call", id+" · Call 通话"), Call: buildCallView(res, cs, s.cfg.Scorecard)}
	p, q, err := parseSearch(r.URL.Query())
	if err == nil {
		page.BackHref = p.href()
		s.neighbours(&page, id, p, q)
	} else {
		page.BackHref = "/"
	}
	s.render(w, r, http.StatusOK, "call", &page)
}

// neighbours finds the hits before and after call id in the search p: on
// its page (and the hit either side of it), where the link came from, or,
// when the index changed since, in the first thousand hits.
func (s *Server) neighbours(page *callPage, id string, p searchParams, q index.Query) {
	windows := []index.Query{q, q}
	windows[0].Offset = max(0, q.Offset-1)
	windows[0].Limit = q.Offset - windows[0].Offset + PageSize + 1
	windows[1].Offset, windows[1].Limit = 0, 1000
	for _, wq := range windows {
		ids, total, err := index.IDs(s.cfg.Index, wq)
		if err != nil {
			s.cfg.Log.Printf("finding the neighbours of %s: %v", id, err)
			return
		}
		i := slices.Index(ids, id)
		if i < 0 {
			continue
		}
		pos := wq.Offset + i // 0-based position in the results
		page.Position, page.Total = pos+1, total
		link := func(j int) string {
			np := p
			np.Page = (wq.Offset+j)/PageSize + 1
			return callHref(ids[j], np)
		}
		if i > 0 {
			page.PrevHref, page.PrevID = link(i-1), ids[i-1]
		}
		if i+1 < len(ids) {
			page.NextHref, page.NextID = link(i+1), ids[i+1]
		}
		return
	}
}

func (s *Server) handleAPICall(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	res, err := index.Call(s.cfg.Index, id)
	if errors.Is(err, index.ErrNotFound) {
		s.apiError(w, http.StatusNotFound, fmt.Sprintf("no call %q in the index", id))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
