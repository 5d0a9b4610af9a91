package analyzer

import (
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

// decideParties works out, for every turn, whether the agent is talking
// to the debtor or to a third party (policy.md, third_party_disclosure):
//
//   - evidence of a third party is the header (party: third_party), a
//     third-party role label on an other-party turn, or a party rule with
//     code third_party firing on an other-party turn (我是他老婆, 你打错了);
//   - a guarantor or co-borrower (code liable) is the debtor for the whole
//     call;
//   - a hand-over (code handover, or the other party's label changing from
//     a third-party role to the customer) makes the debtor the listener
//     from the next other-party turn on; the turns before it follow the
//     third-party rules;
//   - without a hand-over, a third party is on the line for the whole call,
//     from turn 1: the agent should not have said what it said before
//     knowing who answered.
//
// It returns the per-turn parties and the call's party (who was on the
// line at the end).
func (st *state) decideParties() ([]string, string) {
	call := st.call
	n := len(call.Turns)
	signal := map[string][]int{} // code → turn indexes
	for i, t := range call.Turns {
		for _, c := range st.a.party {
			if !speakerOK(c.rule, t.Role) {
				continue
			}
			for _, m := range c.matches(st.turns[i]) {
				if reason, cue := st.check(i, c, m); reason != "" {
					st.suppress(i, c.rule, m, reason, cue, cue.end > cue.start)
					continue
				}
				st.hits = append(st.hits, hit{rule: c.rule, turn: i + 1, m: m})
				signal[c.rule.Code] = append(signal[c.rule.Code], i)
				break
			}
		}
	}
	parties := make([]string, n)
	fill := func(from int, p string) {
		for i := from; i < n; i++ {
			parties[i] = p
		}
	}
	if len(signal["liable"]) > 0 {
		st.liable = true
		fill(0, lexicon.PartyDebtor)
		return parties, lexicon.PartyDebtor
	}
	firstThird := -1
	if call.Party == lexicon.PartyThirdParty {
		firstThird = 0
	}
	sawThirdLabel := false
	handover := -1
	for i, t := range call.Turns {
		if !isOther(t.Role) {
			continue
		}
		if t.Role == corpus.RoleThirdParty {
			sawThirdLabel = true
			if firstThird < 0 {
				firstThird = i
			}
		} else if sawThirdLabel && handover < 0 {
			handover = i // the label changed from a third party to the customer
		}
	}
	for _, i := range signal["third_party"] {
		if firstThird < 0 || i < firstThird {
			firstThird = i
		}
	}
	if firstThird < 0 {
		p := lexicon.PartyDebtor
		if call.Party == lexicon.PartyThirdParty {
			p = lexicon.PartyThirdParty
		}
		fill(0, p)
		return parties, p
	}
	if handover < 0 {
		for _, i := range signal["handover"] {
			if i >= firstThird {
				// The debtor speaks from the next other-party turn on.
				for j := i + 1; j < n; j++ {
					if isOther(call.Turns[j].Role) {
						handover = j
						break
					}
				}
				break
			}
		}
	}
	if handover < 0 {
		fill(0, lexicon.PartyThirdParty)
		return parties, lexicon.PartyThirdParty
	}
	fill(0, lexicon.PartyThirdParty)
	fill(handover, lexicon.PartyDebtor)
	return parties, lexicon.PartyDebtor
}
