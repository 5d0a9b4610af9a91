package score

import "github.com/callqa/callqa/result"

// Item is one scored element of a call: a core task, a step, or a
// required item of the scorecard.
type Item struct {
	Code     string  `json:"code"`
	Kind     string  `json:"kind"` // task, step or required
	Name     string  `json:"name"` // what it means, in the trainee's words
	Done     bool    `json:"done"`
	Turns    []int   `json:"turns"`
	Evidence []Quote `json:"evidence"` // the evidence turns, quoted
	Points   int     `json:"points"`   // earned
	Max      int     `json:"max"`      // the weight
}

// Quote is one turn, quoted.
type Quote struct {
	Turn int    `json:"turn"`
	Role string `json:"role"`
	Text string `json:"text"`
}

// Hint is one coaching hint tied to a turn (0 when it concerns the whole
// call), written as advice.
type Hint struct {
	Turn  int    `json:"turn"`
	Code  string `json:"code"`  // the hint's kind, e.g. open_question, violation
	Rule  string `json:"rule"`  // the rule that raised it
	Text  string `json:"text"`  // the advice
	Quote string `json:"quote"` // the words it is about, when there are any
	// Kind is the same as Code: policy.md's name for the hint (open_question,
	// too_soft, vague_accepted, no_verification, no_introduction,
	// threat_as_consequence), or violation, or missing_<item> for a
	// call-level remark at turn 0.
	Kind string `json:"kind"`
	// About is the task or step the hint coaches, when there is one.
	About string `json:"about,omitempty"`
	// EvidenceTurn and Evidence are the other party's words the hint
	// reacts to (vague_accepted: the hedge), when there are any.
	EvidenceTurn int    `json:"evidence_turn,omitempty"`
	Evidence     string `json:"evidence,omitempty"`
}

// OrderStep is the first evidence turn of one element of the expected
// order of a first call.
type OrderStep struct {
	Code string `json:"code"`
	Turn int    `json:"turn"`
}

// Departure is one place where the call leaves the expected order: Code
// came at Turn, before Before (expected earlier) at BeforeTurn, or Before
// never came.
type Departure struct {
	Code       string `json:"code"`
	Turn       int    `json:"turn"`
	Before     string `json:"before"`
	BeforeTurn int    `json:"before_turn"`
	Text       string `json:"text"`
}

// TurnView is one turn as the report shows it.
type TurnView struct {
	N    int    `json:"n"`
	Role string `json:"role"`
	Text string `json:"text"`
}

// CallScore is the trainer's view of one call. Its JSON form is the
// `score --format json` output.
type CallScore struct {
	CallID      string   `json:"call_id"`
	Source      string   `json:"source"`
	Agent       string   `json:"agent,omitempty"`
	Team        string   `json:"team,omitempty"`
	StartedAt   string   `json:"started_at,omitempty"`
	Party       string   `json:"party"`
	Scorecard   string   `json:"scorecard"` // name@version
	Score       int      `json:"score"`
	Max         int      `json:"max"`
	Pass        bool     `json:"pass"`
	FailReasons []string `json:"fail_reasons"`
	// Kind is the call's kind (first_call, follow_up, practice), when the
	// transcript says (added field).
	Kind string `json:"kind,omitempty"`
	// Compliant is true when the call crosses none of policy.md's red
	// lines: no violation of any of the four categories (合规), whatever
	// the scorecard's fail_on. It is apart from the task score (added
	// field).
	Compliant bool `json:"compliant"`
	// ScoreApplicable is false on a call with a third party: no task
	// applies, and Score (0) is not a judgement of the agent (added
	// field).
	ScoreApplicable bool `json:"score_applicable"`
	// PassMark is the mark this call was held to (the practice pass mark
	// for practice calls, when the scorecard sets one; added field).
	PassMark   int              `json:"pass_mark"`
	Tasks      map[string]Item  `json:"tasks"`
	Steps      map[string]Item  `json:"steps"`
	Required   map[string]Item  `json:"required,omitempty"`
	Order      []OrderStep      `json:"order"`
	OrderOK    bool             `json:"order_ok"`
	Departures []Departure      `json:"departures"`
	Violations []result.Finding `json:"violations"`
	Hints      []Hint           `json:"hints"`
	Turns      []TurnView       `json:"turns"`
}
