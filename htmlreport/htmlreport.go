package htmlreport

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/result"
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

	// csp is the report's Content-Security-Policy: nothing may load or
	// run but the page's own script, known by its hash, and its styles.
	csp = contentSecurityPolicy("\n" + pageJS + "\n") // as the template writes it

	tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
		"ui":    func(code string) Label { return label(groupUI, code) },
		"bi":    bilingual,
		"biui":  func(code string) template.HTML { return bilingual(label(groupUI, code)) },
		"biuif": func(code string, args ...any) template.HTML { return bilingual(format(label(groupUI, code), args...)) },
		"svg":   (*callview.BarChart).SVG,
	}).Parse(pageTemplate))
)

// contentSecurityPolicy is the policy of a page whose one script is
// script: nothing is fetched (default-src 'none': no image, font, frame
// or connection), the script runs because its SHA-256 hash is listed, so
// any other script, injected or inline handler, does not; styles are the
// page's own, inline.
func contentSecurityPolicy(script string) string {
	sum := sha256.Sum256([]byte(script))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
}

// Write writes the report on calls, in the order given, to w as one HTML
// document.
func Write(w io.Writer, calls []*score.CallScore, opts Options) error {
	p, err := buildPage(calls, opts)
	if err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	if err := tmpl.Execute(w, p); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// page is what the template renders: the overview and the charts as
// HTML, and the calls as JSON (Data) that the page's script draws, the
// table a page at a time and a call's view when it is opened.
type page struct {
	Title     string // empty: the report's default title
	Generated string
	Scorecard string
	Totals    totals
	Charts    []chart
	Coverage  chart
	Data      template.JS // pageData as JSON, safe inside a <script> element
	CSS       template.CSS
	JS        template.JS
	CSP       string // the Content-Security-Policy meta tag's content
}

type totals struct {
	Calls, Passed, Failed int
	PassRate              string // "66.7%", or "—" without calls
	Compliant             int    // calls that cross no red line
	ComplianceRate        string
	AvgScore              string // over the calls whose score applies: "72.5", or "—"
	MaxScore              int    // the maximum when every such call has the same one, else 0
	NotApplicable         int    // calls whose task score does not apply (third party)
	Violations            int
	CallsWithViolations   int
}

// pageData is what the page's script reads: the labels (the same mapping
// the server-rendered parts use) and the calls, in the order given.
type pageData struct {
	Labels map[string]map[string]Label `json:"labels"`
	Calls  []callData                  `json:"calls"`
}

// callData is one call: its row in the table and its view. A turn's
// anchor is the call's anchor, "_t" and the turn's number.
type callData struct {
	Anchor     string `json:"anchor"` // the id of its view, "call-…"
	ID         string `json:"id"`
	Source     string `json:"source,omitempty"`
	Agent      string `json:"agent,omitempty"`
	Team       string `json:"team,omitempty"`
	Party      string `json:"party,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Date       string `json:"date,omitempty"`    // for people
	DateKey    string `json:"dateKey,omitempty"` // for sorting: the started_at text
	Scorecard  string `json:"scorecard,omitempty"`
	Score      int    `json:"score"`
	Max        int    `json:"max"`
	Applicable bool   `json:"applicable"` // false: the task score does not apply (third party)
	PassMark   int    `json:"passMark"`
	Pass       bool   `json:"pass"`
	Compliant  bool   `json:"compliant"`
	Violations int    `json:"violations"` // violating turns, once per category per turn

	FailReasons []string      `json:"failReasons,omitempty"`
	CallHints   []hintData    `json:"callHints,omitempty"` // about the whole call (turn 0) or a turn the call does not have
	HasHints    bool          `json:"hasHints,omitempty"`  // some turn has a hint: the transcript keeps a column for them
	Findings    []findingData `json:"findings,omitempty"`
	Items       []itemData    `json:"items,omitempty"`
	OrderOK     bool          `json:"orderOK,omitempty"`
	Order       []orderData   `json:"order,omitempty"`
	Departures  []string      `json:"departures,omitempty"`
	Turns       []turnData    `json:"turns,omitempty"`
}

type findingData struct {
	Turn      int    `json:"turn"`
	Category  string `json:"category"`
	Rule      string `json:"rule"`
	Match     string `json:"match"`
	Violation bool   `json:"violation"` // false: a signal such as customer abuse
}

// turnData is one turn; its keys are short, as there are many turns.
type turnData struct {
	N         int        `json:"n"`
	Role      string     `json:"r"`
	Segments  []segment  `json:"s"`
	Evidence  []string   `json:"ev,omitempty"`    // names of the items this turn is evidence of
	TaskCodes string     `json:"tasks,omitempty"` // their codes, space-separated
	Hints     []hintData `json:"hints,omitempty"`
	Violation bool       `json:"v,omitempty"`
}

// hintData is what the page shows of a coaching hint.
type hintData struct {
	Turn         int    `json:"turn,omitempty"`
	Kind         string `json:"kind"`
	Text         string `json:"text"`
	Quote        string `json:"quote,omitempty"`
	EvidenceTurn int    `json:"evidenceTurn,omitempty"`
	Evidence     string `json:"evidence,omitempty"`
}

func newHintData(h score.Hint) hintData {
	kind := h.Kind
	if kind == "" {
		kind = h.Code
	}
	return hintData{Turn: h.Turn, Kind: kind, Text: h.Text, Quote: h.Quote, EvidenceTurn: h.EvidenceTurn, Evidence: h.Evidence}
}

type orderData struct {
	Name string `json:"name"`
	Turn int    `json:"turn"` // 0: never came
}

// itemData is one step, task or required item; the page's script takes
// its English from the item labels.
type itemData struct {
	Kind   string `json:"kind"`
	Code   string `json:"code"`
	Name   string `json:"name"` // the scorecard's name, or the label's Chinese
	Done   bool   `json:"done"`
	Turns  string `json:"turns,omitempty"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
}

func buildPage(calls []*score.CallScore, opts Options) (page, error) {
	p := page{
		Title:     opts.Title,
		Scorecard: opts.Scorecard,
		CSS:       template.CSS(callview.BaseCSS + "\n" + pageCSS),
		JS:        template.JS(pageJS),
		CSP:       csp,
	}
	gen := opts.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	p.Generated = gen.Format("2006-01-02 15:04 MST")
	if p.Scorecard == "" {
		p.Scorecard = scorecardNames(calls)
	}

	d := pageData{Labels: names, Calls: []callData{}}
	anchors := make(map[string]bool)
	for _, c := range calls {
		if c == nil {
			continue
		}
		d.Calls = append(d.Calls, buildCall(c, anchorFor(c.CallID, anchors)))
	}
	p.Totals = buildTotals(d.Calls)
	ui := names[groupUI]
	p.Charts = []chart{
		categoryChart(calls),
		groupChart("chart-agent", ui["byAgent"], calls, func(c *score.CallScore) string { return c.Agent }, ui["noAgent"].ZH),
		groupChart("chart-team", ui["byTeam"], calls, func(c *score.CallScore) string { return c.Team }, ui["noTeam"].ZH),
	}
	p.Coverage = coverageChart(calls)

	// json.Marshal writes <, > and & as \u003c, \u003e and \u0026, so no
	// text of a call can end the <script> element or open a comment.
	data, err := json.Marshal(d)
	if err != nil {
		return page{}, err
	}
	p.Data = template.JS(data)
	return p, nil
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

func buildTotals(calls []callData) totals {
	t := totals{Calls: len(calls), PassRate: "—", ComplianceRate: "—", AvgScore: "—"}
	sum, scored := 0, 0
	for _, c := range calls {
		if c.Pass {
			t.Passed++
		} else {
			t.Failed++
		}
		if c.Compliant {
			t.Compliant++
		}
		t.Violations += c.Violations
		if c.Violations > 0 {
			t.CallsWithViolations++
		}
		if !c.Applicable {
			t.NotApplicable++
			continue
		}
		sum += c.Score
		switch {
		case scored == 0:
			t.MaxScore = c.Max
		case c.Max != t.MaxScore:
			t.MaxScore = -1
		}
		scored++
	}
	t.MaxScore = max(t.MaxScore, 0)
	if t.Calls > 0 {
		t.PassRate = callview.Percent(t.Passed, t.Calls)
		t.ComplianceRate = callview.Percent(t.Compliant, t.Calls)
	}
	if scored > 0 {
		t.AvgScore = strconv.FormatFloat(float64(sum)/float64(scored), 'f', 1, 64)
	}
	return t
}

func buildCall(c *score.CallScore, anchor string) callData {
	v := callData{
		Anchor:      anchor,
		ID:          c.CallID,
		Source:      c.Source,
		Agent:       c.Agent,
		Team:        c.Team,
		Party:       c.Party,
		Kind:        c.Kind,
		Date:        callview.DisplayDate(c.StartedAt),
		DateKey:     c.StartedAt,
		Scorecard:   c.Scorecard,
		Score:       c.Score,
		Max:         c.Max,
		Applicable:  c.ScoreApplicable,
		PassMark:    c.PassMark,
		Pass:        c.Pass,
		Compliant:   c.Compliant,
		Violations:  callview.CountViolations(c.Violations),
		FailReasons: c.FailReasons,
		OrderOK:     c.OrderOK,
	}
	if v.ID == "" {
		v.ID = c.Source
	}

	cv := callview.Build(c, callview.Options{ItemName: func(code string) string { return label(groupItem, code).ZH }})
	for _, f := range cv.Findings {
		v.Findings = append(v.Findings, findingData{
			Turn: f.Turn, Category: f.Category, Rule: f.Rule, Match: f.Match,
			Violation: result.IsViolation(f.Category),
		})
	}
	items := cv.Items
	for _, it := range items {
		v.Items = append(v.Items, itemData{
			Kind: it.Kind, Code: it.Code, Name: it.Name, Done: it.Done,
			Turns: joinInts(it.Turns), Points: it.Points, Max: it.Max,
		})
	}
	for _, h := range cv.CallHints {
		v.CallHints = append(v.CallHints, newHintData(h))
	}
	v.HasHints = cv.HasHints
	for _, t := range cv.Turns {
		td := turnData{
			N:         t.N,
			Role:      t.Role,
			Segments:  segments(t.Parts),
			Evidence:  t.Evidence,
			TaskCodes: t.Tasks(),
			Violation: t.Violation,
		}
		for _, h := range t.Hints {
			td.Hints = append(td.Hints, newHintData(h))
		}
		v.Turns = append(v.Turns, td)
	}

	names := make(map[string]string)
	for _, it := range items {
		names[it.Code] = itemName(it)
	}
	for _, s := range c.Order {
		name := names[s.Code]
		if name == "" {
			name = label(groupItem, s.Code).ZH
		}
		v.Order = append(v.Order, orderData{Name: name, Turn: s.Turn})
	}
	for _, d := range c.Departures {
		v.Departures = append(v.Departures, departureText(d, names))
	}
	return v
}

// itemName is the scorecard's name of an item or, without one, its
// label's Chinese.
func itemName(it score.Item) string {
	if it.Name != "" {
		return it.Name
	}
	return label(groupItem, it.Code).ZH
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
		return label(groupItem, code).ZH
	}
	if d.BeforeTurn == 0 {
		return fmt.Sprintf("%s出现在第 %d 轮，但应在它之前的%s没有出现", name(d.Code), d.Turn, name(d.Before))
	}
	return fmt.Sprintf("%s（第 %d 轮）出现在%s（第 %d 轮）之前；指南的顺序是先%s，再%s", name(d.Code), d.Turn, name(d.Before), d.BeforeTurn, name(d.Before), name(d.Code))
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
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
