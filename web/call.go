package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
	"github.com/callqa/callqa/similar"
)

// callView is one call as the call page and the analyze page show it.
// Compliance (the red lines), the task score and the verdict under the
// scorecard are three facts, shown apart.
type callView struct {
	ID, Source, Agent, Team, Date, Party, Kind string
	// Compliant is true when the call crosses no red line (合规).
	Compliant bool
	// ScoreApplicable is false on a call with a third party: no task
	// applies, and the score shows as 不适用.
	ScoreApplicable bool
	Score, Max      int
	// PassMark is the mark the call was held to (0: none); Practice says
	// it is the scorecard's practice pass mark.
	PassMark    int
	Practice    bool
	Pass        bool
	Scorecard   string
	FailReasons []failReason
	Items       []itemView
	Findings    []findingView
	Violations  int
	CallHints   []hintView
	Departures  []string
	Turns       []turnView
	// RolesUnknown says the index was built before it kept the speakers'
	// roles: turns without a finding show no role.
	RolesUnknown  bool
	RolesInferred *result.RoleInference
	// Review is the review of the call (call page with a decisions
	// database only).
	Review *reviewPanel
	// Candidates are the turns the similar-sentence pass queued: no rule
	// flagged them, but they resemble a known violation. Never findings.
	Candidates []candidateView
}

// candidateView is a candidate for review as the call page lists it.
type candidateView struct {
	result.Candidate
	// Confirmed says the example is a violation reviewers confirmed, not
	// a pack's own example.
	Confirmed bool
}

// failReason is one reason a call did not pass: in Chinese, with the
// scorer's own words (score.CallScore.FailReasons) beside it.
type failReason struct {
	ZH, EN string
}

// hintView is a coaching hint with its kind named.
type hintView struct {
	score.Hint
	Label label
}

type itemView struct {
	Code, Name, Kind string
	Done             bool
	// NA marks a task on a call with a third party: it does not apply.
	NA          bool
	Turns       []int
	Points, Max int
}

type findingView struct {
	Turn      int
	Category  string
	Rule      string
	Severity  string
	Match     string
	Violation bool
	// Review is the finding's review state and controls, when reviewed.
	Review *decisionView
	// NeedsReview and ReviewReason are the finding's: it rests on weak
	// evidence, and why.
	NeedsReview  bool
	ReviewReason string
}

// turnView is a turn (callview.Turn) with its hints named.
type turnView struct {
	callview.Turn
	Hints []hintView
	// Candidate is the category of the turn's candidate for review, or
	// "": the turn gets a badge, and its "add missed violation" control
	// starts on this category.
	Candidate string
}

// buildCallView lays out an analyzed call (res.Call must be set) and its
// score: the turns, the marks in their text, the evidence and the hints
// as callview lays them out for the report too.
func buildCallView(res *result.Result, cs *score.CallScore, sc *score.Scorecard) *callView {
	v := &callView{
		ID: res.CallID, Source: res.Source, Agent: res.Agent, Team: res.Team,
		Date: callview.DisplayDate(res.StartedAt), Party: res.Party, Kind: res.Kind,
		Compliant: cs.Compliant, ScoreApplicable: cs.ScoreApplicable,
		Score: cs.Score, Max: cs.Max, PassMark: cs.PassMark,
		Practice: cs.Kind == "practice" && sc.HasPracticePassMark,
		Pass:     cs.Pass, Scorecard: cs.Scorecard,
		FailReasons: failReasons(cs, sc), RolesInferred: res.RolesInferred,
	}
	// The console marks the violations and the customer's abuse.
	marked := []result.Finding{}
	for _, f := range res.Findings {
		if result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse {
			marked = append(marked, f)
		}
	}
	cv := callview.Build(cs, callview.Options{
		Findings: marked,
		Order:    append(slices.Clone(sc.Order), sc.ItemOrder...),
		ItemName: func(code string) string { return itemName(sc, code) },
	})
	v.Violations, v.RolesUnknown = cv.Violations, cv.RolesUnknown
	for _, f := range cv.Findings {
		v.Findings = append(v.Findings, findingView{
			Turn: f.Turn, Category: f.Category, Rule: f.Rule, Severity: f.Severity,
			Match: f.Match, Violation: result.IsViolation(f.Category),
			NeedsReview: f.NeedsReview, ReviewReason: f.ReviewReason,
		})
	}
	for _, it := range cv.Items {
		v.Items = append(v.Items, itemView{
			Code: it.Code, Name: it.Name, Kind: it.Kind, Done: it.Done, Turns: it.Turns,
			Points: it.Points, Max: it.Max, NA: it.Kind == "task" && !cs.ScoreApplicable,
		})
	}
	hints := func(hs []score.Hint) []hintView {
		var out []hintView
		for _, h := range hs {
			out = append(out, hintView{Hint: h, Label: hintLabel(sc, h.Kind)})
		}
		return out
	}
	v.CallHints = hints(cv.CallHints)
	for _, d := range cs.Departures {
		v.Departures = append(v.Departures, d.Text)
	}
	candidate := map[int]string{}
	for _, c := range res.Candidates {
		v.Candidates = append(v.Candidates, candidateView{Candidate: c, Confirmed: c.Source == similar.SourceConfirmed})
		candidate[c.Turn] = c.Category
	}
	for _, t := range cv.Turns {
		v.Turns = append(v.Turns, turnView{Turn: t, Hints: hints(t.Hints), Candidate: candidate[t.N]})
	}
	return v
}

// failReasons are the reasons the call did not pass, as score.Score gives
// them (a violation of a fail_on category, a score under the pass mark),
// in Chinese. Should the two ever disagree, the scorer's words are shown
// alone.
func failReasons(cs *score.CallScore, sc *score.Scorecard) []failReason {
	var zh []string
	turns := map[string][]string{}
	for _, f := range cs.Violations {
		if slices.Contains(sc.FailOn, f.Category) {
			turns[f.Category] = append(turns[f.Category], fmt.Sprintf("t%d", f.Turn))
		}
	}
	for _, c := range result.ViolationCategories {
		if t := turns[c]; len(t) > 0 {
			zh = append(zh, fmt.Sprintf("违规：%s（%s）", categoryNames[c], strings.Join(t, ", ")))
		}
	}
	if cs.ScoreApplicable && cs.Score < cs.PassMark {
		mark := "及格线"
		if cs.Kind == "practice" && sc.HasPracticePassMark {
			mark = "练习及格线"
		}
		zh = append(zh, fmt.Sprintf("任务得分 %d 低于%s %d", cs.Score, mark, cs.PassMark))
	}
	out := make([]failReason, len(cs.FailReasons))
	for i, en := range cs.FailReasons {
		out[i].EN = en
		if len(zh) == len(cs.FailReasons) {
			out[i].ZH = zh[i]
		}
	}
	return out
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
	res, err := s.cfg.Index.Call(id)
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
	if s.cfg.Review != nil {
		if err := s.attachReview(r, page.Call, res); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	p, q, err := s.parseSearch(r)
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
		ids, total, err := s.cfg.Index.IDs(wq)
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
	res, err := s.cfg.Index.Call(id)
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
