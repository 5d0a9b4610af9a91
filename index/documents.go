package index

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/callqa/callqa/result"
)

// documents turns one result into a call document and its finding
// documents (each with its id under "id"). Only violations and
// customer_abuse become findings; coaching signals are not indexed.
// needs_review is the keyword "true" or "false": on a finding its own, on
// a call whether any of its findings needs review. has_candidates, on a
// call, is "true" when the similar-sentence pass queued a turn of it
// (result.Result.Candidates).
func documents(res *result.Result, hash, rulesVersion string) (map[string]interface{}, []map[string]interface{}) {
	month, day, sortAt := "", "", ""
	var started interface{}
	if t, err := time.Parse(time.RFC3339, res.StartedAt); err == nil {
		// Month and day are the call's own, in the offset it was recorded
		// with, as the people on the call lived them.
		month = t.Format("2006-01")
		day = t.Format("2006-01-02")
		started = t
		sortAt = sortKey(t)
	}
	var cats, tasks []string
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if result.IsViolation(f.Category) && !seen[f.Category] {
			seen[f.Category] = true
			cats = append(cats, f.Category)
		}
	}
	sort.Strings(cats)
	for code, cv := range res.Tasks {
		if cv.Covered {
			tasks = append(tasks, code)
		}
	}
	sort.Strings(tasks)
	var turns, roles, labels []string
	givenParty := ""
	if res.Call != nil {
		givenParty = res.Call.Party
		for _, t := range res.Call.Turns {
			turns = append(turns, t.Text)
			roles = append(roles, string(t.Role))
			labels = append(labels, t.Label)
		}
	}
	resJSON, _ := json.Marshal(res)
	stored, err := encodeStored(storedCallJSON{Result: resJSON, Turns: turns, Roles: roles, Labels: labels, Party: givenParty})
	if err != nil {
		stored = "" // unreachable: the JSON of strings always encodes
	}
	pass := "false"
	if res.Pass {
		pass = "true"
	}
	review := "false"
	for _, f := range res.Findings {
		if f.NeedsReview && (result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse) {
			review = "true"
		}
	}
	call := map[string]interface{}{
		"type": TypeCall, "call_id": res.CallID, "agent": res.Agent, "team": res.Team,
		"kind": res.Kind, "party": res.Party, "source": res.Source, "categories": cats,
		"tasks": tasks, "month": month, "day": day, "hash": hash, "rules_version": rulesVersion,
		"pass": pass, "needs_review": review, "has_candidates": fmt.Sprint(len(res.Candidates) > 0), "score": float64(res.Score), storedField: stored,
	}
	if len(turns) > 0 {
		text := joinTurns(turns)
		call["turns"], call[pairsField] = text, text
	}
	if started != nil {
		call["started_at"] = started
		call["sort_at"] = sortAt
	}
	dropEmpty(call)
	var findings []map[string]interface{}
	for _, f := range res.Findings {
		if !result.IsViolation(f.Category) && f.Category != result.CategoryCustomerAbuse {
			continue
		}
		d := map[string]interface{}{
			"id":   FindingDocID(res.CallID, f.Turn, f.Category),
			"type": TypeFinding, "call_id": res.CallID, "turn": float64(f.Turn),
			"category": f.Category, "severity": f.Severity, "rule": f.Rule, "speaker": f.Speaker,
			"match": f.Match, "text": f.Text, "agent": res.Agent, "team": res.Team,
			"party": res.Party, "month": month, "day": day, "pack_version": f.PackVersion,
			"started_at_text": res.StartedAt, "needs_review": fmt.Sprint(f.NeedsReview), "review_reason": f.ReviewReason,
		}
		if started != nil {
			d["started_at"] = started
			d["sort_at"] = sortAt
		}
		dropEmpty(d)
		findings = append(findings, d)
	}
	return call, findings
}

// turnSep ends each turn in the value of the turns and pairs fields.
// Bleve analyzes each value of a field on its own and then merges their
// term counts, which for 35 turns a call took longer than the analysis;
// one value of all the turns, cut at turnSep by the tokenizers (no pair
// spans two turns), gives the same terms.
const turnSep = "\x00"

// joinTurns is the value of the turns and pairs fields: the turns, each
// ended by turnSep. A turnSep inside a turn (no reader keeps one) becomes
// a space, which the segmenter also passes over.
func joinTurns(turns []string) string {
	var b strings.Builder
	n := 0
	for _, t := range turns {
		n += len(t) + len(turnSep)
	}
	b.Grow(n)
	for _, t := range turns {
		if strings.Contains(t, turnSep) {
			t = strings.ReplaceAll(t, turnSep, " ")
		}
		b.WriteString(t)
		b.WriteString(turnSep)
	}
	return b.String()
}

// turnsAsList gives a call document the shape of an index built before
// the pairs field: the turns as a list (Bleve's word positions then
// restart in each turn, and a highlight's array position is its turn),
// and no pairs.
func turnsAsList(call map[string]interface{}, res *result.Result) {
	delete(call, pairsField)
	delete(call, "turns")
	if res.Call == nil || len(res.Call.Turns) == 0 {
		return
	}
	turns := make([]string, len(res.Call.Turns))
	for k, t := range res.Call.Turns {
		turns[k] = t.Text
	}
	call["turns"] = turns
}

// dropEmpty leaves out empty keyword values, so a call without a team is
// counted as missing in the team facet, not as a team named "".
func dropEmpty(doc map[string]interface{}) {
	for k, v := range doc {
		if s, ok := v.(string); ok && s == "" {
			delete(doc, k)
		}
	}
}

// sortKey is the sort_at value of an instant: UTC with a fixed width, so
// that the byte order of keys is the order in time, whatever the offset
// the call was recorded with.
func sortKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }
