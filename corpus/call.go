package corpus

// Role is who speaks a turn, after role labels have been resolved.
type Role string

// The roles a turn can have. The agent is the collector; the customer is the
// other party as labeled (usually the debtor); a third party is anyone the
// transcript labels as not the debtor (family, colleague, contact).
const (
	RoleAgent      Role = "agent"
	RoleCustomer   Role = "customer"
	RoleThirdParty Role = "third_party"
)

// Valid reports whether r is one of the three known roles.
func (r Role) Valid() bool {
	return r == RoleAgent || r == RoleCustomer || r == RoleThirdParty
}

// Call is one transcribed call: its metadata and its turns in order.
type Call struct {
	ID        string `json:"call_id"`
	Agent     string `json:"agent,omitempty"`
	Team      string `json:"team,omitempty"`
	StartedAt string `json:"started_at,omitempty"` // RFC 3339, as written
	Kind      string `json:"kind,omitempty"`       // first_call, follow_up, practice
	Party     string `json:"party,omitempty"`      // debtor or third_party, when the transcript says
	// Source is the path the call was read from ("-" for standard input),
	// with "#N" appended for line N of a JSONL file.
	Source string `json:"source"`
	// Meta holds header keys the model does not know, as written.
	Meta  map[string]string `json:"meta,omitempty"`
	Turns []Turn            `json:"turns"`
	// RolesGiven is the role of each speaker label of a speech-recognition
	// transcript that a role mapping (--roles) named, or that followed from
	// it (the speakers it left are the other party). The analyzer checks it
	// against the evidence of the call. It is not part of the call's JSON.
	RolesGiven map[string]Role `json:"-"`
}

// Turn is one utterance. N is 1-based over all speakers, in order of
// appearance; every finding and piece of evidence refers to it.
type Turn struct {
	N     int    `json:"n"`
	Role  Role   `json:"role"`
	Label string `json:"label"` // the role label as written in the source
	Text  string `json:"text"`  // the original text, never altered
	// Start and End are seconds from the start of the call, when known.
	Start *float64 `json:"start,omitempty"`
	End   *float64 `json:"end,omitempty"`
	// Line is the 1-based source line the turn came from (0 when unknown).
	Line int `json:"line,omitempty"`
	// Confidence is the speech recognizer's confidence in the turn, 0 to
	// 1, when the input carries one: a sentence's own, or the mean of its
	// words'; for a turn merged from several segments, the lowest.
	Confidence *float64 `json:"confidence,omitempty"`
}
