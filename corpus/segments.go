package corpus

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus/internal/textread"
	"github.com/callqa/callqa/redact"
)

// Segment is one utterance of a speech-recognition result, before turns
// are built: who spoke it (a channel or speaker id as the vendor writes it),
// when, and what.
type Segment struct {
	Speaker    string
	Start, End *float64 // seconds from the start of the call
	Text       string
	Line       int // 1-based source line, when the format has lines
	// Confidence is the recognizer's confidence in the segment, 0 to 1,
	// when the vendor gives one.
	Confidence *float64
}

// Transcript is what a speech-recognition reader returns: an optional call
// id and metadata, and the segments in time order.
type Transcript struct {
	ID       string
	Meta     map[string]string
	Segments []Segment
}

// BuildOptions say how segments become turns.
type BuildOptions struct {
	// Roles maps a speaker or channel id ("0", "spk_1", "Agent") to a
	// role. A mapping that names a speaker of the call settles the others
	// (see BuildCall); in a call it names no speaker of, speakers keep
	// RoleUnknown, for the analyzer to infer.
	Roles map[string]Role
	// MergeGap is the longest silence, in seconds, between two segments of
	// the same speaker that still makes them one turn. Zero means the
	// default (DefaultMergeGap); negative means never merge.
	MergeGap float64
}

// DefaultMergeGap is the longest pause within one turn, in seconds.
const DefaultMergeGap = 3.0

// RoleUnknown marks a turn whose speaker no mapping names. Such calls go
// through role inference before analysis.
const RoleUnknown Role = "unknown"

// BuildCall turns a transcript into a call: empty segments are dropped,
// consecutive segments of one speaker less than MergeGap apart are merged
// into one turn (so turn numbers follow how a person reads the call), and
// speakers are mapped to roles. name is the source, and the call id when
// the transcript has none.
//
// A mapping that names a speaker of the call settles the rest: when the
// agent is known (mapped, or a label that is a role word), every other
// speaker is the other party (the customer); when only the other party is
// known and one speaker is left, that speaker is the agent. Only a call
// whose agent is still open goes through role inference. The roles a
// mapping named or settled are kept in Call.RolesGiven.
func BuildCall(name string, t *Transcript, opts BuildOptions) (*Call, error) {
	gap := opts.MergeGap
	if gap == 0 {
		gap = DefaultMergeGap
	}
	c := &Call{ID: t.ID, Source: name}
	if c.ID == "" {
		c.ID = defaultID(name)
	}
	for k, v := range t.Meta {
		switch k {
		case "agent":
			c.Agent = v
		case "team":
			c.Team = v
		case "started_at":
			c.StartedAt = v
		case "kind":
			c.Kind = v
		case "party":
			c.Party = v
		default:
			if c.Meta == nil {
				c.Meta = map[string]string{}
			}
			c.Meta[k] = v
		}
	}
	for _, s := range t.Segments {
		text := strings.TrimSpace(s.Text)
		if text == "" {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("segment at %s: text is not valid UTF-8", segmentPlace(s))
		}
		speaker := strings.TrimSpace(s.Speaker)
		if n := len(c.Turns); n > 0 {
			last := &c.Turns[n-1]
			if last.Label == speaker && gap >= 0 && within(last.End, s.Start, gap) {
				last.Text = textread.JoinText(last.Text, text)
				if s.End != nil && (last.End == nil || *s.End > *last.End) {
					last.End = s.End // segments may overlap: keep the latest end
				}
				if s.Confidence != nil && (last.Confidence == nil || *s.Confidence < *last.Confidence) {
					last.Confidence = s.Confidence // the weakest segment
				}
				continue
			}
		}
		role, ok := opts.Roles[speaker]
		if !ok {
			// A label that is itself a role word (坐席, 客户, agent) needs
			// no mapping; ids such as 0, 1 or SPEAKER_00 are left to
			// inference.
			if role, ok = LabelRole(speaker); !ok || isSingleLetter(speaker) {
				role = RoleUnknown
			}
		}
		c.Turns = append(c.Turns, Turn{N: len(c.Turns) + 1, Role: role, Label: speaker, Text: text, Start: s.Start, End: s.End, Line: s.Line, Confidence: s.Confidence})
	}
	if len(c.Turns) == 0 {
		return nil, fmt.Errorf("no turns (no segment has text)")
	}
	settleRoles(c, opts.Roles)
	return c, nil
}

// settleRoles gives the speakers of unknown role the role the known ones
// leave them, when the mapping names a speaker of the call (see
// BuildCall), and records in c.RolesGiven the roles the mapping named or
// settled.
func settleRoles(c *Call, mapping map[string]Role) {
	var agentKnown, otherKnown, mapped bool
	for _, t := range c.Turns {
		switch t.Role {
		case RoleAgent:
			agentKnown = true
		case RoleUnknown:
		default:
			otherKnown = true
		}
		if _, ok := mapping[t.Label]; ok {
			mapped = true
		}
	}
	if !mapped {
		return
	}
	unknown := c.Speakers()
	settled := map[string]Role{}
	switch {
	case len(unknown) == 0:
	case agentKnown:
		for _, s := range unknown {
			settled[s] = RoleCustomer
		}
	case otherKnown && len(unknown) == 1:
		settled[unknown[0]] = RoleAgent
	}
	for i := range c.Turns {
		if r, ok := settled[c.Turns[i].Label]; ok {
			c.Turns[i].Role = r
		}
	}
	c.RolesGiven = settled
	for _, t := range c.Turns {
		if r, ok := mapping[t.Label]; ok {
			c.RolesGiven[t.Label] = r
		}
	}
}

func segmentPlace(s Segment) string {
	if s.Line > 0 {
		return fmt.Sprintf("line %d", s.Line)
	}
	if s.Start != nil {
		return fmt.Sprintf("%.2fs", *s.Start)
	}
	return "an unknown place"
}

// within reports whether the next segment starts at most gap seconds after
// the previous one ended; unknown times count as adjacent.
func within(end, start *float64, gap float64) bool {
	if end == nil || start == nil {
		return true
	}
	return *start-*end <= gap
}

// Speakers returns the distinct speaker labels of a call's turns whose role
// is unknown, in order of first appearance.
func (c *Call) Speakers() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range c.Turns {
		if t.Role == RoleUnknown && !seen[t.Label] {
			seen[t.Label] = true
			out = append(out, t.Label)
		}
	}
	return out
}

// NeedsRoles reports whether some turn's role is unknown.
func (c *Call) NeedsRoles() bool { return len(c.Speakers()) > 0 }

// ParseRoleMap reads a mapping such as "0=agent,1=customer" or
// "spk_0=坐席, spk_1=客户" (roles in English or as the role words of the
// text format).
func ParseRoleMap(s string) (map[string]Role, error) {
	out := map[string]Role{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ';' }) {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			k, v, ok = strings.Cut(part, "＝")
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("roles: %q is not ID=ROLE", redact.Mask(strings.TrimSpace(part)))
		}
		role, ok := roleValue(v)
		if !ok {
			return nil, fmt.Errorf("roles: %q: unknown role %q (want agent, customer or third_party)", redact.Mask(k), redact.Mask(v))
		}
		out[k] = role
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("roles: empty mapping")
	}
	return out, nil
}

// CSVColumns names the columns of a CSV export (by header name, or by
// 1-based number). Empty names take the defaults: call_id, speaker, text,
// start, end. TimeUnit is "s" (default) or "ms".
type CSVColumns struct {
	CallID, Speaker, Text, Start, End string
	TimeUnit                          string
}

// isSingleLetter reports labels such as A, B or C: role words in the text
// format, but only diarization cluster names in speech-recognition output.
func isSingleLetter(s string) bool {
	return len(s) == 1 && (s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z')
}
