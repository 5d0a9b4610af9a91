package analyzer

import (
	"sort"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

// Evidence thresholds: the agent must lead by at least minLead rules and
// have at least minAgent of its own, or the inference is weak.
const (
	minLead  = 2
	minAgent = 2
)

// InferRoles decides which speaker with an unknown role is the agent. It
// tries every such speaker as the agent and as the other party and counts
// the rules that fire: the agent's steps and tasks (self-introduction with
// a company, 请问是…吗, demands for payment, asking the reason, stating
// consequences) for the agent, the other party's (a concrete promise to
// pay, 我是他老婆, 你打错了) against it. The rules are the packs' own, so
// the evidence is what the packs know. It returns nil when every role is
// known.
func (a *Analyzer) InferRoles(call *corpus.Call) *RoleInference {
	speakers := call.Speakers()
	if len(speakers) == 0 {
		return nil
	}
	inf := &RoleInference{Roles: map[string]string{}, Scores: map[string]int{}}
	count := func(as corpus.Role, sign int, want func(*lexicon.Rule) bool) {
		trial := withUnknownAs(call, as)
		_, hits := a.run(trial, true)
		seen := map[string]bool{}
		for _, h := range hits {
			t := call.Turns[h.turn-1]
			if t.Role != corpus.RoleUnknown || !want(h.rule) {
				continue
			}
			key := t.Label + "\x00" + h.rule.ID
			if seen[key] {
				continue
			}
			seen[key] = true
			inf.Scores[t.Label] += sign
			inf.Evidence = append(inf.Evidence, RoleEvidence{Speaker: t.Label, Turn: h.turn, Rule: h.rule.ID, As: string(as)})
		}
	}
	agentSide := func(r *lexicon.Rule) bool {
		if r.Category == lexicon.CategoryRole {
			return r.Code == "agent"
		}
		return (r.Category == lexicon.CategoryTask || r.Category == lexicon.CategoryStep) && r.Speaker == lexicon.SpeakerAgent
	}
	otherSide := func(r *lexicon.Rule) bool {
		if r.Category == lexicon.CategoryRole {
			return r.Code == "other"
		}
		return (r.Category == lexicon.CategoryTask || r.Category == lexicon.CategoryParty) && r.Speaker == lexicon.SpeakerOther
	}
	count(corpus.RoleAgent, 1, agentSide)
	count(corpus.RoleCustomer, -1, otherSide)

	order := append([]string(nil), speakers...)
	sort.SliceStable(order, func(i, j int) bool { return inf.Scores[order[i]] > inf.Scores[order[j]] })
	inf.Agent = order[0]
	best, second := inf.Scores[order[0]], 0
	if len(order) > 1 {
		second = inf.Scores[order[1]]
	}
	lead := best - second
	if len(order) == 1 {
		lead = best
	}
	inf.Confidence = min(1, max(0, float64(lead)/6))
	inf.Weak = lead < minLead || best < minAgent
	for _, s := range speakers {
		inf.Roles[s] = string(corpus.RoleCustomer)
	}
	inf.Roles[inf.Agent] = string(corpus.RoleAgent)
	sort.SliceStable(inf.Evidence, func(i, j int) bool { return inf.Evidence[i].Turn < inf.Evidence[j].Turn })
	return inf
}

// CheckRoles checks the roles a mapping gave a call (Call.RolesGiven)
// against the evidence: the mapped speakers are inferred as if no mapping
// had been given. It returns a dispute when that inference is not weak,
// picks another speaker for the agent, and finds nothing agent-like, on
// balance, in the speaker the mapping made the agent; otherwise nil.
func (a *Analyzer) CheckRoles(call *corpus.Call) *RoleDispute {
	given := ""
	for label, r := range call.RolesGiven {
		if r != corpus.RoleAgent {
			continue
		}
		if given != "" {
			return nil // two agents mapped: no single speaker to check
		}
		given = label
	}
	if given == "" || len(call.RolesGiven) < 2 {
		return nil
	}
	trial := *call
	trial.Turns = append([]corpus.Turn(nil), call.Turns...)
	for i := range trial.Turns {
		if _, ok := call.RolesGiven[trial.Turns[i].Label]; ok {
			trial.Turns[i].Role = corpus.RoleUnknown
		}
	}
	inf := a.InferRoles(&trial)
	if inf == nil || inf.Weak || inf.Agent == given || inf.Scores[given] > 0 {
		return nil
	}
	return &RoleDispute{Given: given, Inferred: inf}
}

// withUnknownAs returns a copy of call whose unknown-role turns have role r.
func withUnknownAs(call *corpus.Call, r corpus.Role) *corpus.Call {
	c := *call
	c.Turns = append([]corpus.Turn(nil), call.Turns...)
	for i := range c.Turns {
		if c.Turns[i].Role == corpus.RoleUnknown {
			c.Turns[i].Role = r
		}
	}
	return &c
}

// withInferredRoles returns a copy of call with the inferred roles set.
func withInferredRoles(call *corpus.Call, inf *RoleInference) *corpus.Call {
	c := *call
	c.Turns = append([]corpus.Turn(nil), call.Turns...)
	for i := range c.Turns {
		if c.Turns[i].Role == corpus.RoleUnknown {
			c.Turns[i].Role = corpus.Role(inf.Roles[c.Turns[i].Label])
		}
	}
	return &c
}
