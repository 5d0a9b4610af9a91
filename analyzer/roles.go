package analyzer

import (
	"sort"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

// RoleInference says which speaker of a speech-recognition transcript the
// analyzer took for the agent, when no mapping said so, and why.
type RoleInference struct {
	// Roles maps every speaker label that had no role to the role given.
	Roles map[string]string `json:"roles"`
	// Agent is the label taken for the agent.
	Agent string `json:"agent"`
	// Confidence runs from 0 (a guess) to 1 (clear evidence).
	Confidence float64 `json:"confidence"`
	// Weak is set when the evidence does not settle who the agent is; the
	// result should be checked, or the roles given with --roles.
	Weak bool `json:"weak"`
	// Scores is the evidence count per label: agent-side rules that fired
	// on its turns, less other-side rules.
	Scores   map[string]int `json:"scores"`
	Evidence []RoleEvidence `json:"evidence"`
}

// RoleEvidence is one rule that fired on a speaker's turn while the
// speaker was tried in a role.
type RoleEvidence struct {
	Speaker string `json:"speaker"`
	Turn    int    `json:"turn"`
	Rule    string `json:"rule"`
	As      string `json:"as"` // the role the speaker was tried in
}

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
