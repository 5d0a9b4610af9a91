package htmlreport

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"html"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

var update = flag.Bool("update", false, "rewrite golden files")

// generated is the report time of the golden file.
var generated = time.Date(2026, 3, 9, 18, 30, 0, 0, time.FixedZone("CST", 8*3600))

// finding builds a violation finding on text whose Start and End are the
// byte offsets of the first match, as the analyzer gives them.
func finding(turn int, category, rule, text, match string) result.Finding {
	i := strings.Index(text, match)
	if i < 0 {
		panic("finding: " + match + " not in " + text)
	}
	return result.Finding{Category: category, Turn: turn, Speaker: "agent", Severity: "critical",
		Rule: rule, Match: match, Text: text, Start: i, End: i + len(match)}
}

func item(code, kind, name string, weight int, turns ...int) score.Item {
	it := score.Item{Code: code, Kind: kind, Name: name, Done: len(turns) > 0, Turns: turns, Max: weight}
	if it.Done {
		it.Points = weight
	}
	return it
}

// sampleCalls returns hand-made scores covering what the report must
// handle: Chinese text with overlapping violations and hints on turns and
// on the whole call; a transcript, call id, agent and hint that carry HTML
// and script; a Traditional Chinese call; a passing call without
// violations; a repeated call id; and a call with nothing but an id.
func sampleCalls() []*score.CallScore {
	d7 := []score.TurnView{
		{N: 1, Role: "agent", Text: "喂，是刘洋吗？本次通话将被录音。"},
		{N: 2, Role: "customer", Text: "是我，你们这帮吸血鬼，干嘛？"},
		{N: 3, Role: "agent", Text: "我是嘉禾消费金融的小赵，你那笔借款逾期两个月了，今天必须还上。"},
		{N: 4, Role: "customer", Text: "没钱。"},
		{N: 5, Role: "agent", Text: "你就是个老赖，不还就把你欠钱的事发给你通讯录里所有人，你出门最好小心点。"},
		{N: 6, Role: "customer", Text: "我尽量吧。"},
		{N: 7, Role: "agent", Text: "那您什么时候能还？"},
	}
	abuse := finding(2, "customer_abuse", "insult.slur", d7[1].Text, "吸血鬼")
	abuse.Speaker = "customer"
	d7calls := &score.CallScore{
		CallID: "D0007", Source: "calls/D0007.txt", Agent: "赵强", Team: "M2-B",
		StartedAt: "2026-03-03T15:20:00+08:00", Party: "debtor", Scorecard: "default@1",
		Score: 25, Max: 100, Pass: false, ScoreApplicable: true, Kind: "first_call",
		FailReasons: []string{"一票否决: insult (t5), threat (t5)"},
		Tasks: map[string]score.Item{
			"demand_payment":       item("demand_payment", "task", "要求客户今天还款", 25, 3),
			"ask_reason":           item("ask_reason", "task", "了解逾期原因", 25),
			"explain_consequences": item("explain_consequences", "task", "陈述利弊得失", 25),
			"get_commitment":       item("get_commitment", "task", "得到还款承诺", 25),
		},
		Steps: map[string]score.Item{
			"verify_identity": item("verify_identity", "step", "确认对方身份", 0, 1),
			"self_introduce":  item("self_introduce", "step", "表明自己身份", 0, 3),
		},
		Required: map[string]score.Item{
			"recording_notice": item("recording_notice", "required", "告知通话录音", 0, 1),
		},
		Order:      []score.OrderStep{{Code: "verify_identity", Turn: 1}, {Code: "self_introduce", Turn: 3}, {Code: "demand_payment", Turn: 3}},
		Departures: []score.Departure{{Code: "demand_payment", Turn: 3, Before: "ask_reason"}, {Code: "demand_payment", Turn: 3, Before: "self_introduce", BeforeTurn: 3, Text: "在表明身份的同一句里就要求还款"}},
		Violations: []result.Finding{
			abuse,
			finding(5, "insult", "insult.slur", d7[4].Text, "老赖"),
			finding(5, "threat", "threat.expose", d7[4].Text, "发给你通讯录"),
			// Overlaps threat.expose: the overlap names both rules.
			finding(5, "threat", "threat.expose_all", d7[4].Text, "通讯录里所有人"),
			finding(5, "threat", "threat.safety", d7[4].Text, "出门最好小心"),
		},
		Hints: []score.Hint{
			{Turn: 5, Code: "violation", Rule: "insult.slur", Text: "不要给客户贴标签。可以说：“我理解您现在有困难，我们一起看看怎么解决。”", Quote: "老赖"},
			{Turn: 6, Code: "vague_accepted", Kind: "vague_accepted", Rule: "hint.vague_accepted", Text: "客户说“我尽量”时，要追问具体的时间和金额。", Quote: "好的", EvidenceTurn: 5, Evidence: "我尽量"},
			{Turn: 7, Code: "open_question", Kind: "open_question", Rule: "hint.open_question", Text: "这是开放式提问，最常见的错误。应直接要求：“请您今天下午五点前还款。”", Quote: "您什么时候能还"},
			{Turn: 0, Code: "missing", Rule: "ask_reason", Text: "没有了解逾期原因。"},
		},
		Turns: d7,
	}

	xss := []score.TurnView{
		{N: 1, Role: "agent", Text: "您好 <script>alert(1)</script> & 欢迎"},
		{N: 2, Role: "customer", Text: `<img src=x onerror="alert('x')">你这个<b>老赖</b>"</textarea>`},
		{N: 3, Role: "third_party", Text: "他不在。"},
	}
	bad := finding(2, "insult", "insult.slur", xss[1].Text, "老赖")
	bad.Start, bad.End = 1, 3 // offsets that do not quote the match: found by its words
	xssCall := &score.CallScore{
		CallID: `X<1>&"2"`, Source: "calls/<x>.txt", Agent: `<i>Eve</i>`, Team: "T&T", Party: "debtor",
		Scorecard: "default@1", Score: 0, Max: 100, Pass: false, ScoreApplicable: true,
		FailReasons: []string{"一票否决: insult (t2) <b>"},
		Violations: []result.Finding{
			bad,
			{Category: "threat", Turn: 1, Rule: "threat.none", Match: "不在这里", Text: xss[0].Text, Start: 0, End: 3}, // neither offsets nor words: listed, not marked
		},
		Hints: []score.Hint{{Turn: 2, Code: "violation", Rule: `<script>hint</script>`, Text: `<img src=x onerror=alert(2)>`, Quote: "</q><script>"}},
		Turns: xss,
	}

	s06 := []score.TurnView{
		{N: 1, Role: "agent", Text: "您好，請問是林志明先生嗎？"},
		{N: 2, Role: "customer", Text: "我是，請說。"},
		{N: 3, Role: "agent", Text: "我是眾鑫銀行信用卡中心的陳怡君，您這期帳單兩萬三還沒繳，是有什麼狀況嗎？"},
		{N: 4, Role: "customer", Text: "最近手頭比較緊。"},
		{N: 5, Role: "agent", Text: "你就是個騙子，再不還警察明天就上門抓你。"},
	}
	trad := &score.CallScore{
		CallID: "S06", Source: "testdata/calls/S06_traditional.txt", Agent: "陳怡君", Team: "TW-1",
		StartedAt: "2026-03-06T14:00:00+08:00", Party: "debtor", Scorecard: "default@1",
		Score: 25, Max: 100, Pass: false, ScoreApplicable: true, FailReasons: []string{"一票否决: insult (t5), false_legal_claim (t5)"},
		Tasks: map[string]score.Item{
			"demand_payment":       item("demand_payment", "task", "要求客户今天还款", 25),
			"ask_reason":           item("ask_reason", "task", "了解逾期原因", 25, 3),
			"explain_consequences": item("explain_consequences", "task", "陈述利弊得失", 25),
			"get_commitment":       item("get_commitment", "task", "得到还款承诺", 25),
		},
		Steps: map[string]score.Item{
			"verify_identity": item("verify_identity", "step", "确认对方身份", 0, 1),
			"self_introduce":  item("self_introduce", "step", "表明自己身份", 0, 3),
		},
		OrderOK: true,
		Violations: []result.Finding{
			finding(5, "insult", "insult.pianzi", s06[4].Text, "騙子"),
			finding(5, "false_legal_claim", "false_legal.police", s06[4].Text, "警察明天就上門抓你"),
		},
		Turns: s06,
	}

	good := &score.CallScore{
		CallID: "S01", Source: "testdata/calls/S01_compliant.txt", Agent: "李娜", Team: "M1-A",
		StartedAt: "2026-03-01T10:02:11+08:00", Party: "debtor", Scorecard: "default@1",
		Score: 100, Max: 100, Pass: true, OrderOK: true, Compliant: true, ScoreApplicable: true,
		Tasks: map[string]score.Item{
			"demand_payment":       item("demand_payment", "task", "要求客户今天还款", 25, 3),
			"ask_reason":           item("ask_reason", "task", "了解逾期原因", 25, 5),
			"explain_consequences": item("explain_consequences", "task", "陈述利弊得失", 25, 7),
			"get_commitment":       item("get_commitment", "task", "得到还款承诺", 25, 8, 9),
		},
		Steps: map[string]score.Item{
			"verify_identity": item("verify_identity", "step", "确认对方身份", 0, 1),
			"self_introduce":  item("self_introduce", "step", "表明自己身份", 0, 3),
		},
		Order: []score.OrderStep{{Code: "verify_identity", Turn: 1}, {Code: "self_introduce", Turn: 3}, {Code: "demand_payment", Turn: 3},
			{Code: "ask_reason", Turn: 5}, {Code: "explain_consequences", Turn: 7}, {Code: "get_commitment", Turn: 8}},
		Turns: []score.TurnView{
			{N: 1, Role: "agent", Text: "您好，请问是张伟先生本人吗？"},
			{N: 2, Role: "customer", Text: "是我。"},
			{N: 3, Role: "agent", Text: "我是嘉禾消费金融的李娜，您的借款已经逾期，请您今天下午五点之前还上最低还款额。"},
			{N: 4, Role: "customer", Text: "我知道。"},
			{N: 5, Role: "agent", Text: "这个月是遇到什么困难了吗？"},
			{N: 6, Role: "customer", Text: "工资晚发了。"},
			{N: 7, Role: "agent", Text: "逾期每天都会产生罚息，也会影响您的征信。"},
			{N: 8, Role: "customer", Text: "那我今天下午两点前还八千六。"},
			{N: 9, Role: "agent", Text: "好的，我们确认一下，您今天下午两点之前还八千六，对吗？"},
		},
	}
	// The same call id again (two files of one call): its section gets its
	// own anchor.
	again := *good
	again.Source = "archive/S01_compliant.txt"
	again.Agent = ""
	again.Team = ""

	return []*score.CallScore{d7calls, xssCall, trad, good, &again, {CallID: "催收 001", ScoreApplicable: true, Compliant: true}}
}

func render(t *testing.T, calls []*score.CallScore, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, calls, opts))
	return buf.String()
}

// TestGolden compares the report on sampleCalls with
// testdata/golden/report.html. Regenerate with
// `go test ./htmlreport -update`, then open the file in a browser.
func TestGolden(t *testing.T) {
	tests := []struct {
		name, golden string
		calls        []*score.CallScore
		opts         Options
	}{
		{name: "report", golden: "report.html", calls: sampleCalls(),
			opts: Options{Title: "M2 practice calls, 3 March", Generated: generated, Scorecard: "default@1"}},
		{name: "empty", golden: "empty.html", opts: Options{Generated: generated}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.calls, tt.opts)
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./htmlreport -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

// dataOf returns the calls' data embedded in a report, decoded, and its
// JSON text as written.
func dataOf(t *testing.T, out string) (pageData, string) {
	t.Helper()
	const open = `<script type="application/json" id="callqa-data">`
	i := strings.Index(out, open)
	require.GreaterOrEqual(t, i, 0, "the report embeds its data")
	raw := out[i+len(open):]
	j := strings.Index(raw, "</script>")
	require.GreaterOrEqual(t, j, 0)
	raw = raw[:j]
	var d pageData
	require.NoError(t, json.Unmarshal([]byte(raw), &d))
	return d, raw
}

// callByID returns the first call of d with the id.
func callByID(t *testing.T, d pageData, id string) callData {
	t.Helper()
	for _, c := range d.Calls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no call %s in the data", id)
	return callData{}
}

// joined is a turn's text, put together from its segments.
func joined(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

// TestEscaping checks that text from transcripts, call metadata and hints
// never becomes markup: it reaches the page as JSON in which <, > and &
// are escaped, so it cannot end the data's <script> element, and it
// decodes to the same text, which the page's script sets as text.
func TestEscaping(t *testing.T) {
	out := render(t, sampleCalls(), Options{Generated: generated})

	assert.Equal(t, 2, strings.Count(out, "<script"), "the data and the report's own script")
	assert.Equal(t, 2, strings.Count(out, "</script"), "no text ends a script element")
	assert.Equal(t, 1, strings.Count(out, "<!--")+1, "no text opens a comment")
	for _, bad := range []string{"<img", "<b>", "<i>", "</textarea>", "</q><script>", "<script>alert", "<script>hint"} {
		assert.NotContains(t, out, bad)
	}

	d, raw := dataOf(t, out)
	assert.Contains(t, raw, `您好 \u003cscript\u003ealert(1)\u003c/script\u003e \u0026 欢迎`, "the JSON escapes <, > and &")

	x := callByID(t, d, `X<1>&"2"`)
	assert.Equal(t, "call-X_3c_1_3e__26__22_2_22_", x.Anchor, "the anchor is made of safe characters")
	assert.Equal(t, `<i>Eve</i>`, x.Agent, "the agent's name arrives as it was written")
	require.Len(t, x.Turns, 3)
	assert.Equal(t, "您好 <script>alert(1)</script> & 欢迎", joined(x.Turns[0].Segments), "the transcript arrives as text")
	assert.Equal(t, []segment{
		{Text: `<img src=x onerror="alert('x')">你这个<b>`},
		{Text: "老赖", Class: "violation", Title: "辱骂 insult · insult.slur · 严重 critical"},
		{Text: `</b>"</textarea>`},
	}, x.Turns[1].Segments, "the highlight is cut from the text, which stays text on both sides")
	require.Len(t, x.Turns[1].Hints, 1)
	assert.Equal(t, `<img src=x onerror=alert(2)>`, x.Turns[1].Hints[0].Text)
	assert.Equal(t, "</q><script>", x.Turns[1].Hints[0].Quote)
	assert.Equal(t, []string{"一票否决: insult (t2) <b>"}, x.FailReasons)
}

// TestScriptSetsTextOnly checks the page's script for the ways text
// becomes markup: it builds the table and the call views with
// createElement, textContent and setAttribute only.
func TestScriptSetsTextOnly(t *testing.T) {
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment", "eval(", "new Function", "setHTML"} {
		assert.NotContains(t, pageJS, bad)
	}
	assert.Contains(t, pageJS, "textContent")
}

// TestStructure checks the parts the e2e test and readers rely on: the
// server-rendered overview and charts, and the data the script draws the
// table and the call views from.
func TestStructure(t *testing.T) {
	out := render(t, sampleCalls(), Options{Title: "Report <1>", Generated: generated, Scorecard: "team@2"})

	assert.True(t, strings.HasPrefix(out, "<!DOCTYPE html>\n"))
	assert.Contains(t, out, `<meta charset="utf-8">`)
	assert.Contains(t, out, "<title>Report &lt;1&gt;</title>")
	assert.Contains(t, out, "2026-03-09 18:30 CST")
	assert.Contains(t, out, `<strong class="scorecard">team@2</strong>`)
	assert.Contains(t, out, `"Noto Sans CJK SC"`)
	assert.Contains(t, out, `<table id="calls-table" class="calls">`)
	assert.Contains(t, out, `<section id="call-view"`)
	assert.Contains(t, out, `<noscript>`, "without JavaScript the page says what needs it")

	for _, id := range []string{"chart-category", "chart-agent", "chart-team", "chart-coverage"} {
		assert.Regexp(t, `<svg class="chart bar-chart" id="`+id+`" role="img" aria-labelledby="`+id+`-title"[^>]*>\s*<title id="`+id+`-title">`, out)
	}
	assert.Contains(t, out, `<text class="label" x="212" y="30" text-anchor="end">辱骂</text>`, "the categories are named in Chinese")
	assert.Contains(t, out, `<title>辱骂 insult: 3</title>`, "with the English in the tooltip")

	// Totals: 6 calls, 2 passed, 3 compliant; violations count once per
	// category per turn (D0007 t5 insult+threat, X t1 threat + t2 insult,
	// S06 t5 insult+false_legal).
	for kpi, want := range map[string]string{"calls": "6", "passed": "2", "failed": "4", "pass-rate": "33.3%",
		"violations": "6", "compliant": "3", "compliance-rate": "50%"} {
		assert.Contains(t, out, `data-kpi="`+kpi+`">`+want+`<`, kpi)
	}
	assert.Contains(t, out, `data-kpi="average-score">41.7</span>`, "(25+0+25+100+100+0)/6, without a maximum: the empty call has none")

	d, _ := dataOf(t, out)
	assert.Equal(t, names, d.Labels, "the script reads the same labels")
	var ids, anchors []string
	for _, c := range d.Calls {
		ids = append(ids, c.ID)
		anchors = append(anchors, c.Anchor)
	}
	assert.Equal(t, []string{"D0007", `X<1>&"2"`, "S06", "S01", "S01", "催收 001"}, ids, "the calls in the order given")
	assert.Equal(t, []string{"call-D0007", "call-X_3c_1_3e__26__22_2_22_", "call-S06", "call-S01", "call-S01_n2", "call-_50ac__6536__20_001"}, anchors,
		"a repeated call id gets its own anchor")

	d7 := callByID(t, d, "D0007")
	assert.Equal(t, "2026-03-03 15:20", d7.Date)
	assert.Equal(t, "2026-03-03T15:20:00+08:00", d7.DateKey)
	assert.Equal(t, 2, d7.Violations, "insult and threat at turn 5")
	assert.False(t, d7.Compliant)
	assert.True(t, d7.Applicable)
	// Overlapping findings: one piece each, naming every finding on it
	// (category, rule and severity, as the console names them).
	assert.Equal(t, []segment{
		{Text: "你就是个"}, {Text: "老赖", Class: "violation", Title: "辱骂 insult · insult.slur · 严重 critical"},
		{Text: "，不还就把你欠钱的事"}, {Text: "发给你", Class: "violation", Title: "威胁 threat · threat.expose · 严重 critical"},
		{Text: "通讯录", Class: "violation", Title: "威胁 threat · threat.expose · 严重 critical; 威胁 threat · threat.expose_all · 严重 critical"},
		{Text: "里所有人", Class: "violation", Title: "威胁 threat · threat.expose_all · 严重 critical"},
		{Text: "，你"}, {Text: "出门最好小心", Class: "violation", Title: "威胁 threat · threat.safety · 严重 critical"}, {Text: "点。"},
	}, d7.Turns[4].Segments)
	assert.True(t, d7.Turns[4].Violation)
	assert.Equal(t, []segment{{Text: "是我，你们这帮"}, {Text: "吸血鬼", Class: "signal", Title: "客户辱骂 customer_abuse · insult.slur · 严重 critical"}, {Text: "，干嘛？"}},
		d7.Turns[1].Segments, "customer_abuse is marked, not as a violation")
	assert.False(t, d7.Turns[1].Violation)
	assert.Contains(t, d7.Findings, findingData{Turn: 2, Category: "customer_abuse", Rule: "insult.slur", Match: "吸血鬼"})

	// Evidence, hints and departures.
	assert.Equal(t, "verify_identity recording_notice", d7.Turns[0].TaskCodes)
	assert.Equal(t, []string{"表明自己身份", "要求客户今天还款"}, d7.Turns[2].Evidence)
	require.Len(t, d7.Turns[6].Hints, 1)
	assert.Equal(t, "open_question", d7.Turns[6].Hints[0].Kind)
	assert.Equal(t, 5, d7.Turns[5].Hints[0].EvidenceTurn, "vague_accepted shows the hedge it reacts to")
	assert.True(t, d7.HasHints)
	require.Len(t, d7.CallHints, 1)
	assert.Equal(t, "missing", d7.CallHints[0].Kind, "a hint without a kind takes its code")
	assert.Equal(t, []string{"要求客户今天还款出现在第 3 轮，但应在它之前的了解逾期原因没有出现", "在表明身份的同一句里就要求还款"}, d7.Departures)
	assert.Equal(t, []orderData{{"确认对方身份", 1}, {"表明自己身份", 3}, {"要求客户今天还款", 3}}, d7.Order)
	assert.Equal(t, itemData{Kind: "step", Code: "verify_identity", Name: "确认对方身份", Done: true, Turns: "1"}, d7.Items[0])
	assert.True(t, callByID(t, d, "S06").OrderOK)

	assert.Equal(t, []segment{{Text: "你就是個"}, {Text: "騙子", Class: "violation", Title: "辱骂 insult · insult.pianzi · 严重 critical"}, {Text: "，再不還"},
		{Text: "警察明天就上門抓你", Class: "violation", Title: "虚假法律陈述 false_legal_claim · false_legal.police · 严重 critical"}, {Text: "。"}}, callByID(t, d, "S06").Turns[4].Segments)
}

// TestSelfContained checks that the report loads nothing: no external
// scripts, styles, fonts or images.
func TestSelfContained(t *testing.T) {
	out := render(t, sampleCalls(), Options{Generated: generated})
	for _, bad := range []string{"<link", "@import", "url(", `src="`, "http://", "https://"} {
		if bad == "http://" {
			// The SVG namespace is a name, not a fetch.
			out = strings.ReplaceAll(out, `xmlns="http://www.w3.org/2000/svg"`, "")
		}
		assert.NotContains(t, out, bad)
	}
}

func TestAnchorFor(t *testing.T) {
	taken := map[string]bool{}
	tests := []struct{ id, want string }{
		{"S02", "call-S02"},
		{"D-0007", "call-D-0007"},
		{"a_b", "call-a_5f_b"},
		{"a b", "call-a_20_b"},
		{"催收", "call-_50ac__6536_"},
		{"", "call-"},
		{"S02", "call-S02_n2"},
		{"S02", "call-S02_n3"},
		{`"><script>`, "call-_22__3e__3c_script_3e_"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, anchorFor(tt.id, taken), tt.id)
	}
}

// TestLabels checks the one mapping of codes to what the reader sees:
// every code the report shows has Chinese and English, the two say the
// same number of %d, and codes it does not know show as themselves.
func TestLabels(t *testing.T) {
	want := map[string][]string{
		groupCategory: append(slices.Clone(result.ViolationCategories), result.CategoryCustomerAbuse),
		groupItem:     {"demand_payment", "ask_reason", "explain_consequences", "get_commitment", "self_introduce", "verify_identity"},
		groupRole:     {"agent", "customer", "third_party"},
		groupParty:    {"debtor", "third_party"},
		groupKind:     {"first_call", "follow_up", "practice"},
		groupHint:     {"open_question", "too_soft", "vague_accepted", "no_verification", "no_introduction", "threat_as_consequence", "violation"},
		groupItemKind: {"task", "step", "required"},
	}
	for group, codes := range want {
		for _, code := range codes {
			_, ok := names[group][code]
			assert.True(t, ok, "%s %s has a label", group, code)
		}
	}
	for group, m := range names {
		for code, l := range m {
			assert.NotEmpty(t, l.ZH, "%s %q", group, code)
			assert.NotEmpty(t, l.EN, "%s %q", group, code)
			assert.Equal(t, strings.Count(l.ZH, "%d"), strings.Count(l.EN, "%d"), "%s %q", group, code)
		}
	}

	tests := []struct {
		group, code string
		want        Label
	}{
		{groupCategory, "insult", Label{ZH: "辱骂", EN: "insult"}},
		{groupCategory, "threat", Label{ZH: "威胁", EN: "threat"}},
		{groupCategory, "false_legal_claim", Label{ZH: "虚假法律陈述", EN: "false legal claim"}},
		{groupCategory, "third_party_disclosure", Label{ZH: "向第三方透露债务", EN: "third-party disclosure"}},
		{groupItem, "demand_payment", Label{ZH: "要求今天还款", EN: "demand payment today"}},
		{groupItem, "ask_reason", Label{ZH: "了解逾期原因", EN: "ask the reason"}},
		{groupItem, "explain_consequences", Label{ZH: "陈述利弊得失", EN: "explain the consequences"}},
		{groupItem, "get_commitment", Label{ZH: "得到还款承诺", EN: "get a commitment"}},
		{groupItem, "self_introduce", Label{ZH: "表明自己身份", EN: "introduce yourself"}},
		{groupItem, "verify_identity", Label{ZH: "确认对方身份", EN: "verify identity"}},
		{groupRole, "agent", Label{ZH: "坐席", EN: "agent"}},
		{groupRole, "customer", Label{ZH: "客户", EN: "customer"}},
		{groupRole, "third_party", Label{ZH: "第三方", EN: "third party"}},
		{groupHint, "missing_ask_reason", Label{ZH: "缺少", EN: "missing"}},
		{groupHint, "something_new", Label{ZH: "辅导", EN: "coaching"}},
		{groupItem, "team_rule", Label{ZH: "team_rule"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, label(tt.group, tt.code), "%s %s", tt.group, tt.code)
	}
	assert.Equal(t, template.HTML(`<span class="zh">辱骂</span> <small class="en" lang="en">insult</small>`), bilingual(label(groupCategory, "insult")))
	assert.Equal(t, template.HTML(`<span class="zh">a&lt;b</span>`), bilingual(Label{ZH: "a<b"}), "escaped, and no English when there is none")
	assert.Equal(t, Label{ZH: "第 3 轮", EN: "turn 3"}, format(label(groupUI, "turn"), 3))
}

// TestCompliance checks that compliance with the red lines is shown apart
// from the task score: a third-party call's score does not apply and is
// left out of the average, a practice call carries its own pass mark, and
// a call can be compliant and fail, or score well and violate.
func TestCompliance(t *testing.T) {
	calls := []*score.CallScore{
		{CallID: "P01", Party: "debtor", Kind: "practice", Score: 50, Max: 100, PassMark: 75, ScoreApplicable: true, Compliant: true,
			FailReasons: []string{"score 50 is below the pass mark 75"}},
		{CallID: "T01", Party: "third_party", Score: 0, Max: 100, Pass: true, Compliant: true},
		{CallID: "V01", Party: "debtor", Score: 100, Max: 100, ScoreApplicable: true,
			FailReasons: []string{"insult (t3)"}, Violations: []result.Finding{{Turn: 3, Category: "insult", Rule: "insult.slur", Match: "老赖"}}},
	}
	out := render(t, calls, Options{Generated: generated})
	for kpi, want := range map[string]string{"calls": "3", "compliant": "2", "compliance-rate": "66.7%", "passed": "1", "failed": "2", "violations": "1"} {
		assert.Contains(t, out, `data-kpi="`+kpi+`">`+want+`<`, kpi)
	}
	assert.Contains(t, out, `data-kpi="average-score">75.0<small> / 100</small>`, "(50+100)/2: the third-party call is not counted")
	assert.Contains(t, out, `data-kpi="not-applicable"><span class="zh">1 通第三方通话不计</span> <small class="en" lang="en">1 third-party calls not counted</small>`)

	d, _ := dataOf(t, out)
	p := callByID(t, d, "P01")
	assert.Equal(t, []any{true, true, false, 75, "practice"}, []any{p.Compliant, p.Applicable, p.Pass, p.PassMark, p.Kind})
	tp := callByID(t, d, "T01")
	assert.Equal(t, []any{true, false, true, "third_party"}, []any{tp.Compliant, tp.Applicable, tp.Pass, tp.Party})
	v := callByID(t, d, "V01")
	assert.Equal(t, []any{false, true, false, 100, 1}, []any{v.Compliant, v.Applicable, v.Pass, v.Score, v.Violations})

	// The words the page's script shows for them.
	for code, want := range map[string]Label{
		"compliant": {ZH: "合规", EN: "compliant"}, "nonCompliant": {ZH: "违规", EN: "violation"}, "notApplicable": {ZH: "不适用", EN: "N/A"},
		"passMark": {ZH: "及格线", EN: "pass mark"}, "practicePassMark": {ZH: "练习及格线", EN: "practice pass mark"},
	} {
		assert.Equal(t, want, d.Labels[groupUI][code], code)
	}
	for _, code := range []string{"compliant", "nonCompliant", "notApplicable", "practicePassMark", "passMark"} {
		assert.Contains(t, pageJS, `"`+code+`"`, "the script shows %s", code)
	}
}

// TestContentSecurityPolicy checks the report's Content-Security-Policy
// meta tag: it comes first in <head>, before anything it governs, nothing
// is fetched, and the hash it lists is that of the one script the page
// runs, as rendered, so that script runs and no other.
func TestContentSecurityPolicy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		calls []*score.CallScore
	}{
		{"sample", sampleCalls()},
		{"empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, tc.calls, Options{Generated: generated})
			m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatchIndex(out)
			require.NotNil(t, m, "a CSP meta tag")
			policy := html.UnescapeString(out[m[2]:m[3]])
			assert.Less(t, m[0], strings.Index(out, "<title>"), "the meta tag precedes the rest of <head>")

			directives := map[string]string{}
			for _, d := range strings.Split(policy, ";") {
				name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
				directives[name] = value
			}
			assert.Equal(t, "'none'", directives["default-src"], policy)
			assert.Equal(t, "'unsafe-inline'", directives["style-src"], policy)
			assert.Equal(t, "'none'", directives["base-uri"], policy)
			assert.NotContains(t, policy, "unsafe-eval")

			scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(out, -1)
			require.Len(t, scripts, 1, "one script runs (the data is a JSON block)")
			sum := sha256.Sum256([]byte(scripts[0][1]))
			assert.Equal(t, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", directives["script-src"], "the hash of the script as rendered")
			assert.False(t, regexp.MustCompile(`<[^>]*\son[a-z]+=`).MatchString(out), "no inline event handler attribute")
		})
	}
}
