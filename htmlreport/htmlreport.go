package htmlreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/score"
)

// Options are the settings of a report.
type Options struct {
	// Title heads the page; empty means "callqa report".
	Title string
	// Generated is the time the report says it was made; the zero time
	// means now. Tests set it so that the output does not change.
	Generated time.Time
	// Scorecard names the scorecard the calls were scored with
	// (name@version); empty means the scorecards named by the calls.
	Scorecard string
}

var (
	//go:embed report.html.tmpl
	pageTemplate string
	//go:embed report.css
	pageCSS string
	//go:embed report.js
	pageJS string

	tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
		"roleLabel": roleLabel,
		"hintLabel": hintLabel,
	}).Parse(pageTemplate))
)

// Write writes the report on calls, in the order given, to w as one HTML
// document.
func Write(w io.Writer, calls []*score.CallScore, opts Options) error {
	p := buildPage(calls, opts)
	if err := tmpl.Execute(w, p); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// page is what the template renders.
type page struct {
	Title     string
	Generated string
	Scorecard string
	Totals    totals
	Charts    []chart
	Coverage  chart
	Calls     []callView
	CSS       template.CSS
	JS        template.JS
}

type totals struct {
	Calls, Passed, Failed int
	PassRate              string // "66.7%", or "—" without calls
	AvgScore              string // "72.5", or "—" without calls
	MaxScore              int    // the maximum when every call has the same one, else 0
	Violations            int
	CallsWithViolations   int
}

// callView is one call: its row in the table and its section.
type callView struct {
	Anchor     string // the id of its section, "call-…"
	ID         string
	Source     string
	Agent      string
	Team       string
	Party      string
	Date       string // for people
	DateKey    string // for sorting: the started_at text
	Score, Max int
	Pass       bool
	Violations int // violating turns, once per category per turn
	Scorecard  string

	FailReasons []string
	CallHints   []score.Hint // hints about the whole call (turn 0) or about a turn the call does not have
	HasHints    bool         // some turn has a hint: the transcript keeps a column for them
	Findings    []findingView
	Turns       []turnView
	OrderOK     bool
	Order       []orderView
	Departures  []string
	Items       []itemView
}

type findingView struct {
	Turn       int
	TurnAnchor string
	Category   string
	Rule       string
	Match      string
	Violation  bool
}

type turnView struct {
	N         int
	Anchor    string
	Role      string // as in the transcript: agent, customer, third_party
	RoleClass string // for CSS: agent, customer, third-party or other
	Segments  []segment
	Evidence  []string // names of the items this turn is evidence of
	TaskCodes string   // their codes, space-separated, for data-tasks
	Hints     []score.Hint
	Violation bool
}

type orderView struct {
	Name string
	Turn int // 0: never came
}

type itemView struct {
	Kind, Code, Name string
	Done             bool
	Turns            string
	Points, Max      int
}

func buildPage(calls []*score.CallScore, opts Options) page {
	p := page{
		Title:     opts.Title,
		Scorecard: opts.Scorecard,
		CSS:       template.CSS(pageCSS),
		JS:        template.JS(pageJS),
	}
	if p.Title == "" {
		p.Title = "callqa report"
	}
	gen := opts.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	p.Generated = gen.Format("2006-01-02 15:04 MST")
	if p.Scorecard == "" {
		p.Scorecard = scorecardNames(calls)
	}

	anchors := make(map[string]bool)
	for _, c := range calls {
		if c == nil {
			continue
		}
		p.Calls = append(p.Calls, buildCall(c, anchorFor(c.CallID, anchors)))
	}
	p.Totals = buildTotals(p.Calls)
	p.Charts = []chart{
		categoryChart(calls),
		groupChart("chart-agent", "Violations by agent", calls, func(c *score.CallScore) string { return c.Agent }, "(no agent)"),
		groupChart("chart-team", "Violations by team", calls, func(c *score.CallScore) string { return c.Team }, "(no team)"),
	}
	p.Coverage = coverageChart(calls)
	return p
}

// scorecardNames lists the distinct scorecards of calls, in order of first
// appearance.
func scorecardNames(calls []*score.CallScore) string {
	var names []string
	for _, c := range calls {
		if c != nil && c.Scorecard != "" && !slices.Contains(names, c.Scorecard) {
			names = append(names, c.Scorecard)
		}
	}
	return strings.Join(names, ", ")
}

func buildTotals(calls []callView) totals {
	t := totals{Calls: len(calls), PassRate: "—", AvgScore: "—"}
	sum := 0
	for i, c := range calls {
		if c.Pass {
			t.Passed++
		} else {
			t.Failed++
		}
		sum += c.Score
		t.Violations += c.Violations
		if c.Violations > 0 {
			t.CallsWithViolations++
		}
		switch {
		case i == 0:
			t.MaxScore = c.Max
		case c.Max != t.MaxScore:
			t.MaxScore = -1
		}
	}
	t.MaxScore = max(t.MaxScore, 0)
	if t.Calls > 0 {
		t.PassRate = percent(t.Passed, t.Calls)
		t.AvgScore = strconv.FormatFloat(float64(sum)/float64(t.Calls), 'f', 1, 64)
	}
	return t
}

// percent formats n/of as a percentage with one decimal, without a
// trailing ".0".
func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	s := strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// violatingTurns counts the distinct (turn, category) pairs of c's
// violations, as report.Summary does.
func violatingTurns(c *score.CallScore) map[string]int {
	type key struct {
		turn     int
		category string
	}
	seen := make(map[key]bool)
	out := make(map[string]int)
	for _, f := range c.Violations {
		k := key{f.Turn, f.Category}
		if !analyzer.IsViolation(f.Category) || seen[k] {
			continue
		}
		seen[k] = true
		out[f.Category]++
	}
	return out
}

func countViolations(c *score.CallScore) int {
	n := 0
	for _, v := range violatingTurns(c) {
		n += v
	}
	return n
}

func buildCall(c *score.CallScore, anchor string) callView {
	v := callView{
		Anchor:      anchor,
		ID:          c.CallID,
		Source:      c.Source,
		Agent:       c.Agent,
		Team:        c.Team,
		Party:       c.Party,
		Date:        displayDate(c.StartedAt),
		DateKey:     c.StartedAt,
		Score:       c.Score,
		Max:         c.Max,
		Pass:        c.Pass,
		Violations:  countViolations(c),
		Scorecard:   c.Scorecard,
		FailReasons: c.FailReasons,
		OrderOK:     c.OrderOK,
	}
	if v.ID == "" {
		v.ID = c.Source
	}

	// "_t" never comes out of anchorFor's encoding, so turn ids do not
	// meet call ids.
	turnAnchor := func(n int) string { return anchor + "_t" + strconv.Itoa(n) }
	byTurn := make(map[int][]analyzer.Finding)
	for _, f := range c.Violations {
		byTurn[f.Turn] = append(byTurn[f.Turn], f)
		v.Findings = append(v.Findings, findingView{
			Turn: f.Turn, TurnAnchor: turnAnchor(f.Turn), Category: f.Category,
			Rule: f.Rule, Match: f.Match, Violation: analyzer.IsViolation(f.Category),
		})
	}

	items := orderedItems(c)
	evidence := make(map[int][]score.Item)
	for _, it := range items {
		for _, n := range it.Turns {
			evidence[n] = append(evidence[n], it)
		}
		v.Items = append(v.Items, itemView{
			Kind: it.Kind, Code: it.Code, Name: itemName(it), Done: it.Done,
			Turns: joinInts(it.Turns), Points: it.Points, Max: it.Max,
		})
	}

	hints := make(map[int][]score.Hint)
	turnSet := make(map[int]bool, len(c.Turns))
	for _, t := range c.Turns {
		turnSet[t.N] = true
	}
	for _, h := range c.Hints {
		if h.Turn > 0 && turnSet[h.Turn] {
			hints[h.Turn] = append(hints[h.Turn], h)
			v.HasHints = true
		} else {
			v.CallHints = append(v.CallHints, h)
		}
	}

	for _, t := range c.Turns {
		tv := turnView{
			N:         t.N,
			Anchor:    turnAnchor(t.N),
			Role:      t.Role,
			RoleClass: roleClass(t.Role),
			Segments:  segments(t.Text, byTurn[t.N]),
			Hints:     hints[t.N],
		}
		var codes []string
		for _, it := range evidence[t.N] {
			if !slices.Contains(codes, it.Code) {
				codes = append(codes, it.Code)
				tv.Evidence = append(tv.Evidence, itemName(it))
			}
		}
		tv.TaskCodes = strings.Join(codes, " ")
		for _, f := range byTurn[t.N] {
			tv.Violation = tv.Violation || analyzer.IsViolation(f.Category)
		}
		v.Turns = append(v.Turns, tv)
	}

	names := make(map[string]string)
	for _, it := range items {
		names[it.Code] = itemName(it)
	}
	for _, s := range c.Order {
		name := names[s.Code]
		if name == "" {
			name = s.Code
		}
		v.Order = append(v.Order, orderView{Name: name, Turn: s.Turn})
	}
	for _, d := range c.Departures {
		v.Departures = append(v.Departures, departureText(d, names))
	}
	return v
}

// firstCallOrder is the order of a first call as the source guides teach
// it (policy.md); the report lists a call's items in this order.
var firstCallOrder = []string{"verify_identity", "self_introduce", "demand_payment", "ask_reason", "explain_consequences", "get_commitment"}

// orderedItems returns the call's steps and tasks in firstCallOrder, then
// any other step or task and then the required items, each by code.
func orderedItems(c *score.CallScore) []score.Item {
	var out []score.Item
	add := func(code string, it score.Item) {
		if it.Code == "" {
			it.Code = code
		}
		out = append(out, it)
	}
	for _, code := range firstCallOrder {
		if it, ok := c.Steps[code]; ok {
			add(code, it)
		} else if it, ok := c.Tasks[code]; ok {
			add(code, it)
		}
	}
	rest := func(m map[string]score.Item, skip []string) {
		var codes []string
		for code := range m {
			if !slices.Contains(skip, code) {
				codes = append(codes, code)
			}
		}
		slices.Sort(codes)
		for _, code := range codes {
			add(code, m[code])
		}
	}
	rest(c.Steps, firstCallOrder)
	rest(c.Tasks, firstCallOrder)
	rest(c.Required, nil)
	return out
}

func itemName(it score.Item) string {
	if it.Name != "" {
		return it.Name
	}
	return it.Code
}

// departureText is the departure's own text or, without one, a sentence
// made from its codes (named by names where known).
func departureText(d score.Departure, names map[string]string) string {
	if d.Text != "" {
		return d.Text
	}
	name := func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}
	if d.BeforeTurn == 0 {
		return fmt.Sprintf("%s at turn %d, but %s, which comes first, never came", name(d.Code), d.Turn, name(d.Before))
	}
	return fmt.Sprintf("%s at turn %d, before %s at turn %d, which comes first", name(d.Code), d.Turn, name(d.Before), d.BeforeTurn)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// displayDate shows an RFC 3339 time as "2006-01-02 15:04" in its own
// zone, and any other text as it is.
func displayDate(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02 15:04")
}

// anchorFor returns the id of a call's section: "call-" and the call id
// with every character other than an ASCII letter, digit or "-" written as
// "_<hex>_" (so different ids never meet), made unique among taken with a
// "_n2", "_n3"… suffix (a call id can appear twice in a batch).
func anchorFor(id string, taken map[string]bool) string {
	var b strings.Builder
	b.WriteString("call-")
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_%x_", r)
		}
	}
	a := b.String()
	for i := 2; taken[a]; i++ {
		a = b.String() + "_n" + strconv.Itoa(i)
	}
	taken[a] = true
	return a
}

func roleClass(role string) string {
	switch role {
	case "agent", "customer":
		return role
	case "third_party":
		return "third-party"
	}
	return "other"
}

// hintLabels name the kinds of coaching hints (policy.md) for the reader.
var hintLabels = map[string]string{
	"open_question":         "Open question · 开放式提问",
	"too_soft":              "No deadline · 催款没有时限",
	"vague_accepted":        "Vague promise accepted · 接受了含糊承诺",
	"no_verification":       "Debt before identity check · 未核实身份就谈欠款",
	"no_introduction":       "Debt before introduction · 未表明身份就谈欠款",
	"threat_as_consequence": "Threat as consequence · 以威胁代替后果",
	"violation":             "Violation · 违规",
}

// hintLabel names a hint's kind; a call-level remark is "Missing".
func hintLabel(kind string) string {
	if l, ok := hintLabels[kind]; ok {
		return l
	}
	if strings.HasPrefix(kind, "missing_") {
		return "Missing · 缺少"
	}
	return "Coaching"
}

// roleLabel names a turn's speaker.
func roleLabel(role string) string {
	switch role {
	case "agent":
		return "Agent"
	case "customer":
		return "Customer"
	case "third_party":
		return "Third party"
	case "":
		return "Unknown"
	}
	return role
}
