package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/reviewidx"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// reviewRequest is the body of POST /api/calls/{id}/review. The finding's
// rule, pack and rules versions, match, text, team and agent come from the
// index, never from the client.
type reviewRequest struct {
	Action   review.ActionKind `json:"action"`
	Turn     int               `json:"turn"`
	Category string            `json:"category"`
	Seen     int               `json:"seen"`
	Reason   string            `json:"reason"`
	Note     string            `json:"note"`
	Upheld   bool              `json:"upheld"`
}

// reviewActions are the actions POST /api/calls/{id}/review takes.
var reviewActions = []review.ActionKind{review.ActConfirm, review.ActDismiss, review.ActAdd, review.ActAppeal, review.ActResolve}

// callReviewResponse is GET /api/calls/{id}/review: where the review of
// the call stands, and who asks with what they may do.
type callReviewResponse struct {
	*reviewidx.Call
	User    review.Actor        `json:"user"`
	Actions []review.ActionKind `json:"actions"`
}

// reviewCall loads the call a review request names, answering 404 (or
// 500) itself when it cannot.
func (s *Server) reviewCall(w http.ResponseWriter, r *http.Request) (*result.Result, bool) {
	if s.cfg.Review == nil {
		s.apiError(w, http.StatusNotFound, "this server has no decisions database (callqa serve --db)")
		return nil, false
	}
	id := r.PathValue("id")
	res, err := s.cfg.Index.Call(id)
	if errors.Is(err, index.ErrNotFound) {
		s.apiError(w, http.StatusNotFound, fmt.Sprintf("no call %q in the index", id))
		return nil, false
	}
	if err != nil {
		s.internal(w, r, err)
		return nil, false
	}
	return res, true
}

// handleAPIReview is GET and POST /api/calls/{id}/review.
func (s *Server) handleAPIReview(w http.ResponseWriter, r *http.Request) {
	res, ok := s.reviewCall(w, r)
	if !ok {
		return
	}
	who, _ := actor(r)
	if r.Method != http.MethodPost {
		rc, err := reviewidx.ForCall(r.Context(), s.cfg.Review, res)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, callReviewResponse{Call: rc, User: who, Actions: review.Actions(who.Role)})
		return
	}
	var req reviewRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if !slices.Contains(reviewActions, req.Action) {
		msg := fmt.Sprintf("unknown action %q (want confirm, dismiss, add, appeal or resolve)", req.Action)
		if req.Action == review.ActComplete {
			msg = "finishing a review is POST /api/calls/{id}/review/complete"
		}
		s.apiError(w, http.StatusUnprocessableEntity, msg)
		return
	}
	if !review.Allowed(who.Role, req.Action) {
		s.reviewError(w, r, &review.ForbiddenError{Actor: who, Kind: req.Action})
		return
	}
	a, status, msg := s.reviewAction(r, res, req, who)
	if status != 0 {
		s.apiError(w, status, msg)
		return
	}
	d, err := s.cfg.Review.Apply(r.Context(), a)
	if err != nil {
		s.reviewError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"decision": d})
}

// reviewAction builds the action of a request from the index, or returns
// the status and message that refuse it.
func (s *Server) reviewAction(r *http.Request, res *result.Result, req reviewRequest, who review.Actor) (review.Action, int, string) {
	k := review.Key{CallID: res.CallID, Turn: req.Turn, Category: req.Category}
	if !result.IsViolation(k.Category) {
		return review.Action{}, http.StatusUnprocessableEntity, fmt.Sprintf("unknown category %q (want one of %v)", k.Category, result.ViolationCategories)
	}
	rv, err := s.cfg.Index.RulesVersionOf(res.CallID)
	if err != nil {
		s.cfg.Log.Printf("rules version of %s: %v", res.CallID, err)
	}
	ref := review.FindingRef{Key: k, RulesVersion: rv, Team: res.Team, Agent: res.Agent}
	turns := 0
	if res.Call != nil {
		turns = len(res.Call.Turns)
		if k.Turn >= 1 && k.Turn <= turns {
			ref.Text = res.Call.Turns[k.Turn-1].Text
		}
	}
	var machine *result.Finding
	for i, f := range res.Findings {
		if f.Turn == k.Turn && f.Category == k.Category {
			machine = &res.Findings[i]
			break
		}
	}
	if machine != nil {
		ref.Rule, ref.PackVersion, ref.Match = machine.Rule, machine.PackVersion, machine.Match
	}
	a := review.Action{Kind: req.Action, Actor: who, Finding: ref, Seen: req.Seen, Reason: req.Reason, Note: req.Note, Upheld: req.Upheld}
	if req.Action == review.ActAdd {
		if k.Turn < 1 || k.Turn > turns {
			return a, http.StatusUnprocessableEntity, fmt.Sprintf("call %s has no turn %d (it has %d)", res.CallID, k.Turn, turns)
		}
		if machine != nil {
			return a, http.StatusConflict, fmt.Sprintf("%s: the rules found this violation already (%s); confirm it instead of adding it", k, machine.Rule)
		}
		return a, 0, ""
	}
	if machine == nil {
		_, ok, err := s.cfg.Review.Decision(r.Context(), k)
		if err != nil {
			s.cfg.Log.Printf("reading the decision on %s: %v", k, err)
			return a, http.StatusInternalServerError, "internal error (the server log has the details)"
		}
		if !ok {
			return a, http.StatusUnprocessableEntity, fmt.Sprintf("call %s has no %s finding at turn %d in the index and no decision on it", res.CallID, k.Category, k.Turn)
		}
	}
	return a, 0, ""
}

// handleAPIReviewComplete is POST /api/calls/{id}/review/complete: the
// signed-in user finished reviewing the call.
func (s *Server) handleAPIReviewComplete(w http.ResponseWriter, r *http.Request) {
	res, ok := s.reviewCall(w, r)
	if !ok {
		return
	}
	var req struct {
		Note string `json:"note"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	who, _ := actor(r)
	if !review.Allowed(who.Role, review.ActComplete) {
		s.reviewError(w, r, &review.ForbiddenError{Actor: who, Kind: review.ActComplete})
		return
	}
	rc, err := reviewidx.ForCall(r.Context(), s.cfg.Review, res)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rv, _ := s.cfg.Index.RulesVersionOf(res.CallID)
	ref := review.FindingRef{Key: review.Key{CallID: res.CallID}, RulesVersion: rv, Team: res.Team, Agent: res.Agent}
	cr, err := s.cfg.Review.CompleteCall(r.Context(), who, ref, rc.Undecided, req.Note)
	if err != nil {
		s.reviewError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"finished": cr})
}

// readJSON decodes a JSON request body into v (an empty body is {}),
// answering 415 or 400 itself when it cannot.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		s.apiError(w, http.StatusUnsupportedMediaType, "send the body as JSON with Content-Type: application/json")
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && err != io.EOF {
		if isTooLarge(err) {
			s.tooLarge(w, r)
			return false
		}
		s.apiError(w, http.StatusBadRequest, "the body is not the JSON expected: "+err.Error())
		return false
	}
	return true
}

// reviewError answers an error of the decisions database: 409 with the
// decision that won for a conflict, 403 for a role without the right, 422
// for an action that does not fit the finding, 500 otherwise.
func (s *Server) reviewError(w http.ResponseWriter, r *http.Request, err error) {
	var ce *review.ConflictError
	var fe *review.ForbiddenError
	var ie *review.InvalidError
	switch {
	case errors.As(err, &ce):
		writeJSON(w, http.StatusConflict, map[string]any{"error": ce.Error(), "current": ce.Current})
	case errors.As(err, &fe):
		s.apiError(w, http.StatusForbidden, fe.Error())
	case errors.As(err, &ie):
		s.apiError(w, http.StatusUnprocessableEntity, ie.Error())
	default:
		s.internal(w, r, err)
	}
}

// reviewPanel is the review of a call as its page shows it.
type reviewPanel struct {
	CallID string
	User   review.Actor
	// Can says which actions the user's role allows, by name.
	Can        map[string]bool
	Reasons    []review.Reason
	Categories []option
	Added      []decisionView
	Orphaned   []decisionView
	Audit      []eventView
	Finished   *review.CallReview
	FinishedAt string
	Undecided  int
}

// decisionView is a finding's review state and the controls the user may
// use on it.
type decisionView struct {
	Turn     int
	Category string
	Rule     string
	Match    string
	Text     string
	State    review.State
	Seen     int
	By, At   string
	Reason   string
	Note     string
	// AppealNote is the grounds of the open appeal.
	AppealNote                        string
	Confirm, Dismiss, Appeal, Resolve bool
	Panel                             *reviewPanel
}

// eventView is one line of the audit trail.
type eventView struct {
	review.Event
	When string
}

// turnAdd is the "add missed violation" control of one turn; Category,
// when set (the turn's candidate), is the category it starts on.
type turnAdd struct {
	Panel    *reviewPanel
	Turn     int
	Category string
}

// localTime formats a decision's time for the page.
func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// attachReview reads the review of the call and puts it on the page:
// each violation's state and controls, the added and orphaned decisions,
// the audit trail.
func (s *Server) attachReview(r *http.Request, v *callView, res *result.Result) error {
	rc, err := reviewidx.ForCall(r.Context(), s.cfg.Review, res)
	if err != nil {
		return err
	}
	who, _ := actor(r)
	p := &reviewPanel{CallID: res.CallID, User: who, Can: map[string]bool{}, Undecided: rc.Undecided, Finished: rc.Finished}
	for _, a := range review.Actions(who.Role) {
		p.Can[string(a)] = true
	}
	for _, re := range review.Reasons {
		if re.Code != "appeal_overturned" {
			p.Reasons = append(p.Reasons, re)
		}
	}
	p.Categories = selectOptions("", "类别 category", result.ViolationCategories, labelText(categoryLabel))[1:]
	if rc.Finished != nil {
		p.FinishedAt = localTime(rc.Finished.At)
	}
	appeals := map[review.Key]review.Appeal{}
	for _, ap := range rc.Appeals {
		if ap.Status == "open" {
			appeals[ap.Key] = ap
		}
	}
	view := func(k review.Key, d *review.Decision) decisionView {
		dv := decisionView{Turn: k.Turn, Category: k.Category, State: review.StateOpen, Panel: p}
		if d != nil {
			dv.State, dv.Seen, dv.By, dv.At = d.State, d.Version, d.By, localTime(d.At)
			dv.Reason, dv.Note, dv.Rule, dv.Match, dv.Text = d.Reason, d.Note, d.Rule, d.Match, d.Text
			dv.AppealNote = appeals[k].Reason
		}
		dv.Confirm = p.Can["confirm"] && dv.State != review.StateConfirmed && dv.State != review.StateAppealed
		dv.Dismiss = p.Can["dismiss"] && dv.State != review.StateDismissed && dv.State != review.StateAppealed
		dv.Appeal = p.Can["appeal"] && dv.State == review.StateConfirmed
		// A second person resolves an appeal: not who opened it, nor who
		// confirmed the finding.
		dv.Resolve = p.Can["resolve"] && dv.State == review.StateAppealed && d != nil &&
			who.Name != appeals[k].OpenedBy && who.Name != d.By
		return dv
	}
	for _, f := range rc.Findings {
		dv := view(review.Key{CallID: res.CallID, Turn: f.Turn, Category: f.Category}, f.Decision)
		for i := range v.Findings {
			fv := &v.Findings[i]
			if fv.Turn == f.Turn && fv.Category == f.Category && fv.Review == nil {
				fv.Review = &dv
				break
			}
		}
	}
	for i := range rc.Added {
		dv := view(rc.Added[i].Key, &rc.Added[i])
		dv.Confirm = false // an added violation is confirmed by whoever added it
		p.Added = append(p.Added, dv)
	}
	for i := range rc.Orphaned {
		p.Orphaned = append(p.Orphaned, view(rc.Orphaned[i].Key, &rc.Orphaned[i]))
	}
	for _, e := range rc.Audit {
		p.Audit = append(p.Audit, eventView{Event: e, When: localTime(e.At)})
	}
	v.Review = p
	return nil
}

// stateLabel names a review state in Chinese.
func stateLabel(st review.State) label {
	zh := map[review.State]string{
		review.StateOpen: "待复核", review.StateConfirmed: "已确认", review.StateDismissed: "已驳回", review.StateAppealed: "申诉中",
	}[st]
	return label{ZH: zh, Code: string(st)}
}

// reasonLabel names a dismissal reason in Chinese.
func reasonLabel(code string) label {
	for _, r := range review.Reasons {
		if r.Code == code {
			return label{ZH: r.Zh, Code: code}
		}
	}
	return label{ZH: code}
}

// parseSearch reads the search of a request (parseSearch) and narrows it
// to the verdict it asks for, which the decisions database answers.
func (s *Server) parseSearch(r *http.Request) (searchParams, index.Query, error) {
	p, q, err := parseSearch(r.URL.Query())
	if err != nil || p.Verdict == "" {
		return p, q, err
	}
	if s.cfg.Review == nil {
		return p, q, badf("verdict: this server has no decisions database (callqa serve --db)")
	}
	if err := reviewidx.Narrow(r.Context(), s.cfg.Review, s.cfg.Index, &q, review.State(p.Verdict)); err != nil {
		return p, q, err
	}
	return p, q, nil
}
