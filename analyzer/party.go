package analyzer

import (
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

// partySignal is what the party rules (lexicon/packs/party.yaml) say about
// one other-party turn, by their code:
//
//	someone_else  the speaker says they are someone else (我是他老婆, 我是
//	              人事); so does a third-party role label (家属, 同事)
//	third_party   the speaker says the debtor is not there or not known
//	              (他不在, 你打错了, 我不认识这个人): weaker, since the debtor
//	              may be stalling or talking of someone else
//	is_debtor     the speaker says they are the debtor
//	handover      the phone is passed to the debtor
//	liable        guarantor or co-borrower
type partySignal struct {
	someoneElse bool
	notHere     bool
	isDebtor    bool
	passes      bool
}

func (s partySignal) third() bool { return s.someoneElse || s.notHere }

// partySegment is a stretch of the call during which one person is on the
// line: it starts at turn start and ends where the next one starts.
type partySegment struct {
	start int
	// someoneElse and notHere record the third-party cues heard from this
	// speaker.
	someoneElse, notHere bool
	// claimed: the speaker has said they are the debtor; the weaker cues
	// (他不在 about a son, 不认识 about a stranger) no longer count.
	claimed bool
}

func (g *partySegment) third() bool { return g.someoneElse || g.notHere }

func (g *partySegment) party() string {
	if g.third() {
		return lexicon.PartyThirdParty
	}
	return lexicon.PartyDebtor
}

// decideParties works out, for every turn, whether the agent is talking
// to the debtor or to a third party (policy.md, third_party_disclosure).
//
// The call is cut into segments, one per person on the line. A new
// segment starts when the other party's label changes (家姐 → 谢志勇, 家属
// → 客户), at the other-party turn after a third party passes the phone
// (我叫他来听, 志强！电话！), and where, after someone said they are not
// the debtor (我是他哥), someone says they are (喂，我是陈立新). A segment
// is the third party's when its speaker gave a third-party cue: the role
// label, who they are (我是他老婆), or that the debtor is not there or not
// known (他不在, 你打错了). The weaker cues do not count once the speaker
// has said they are the debtor (是我 … 他去外地打工了, of a son), and a
// speaker who said 你打错了 and then owns up (哦，是我) was the debtor all
// along. A question (你是不是打错了？) is no cue.
//
// An agent turn follows the segment of the last other-party turn before
// it, or the first segment before anyone answered: the agent should not
// have said what it said before knowing who answered. A guarantor or
// co-borrower (code liable) is the debtor for the whole call. A header
// `party:` decides the call's party: third_party makes every turn a third
// party's; debtor makes the last segment the debtor's (after a relative's
// cue the debtor took the phone at the next other-party turn).
//
// It returns the per-turn parties and the call's party (who was on the
// line at the end).
func (st *state) decideParties() ([]string, string) {
	call := st.call
	n := len(call.Turns)
	sig := make([]partySignal, n)
	liable := false
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
				switch c.rule.Code {
				case "liable":
					liable = true
				case "someone_else":
					sig[i].someoneElse = true
				case "third_party":
					sig[i].notHere = true
				case "is_debtor":
					sig[i].isDebtor = true
				case "handover":
					sig[i].passes = true
				}
				break
			}
		}
		if t.Role == corpus.RoleThirdParty {
			sig[i].someoneElse = true
		}
	}
	parties := make([]string, n)
	fill := func(from, to int, p string) {
		for i := from; i < to; i++ {
			parties[i] = p
		}
	}
	switch {
	case call.Party == lexicon.PartyThirdParty:
		fill(0, n, lexicon.PartyThirdParty)
		return parties, lexicon.PartyThirdParty
	case liable:
		st.liable = true
		fill(0, n, lexicon.PartyDebtor)
		return parties, lexicon.PartyDebtor
	}

	segs := []*partySegment{{start: 0}}
	segOf := make([]int, n) // per other-party turn: its segment
	lastOther := -1
	passed := false // the current speaker passed the phone
	for i, t := range call.Turns {
		if !isOther(t.Role) {
			continue
		}
		s := sig[i]
		cur := segs[len(segs)-1]
		claims := s.isDebtor && !s.third()
		switch {
		case lastOther >= 0 && otherLabel(call.Turns[lastOther]) != otherLabel(t),
			passed && !s.third():
			// A new voice: the label changed, or the phone was passed.
			cur = &partySegment{start: i}
			segs = append(segs, cur)
		case claims && cur.someoneElse:
			// After a relative or colleague, the debtor has the phone.
			cur = &partySegment{start: i}
			segs = append(segs, cur)
		case claims && cur.notHere:
			// The same speaker said 你打错了 and now owns up: it was the
			// debtor all along.
			cur.notHere = false
		}
		passed = false
		if claims {
			cur.claimed = true
		}
		cur.someoneElse = cur.someoneElse || s.someoneElse
		if !cur.claimed {
			cur.notHere = cur.notHere || s.notHere
		}
		if s.passes && cur.third() {
			passed = true
		}
		segOf[i] = len(segs) - 1
		lastOther = i
	}

	if call.Party == lexicon.PartyDebtor {
		// The header says the debtor was on the line at the end.
		last := segs[len(segs)-1]
		switch {
		case !last.third():
		case !last.someoneElse:
			last.notHere = false
		default:
			// The debtor took the phone after the last third-party cue.
			from := last.start + 1
			for i := n - 1; i >= last.start; i-- {
				if isOther(call.Turns[i].Role) && sig[i].someoneElse {
					from = i + 1
					break
				}
			}
			for from < n && !isOther(call.Turns[from].Role) {
				from++
			}
			if from < n {
				segs = append(segs, &partySegment{start: from})
				for i := from; i < n; i++ {
					if isOther(call.Turns[i].Role) {
						segOf[i] = len(segs) - 1
					}
				}
			} else {
				last.someoneElse = false
			}
		}
	}

	seg := 0 // the segment of the last other-party turn so far
	for i, t := range call.Turns {
		if isOther(t.Role) {
			seg = segOf[i]
		}
		parties[i] = segs[seg].party()
	}
	return parties, segs[len(segs)-1].party()
}

// otherLabel is the label an other-party turn was written under: 家姐 and
// 谢志勇 mapped to the customer are two people. Turns of unknown label
// (none written) are taken as the same speaker.
func otherLabel(t corpus.Turn) string {
	if t.Role == corpus.RoleThirdParty && t.Label == "" {
		return string(corpus.RoleThirdParty)
	}
	return t.Label
}
