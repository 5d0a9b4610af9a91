package htmlreport

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/score"
)

var update = flag.Bool("update", false, "rewrite golden files")

// generated is the report time of the golden file.
var generated = time.Date(2026, 3, 9, 18, 30, 0, 0, time.FixedZone("CST", 8*3600))

// finding builds a violation finding on text whose Start and End are the
// byte offsets of the first match, as the analyzer gives them.
func finding(turn int, category, rule, text, match string) analyzer.Finding {
	i := strings.Index(text, match)
	if i < 0 {
		panic("finding: " + match + " not in " + text)
	}
	return analyzer.Finding{Category: category, Turn: turn, Speaker: "agent", Severity: "critical",
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
		Score: 25, Max: 100, Pass: false,
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
		Violations: []analyzer.Finding{
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
		Scorecard: "default@1", Score: 0, Max: 100, Pass: false,
		FailReasons: []string{"一票否决: insult (t2) <b>"},
		Violations: []analyzer.Finding{
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
		Score: 25, Max: 100, Pass: false, FailReasons: []string{"一票否决: insult (t5), false_legal_claim (t5)"},
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
		Violations: []analyzer.Finding{
			finding(5, "insult", "insult.pianzi", s06[4].Text, "騙子"),
			finding(5, "false_legal_claim", "false_legal.police", s06[4].Text, "警察明天就上門抓你"),
		},
		Turns: s06,
	}

	good := &score.CallScore{
		CallID: "S01", Source: "testdata/calls/S01_compliant.txt", Agent: "李娜", Team: "M1-A",
		StartedAt: "2026-03-01T10:02:11+08:00", Party: "debtor", Scorecard: "default@1",
		Score: 100, Max: 100, Pass: true, OrderOK: true,
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

	return []*score.CallScore{d7calls, xssCall, trad, good, &again, {CallID: "催收 001"}}
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

// TestEscaping checks that text from transcripts, call metadata and hints
// never becomes markup.
func TestEscaping(t *testing.T) {
	out := render(t, sampleCalls(), Options{Generated: generated})

	assert.Equal(t, 1, strings.Count(out, "<script"), "the only script element is the report's own")
	assert.NotContains(t, out, "<img")
	assert.NotContains(t, out, "<b>")
	assert.NotContains(t, out, "<i>")
	assert.NotContains(t, out, "</textarea>")
	assert.NotContains(t, out, "</q><script>")

	assert.Contains(t, out, "您好 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 欢迎", "the transcript shows as text")
	assert.Contains(t, out, `&lt;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&gt;你这个&lt;b&gt;<mark class="violation" title="insult.slur">老赖</mark>&lt;/b&gt;`,
		"the highlight is cut from the text, and both sides stay escaped")
	assert.Contains(t, out, `<p>&lt;img src=x onerror=alert(2)&gt;</p>`, "hint text is escaped")
	assert.Contains(t, out, `<td class="clip" title="&lt;i&gt;Eve&lt;/i&gt;">&lt;i&gt;Eve&lt;/i&gt;</td>`, "agent name is escaped")
	assert.Contains(t, out, `<td data-value="X&lt;1&gt;&amp;&#34;2&#34;"><a href="#call-X_3c_1_3e__26__22_2_22_">X&lt;1&gt;&amp;&#34;2&#34;</a></td>`,
		"call id is escaped in text and attribute, and its anchor is made of safe characters")
}

// TestStructure checks the parts the e2e test and readers rely on.
func TestStructure(t *testing.T) {
	out := render(t, sampleCalls(), Options{Title: "Report <1>", Generated: generated, Scorecard: "team@2"})

	assert.True(t, strings.HasPrefix(out, "<!DOCTYPE html>\n"))
	assert.Contains(t, out, `<meta charset="utf-8">`)
	assert.Contains(t, out, "<title>Report &lt;1&gt;</title>")
	assert.Contains(t, out, "2026-03-09 18:30 CST")
	assert.Contains(t, out, `<strong class="scorecard">team@2</strong>`)
	assert.Contains(t, out, `"Noto Sans CJK SC"`)

	for _, id := range []string{"chart-category", "chart-agent", "chart-team", "chart-coverage"} {
		assert.Regexp(t, `<svg class="chart" id="`+id+`" role="img" aria-labelledby="`+id+`-title"[^>]*>\s*<title id="`+id+`-title">`, out)
	}
	// The call table links every row to its section.
	links := regexp.MustCompile(`<td data-value="[^"]*"><a href="#(call-[^"]+)">`).FindAllStringSubmatch(out, -1)
	require.Len(t, links, len(sampleCalls()))
	for _, l := range links {
		assert.Regexp(t, `<article class="call is-(pass|fail)" id="`+regexp.QuoteMeta(l[1])+`"`, out)
	}
	assert.Contains(t, out, `href="#call-S01"`)
	assert.Contains(t, out, `href="#call-S01_n2"`, "a repeated call id gets its own anchor")
	assert.Contains(t, out, `href="#call-_50ac__6536__20_001"`)

	// Overlapping findings: one mark per piece, naming every rule on it.
	assert.Contains(t, out, `不还就把你欠钱的事<mark class="violation" title="threat.expose">发给你</mark><mark class="violation" title="threat.expose, threat.expose_all">通讯录</mark><mark class="violation" title="threat.expose_all">里所有人</mark>`)
	assert.Contains(t, out, `<mark class="signal" title="insult.slur">吸血鬼</mark>`, "customer_abuse is marked, not as a violation")
	assert.Contains(t, out, `<mark class="violation" title="insult.pianzi">騙子</mark>`)

	// Evidence, hints and departures.
	assert.Contains(t, out, `class="turn role-agent evidence" data-turn="1" data-tasks="verify_identity recording_notice"`)
	assert.Contains(t, out, `<span class="evidence-tag">✓ 要求客户今天还款</span>`)
	assert.Regexp(t, `(?s)data-turn="7">.*?<aside class="hints">\s*<div class="hint" data-code="open_question" data-kind="open_question" data-turn="7"><span class="hint-label">Open question · 开放式提问</span>`, out)
	assert.Contains(t, out, `<p class="hint-evidence">after turn 5: 「我尽量」</p>`, "vague_accepted shows the hedge it reacts to")
	assert.Contains(t, out, `<li class="departure">要求客户今天还款 at turn 3, but 了解逾期原因, which comes first, never came</li>`)
	assert.Contains(t, out, `<li class="departure">在表明身份的同一句里就要求还款</li>`)
	assert.Contains(t, out, "Follows the order the guides teach.")

	// Totals: 6 calls, 2 passed; violations count once per category per
	// turn (D0007 t5 insult+threat, X t1 threat + t2 insult, S06 t5 insult+false_legal).
	for kpi, want := range map[string]string{"calls": "6", "passed": "2", "failed": "4", "pass-rate": "33.3%", "violations": "6"} {
		assert.Contains(t, out, `data-kpi="`+kpi+`">`+want+`<`, kpi)
	}
	assert.Contains(t, out, `data-kpi="average-score">41.7</span>`, "(25+0+25+100+100+0)/6, without a maximum: the empty call has none")
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

func TestSegments(t *testing.T) {
	const text = "你就是个老赖，出门小心点"
	f := func(rule, category, match string, start, end int) analyzer.Finding {
		return analyzer.Finding{Rule: rule, Category: category, Match: match, Start: start, End: end}
	}
	tests := []struct {
		name     string
		text     string
		findings []analyzer.Finding
		want     []segment
	}{
		{name: "none", text: text, want: []segment{{Text: text}}},
		{name: "empty_text", text: "", findings: []analyzer.Finding{f("r", "insult", "老赖", 0, 6)}},
		{name: "offsets", text: text, findings: []analyzer.Finding{f("insult.slur", "insult", "老赖", 12, 18)},
			want: []segment{{Text: "你就是个"}, {Text: "老赖", Class: "violation", Title: "insult.slur"}, {Text: "，出门小心点"}}},
		{name: "whole_text", text: "老赖", findings: []analyzer.Finding{f("insult.slur", "insult", "老赖", 0, 6)},
			want: []segment{{Text: "老赖", Class: "violation", Title: "insult.slur"}}},
		{name: "bad_offsets_fall_back_to_match", text: text, findings: []analyzer.Finding{f("insult.slur", "insult", "老赖", 13, 19)},
			want: []segment{{Text: "你就是个"}, {Text: "老赖", Class: "violation", Title: "insult.slur"}, {Text: "，出门小心点"}}},
		{name: "out_of_bounds_and_not_found", text: text, findings: []analyzer.Finding{f("x.y", "threat", "滚", 30, 40)},
			want: []segment{{Text: text}}},
		{name: "offsets_without_match", text: text, findings: []analyzer.Finding{f("x.y", "threat", "", 21, 36)},
			want: []segment{{Text: "你就是个老赖，"}, {Text: "出门小心点", Class: "violation", Title: "x.y"}}},
		{name: "mid_character_offsets_without_match", text: text, findings: []analyzer.Finding{f("x.y", "threat", "", 1, 4)},
			want: []segment{{Text: text}}},
		{name: "adjacent_rules_stay_apart", text: text, findings: []analyzer.Finding{
			f("a.one", "insult", "老赖", 12, 18), f("b.two", "threat", "，出门", 18, 27)},
			want: []segment{{Text: "你就是个"}, {Text: "老赖", Class: "violation", Title: "a.one"}, {Text: "，出门", Class: "violation", Title: "b.two"}, {Text: "小心点"}}},
		{name: "same_rule_twice_merges", text: "滚滚", findings: []analyzer.Finding{
			f("insult.gun", "insult", "滚", 0, 3), f("insult.gun", "insult", "滚", 3, 6)},
			want: []segment{{Text: "滚滚", Class: "violation", Title: "insult.gun"}}},
		{name: "nested_violation_wins_over_signal", text: text, findings: []analyzer.Finding{
			f("abuse.x", "customer_abuse", "就是个老赖", 3, 18), f("insult.slur", "insult", "老赖", 12, 18)},
			want: []segment{{Text: "你"}, {Text: "就是个", Class: "signal", Title: "abuse.x"}, {Text: "老赖", Class: "violation", Title: "abuse.x, insult.slur"}, {Text: "，出门小心点"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := segments(tt.text, tt.findings)
			assert.Equal(t, tt.want, got)
			var joined strings.Builder
			for _, s := range got {
				joined.WriteString(s.Text)
			}
			assert.Equal(t, tt.text, joined.String(), "segments cover the text exactly")
		})
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

func TestShorten(t *testing.T) {
	tests := []struct{ in, want string }{
		{"M2-B", "M2-B"},
		{"Third-party disclosure", "Third-party disclosure"},
		{"要求客户今天还款", "要求客户今天还款"},
		{"一二三四五六七八九十十一十二", "一二三四五六七八九十十…"},
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvw…"},
		{"", ""},
	}
	for _, tt := range tests {
		got := shorten(tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.LessOrEqual(t, displayWidth(got), maxLabel, tt.in)
	}
}

// FuzzSegments cuts a text at two fuzzed findings (one a violation, one
// customer abuse). Invariants: the pieces are non-empty and join to the
// text; every cut falls on a UTF-8 character boundary of the text; the
// pieces a finding covers are contiguous and quote what locate found for
// it (its offsets when they quote Match, else the first occurrence of
// Match); neighbouring pieces differ in what covers them; and the report's
// segments join to the text with a class and title for covered pieces.
func FuzzSegments(f *testing.F) {
	f.Add("你就是个老赖，出门小心点", "老赖", 12, 18, "就是个老赖", 3, 18)
	f.Add("abc", "", -1, 99, "c", 0, 0)
	f.Add("\xff\xfe老赖", "老赖", 0, 8, "\xfe", 1, 2)
	f.Add("老赖老赖", "老赖", 6, 12, "赖老", 99, 100)
	f.Add("老", "\x80", 0, 0, "", 0, 3)
	f.Fuzz(func(t *testing.T, text, match string, start, end int, match2 string, start2, end2 int) {
		fs := []analyzer.Finding{
			{Rule: "insult.r", Category: "insult", Match: match, Start: start, End: end},
			{Rule: "abuse.r", Category: analyzer.CategoryCustomerAbuse, Match: match2, Start: start2, End: end2},
		}
		got := Segments(text, fs)
		var joined strings.Builder
		covered := map[string][][2]int{}
		for i, s := range got {
			require.NotEmpty(t, s.Text)
			at := joined.Len()
			if at > 0 && at < len(text) && utf8.ValidString(text) {
				require.True(t, utf8.RuneStart(text[at]), "cut at %d inside a character of %q", at, text)
			}
			if i > 0 {
				require.NotEqual(t, got[i-1].Findings, s.Findings, "neighbouring pieces covered alike")
			}
			for _, f := range s.Findings {
				covered[f.Rule] = append(covered[f.Rule], [2]int{at, at + len(s.Text)})
			}
			joined.WriteString(s.Text)
		}
		require.Equal(t, text, joined.String())
		for _, f := range fs {
			s, e, ok := locate(text, f)
			pieces := covered[f.Rule]
			if !ok {
				require.Empty(t, pieces, "finding %s covers text though it was not found", f.Rule)
				continue
			}
			require.NotEmpty(t, pieces, "finding %s at [%d, %d) covers nothing", f.Rule, s, e)
			for i := 1; i < len(pieces); i++ {
				require.Equal(t, pieces[i-1][1], pieces[i][0], "finding %s covers pieces apart", f.Rule)
			}
			require.Equal(t, [2]int{s, e}, [2]int{pieces[0][0], pieces[len(pieces)-1][1]}, "finding %s", f.Rule)
			if f.Match != "" {
				require.Equal(t, f.Match, text[s:e])
			}
		}

		joined.Reset()
		for _, s := range segments(text, fs) {
			require.NotEmpty(t, s.Text)
			require.Equal(t, s.Class == "", s.Title == "")
			joined.WriteString(s.Text)
		}
		require.Equal(t, text, joined.String())
	})
}

// TestSegmentsMatchInsideCharacter: a finding whose offsets do not quote
// it and whose Match is a piece of a character is not located there, so no
// cut falls inside the character (found by FuzzSegments).
func TestSegmentsMatchInsideCharacter(t *testing.T) {
	got := Segments("老赖", []analyzer.Finding{{Rule: "r", Category: "insult", Match: "\x80", Start: 0, End: 0}})
	assert.Equal(t, []Segment{{Text: "老赖"}}, got)
}

func TestSegmentsFindings(t *testing.T) {
	text := "你就是个老赖，出门小心点"
	abuse := analyzer.Finding{Rule: "abuse.x", Category: "customer_abuse", Match: "就是个老赖", Start: 3, End: 18}
	slur := analyzer.Finding{Rule: "insult.slur", Category: "insult", Match: "老赖", Start: 12, End: 18}
	stale := analyzer.Finding{Rule: "threat.safety", Category: "threat", Match: "小心点", Start: 99, End: 100}
	got := Segments(text, []analyzer.Finding{abuse, slur, stale})
	assert.Equal(t, []Segment{
		{Text: "你"},
		{Text: "就是个", Findings: []analyzer.Finding{abuse}},
		{Text: "老赖", Findings: []analyzer.Finding{abuse, slur}},
		{Text: "，出门"},
		{Text: "小心点", Findings: []analyzer.Finding{stale}},
	}, got, "offsets out of range fall back to the first occurrence of Match")
	assert.Equal(t, []Segment{{Text: text}}, Segments(text, nil))
	assert.Nil(t, Segments("", nil))
}
