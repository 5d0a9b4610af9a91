package web

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/score"
)

func TestLabel(t *testing.T) {
	sc := score.Default()
	for _, tt := range []struct {
		got  label
		want string
	}{
		{categoryLabel("third_party_disclosure"), "向第三方透露债务 third_party_disclosure"},
		{categoryLabel("customer_abuse"), "客户辱骂 customer_abuse"},
		{partyLabel("debtor"), "债务人 debtor"},
		{partyLabel("third_party"), "第三方 third_party"},
		{kindLabel("first_call"), "首次催收 first_call"},
		{kindLabel("follow_up"), "跟进催收 follow_up"},
		{kindLabel("practice"), "练习 practice"},
		{roleLabel("agent"), "坐席 agent"},
		{roleLabel(""), "未知 unknown"},
		{severityLabel("critical"), "严重 critical"},
		{hintLabel(sc, "open_question"), "开放式提问 open_question"},
		{hintLabel(sc, "missing_ask_reason"), "缺少：了解逾期原因 missing_ask_reason"},
		{hintLabel(nil, "missing_demand_payment"), "缺少：要求今天还款 missing_demand_payment"},
		{hintLabel(sc, "missing_greet_politely"), "缺少：greet_politely missing_greet_politely"},
		{kindLabel("survey"), "survey"}, // a code without a name, once
	} {
		assert.Equal(t, tt.want, tt.got.String())
	}
}

// hitCard is the search result card of call id in a search page.
func hitCard(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<li class="hit [^"]*">\s*<div class="hit-head">\s*<a class="call-link" href="[^"]*">` + regexp.QuoteMeta(id) + `</a>.*?</li>`).FindString(body)
	require.NotEmpty(t, m, "no card of %s", id)
	return m
}

// TestComplianceApartFromScore checks that the console shows compliance
// with the red lines (合规/违规) and the task score as two facts, the score
// as not applicable (不适用) on a call with a third party, and a practice
// call against the practice pass mark (issue 15, item 3), with Chinese
// labels for the codes (item 8).
func TestComplianceApartFromScore(t *testing.T) {
	base := start(t, Config{MaxBody: 64 << 10})

	body := page(t, base+"/?"+search("sort", "date"))
	assert.NotContains(t, body, "不合格", "no card reads as a verdict beside a score")
	s02 := hitCard(t, body, "S02")
	assert.Contains(t, s02, `<span class="badge badge-fail compliance" data-compliant="false">违规 <small class="code" lang="en">violation</small></span>`)
	assert.Contains(t, s02, `任务得分 <strong>25</strong> 分`)
	assert.Contains(t, s02, `<span class="party">债务人 <small class="code" lang="en">debtor</small></span>`)
	assert.Contains(t, s02, `<span class="cat" data-category="insult">辱骂 <small class="code" lang="en">insult</small></span>`)
	s01 := hitCard(t, body, "S01")
	assert.Contains(t, s01, `data-compliant="true">合规 <small class="code" lang="en">compliant</small>`)
	assert.Contains(t, s01, `任务得分 <strong>100</strong> 分`)

	body = page(t, base+"/?"+search("party", "third_party"))
	for _, id := range []string{"S04", "T01"} {
		card := hitCard(t, body, id)
		assert.Contains(t, card, `任务得分 <strong>不适用</strong> <small class="code" lang="en">N/A</small>`, id)
		assert.NotContains(t, card, "0</strong> 分", id)
		assert.Contains(t, card, `<span class="party">第三方 <small class="code" lang="en">third_party</small></span>`, id)
	}
	assert.Contains(t, hitCard(t, body, "S04"), `data-compliant="false">违规`, "S04 tells the debt to a third party")
	assert.Contains(t, hitCard(t, body, "T01"), `data-compliant="true">合规`)
	assert.Contains(t, body, `<option value="pass">合规 compliant</option>`)
	assert.Contains(t, body, `<option value="third_party" selected>第三方 third_party</option>`)

	// The call page of a third-party call: compliant, score not applicable.
	body = page(t, base+"/calls/T01")
	assert.Contains(t, body, `<section id="compliance" class="panel compliance-box is-pass">`)
	assert.Contains(t, body, `<p class="score-num score-na"><strong>不适用</strong> <small class="code" lang="en">N/A</small></p>`)
	assert.NotContains(t, body, `<span class="of"> / 100</span>`)
	assert.Contains(t, body, `<tr class="item na" data-code="demand_payment">`)
	assert.Contains(t, body, `<dd class="party">第三方 <small class="code" lang="en">third_party</small></dd>`)

	// Labels of the call page of S02.
	body = page(t, base+"/calls/S02")
	for _, want := range []string{
		`<dd class="kind-of-call">首次催收 <small class="code" lang="en">first_call</small></dd>`,
		`<span class="severity">严重 <small class="code" lang="en">critical</small></span>`,
		`<span class="category">客户辱骂 <small class="code" lang="en">customer_abuse</small></span>`,
		`<span class="hint-label">缺少：了解逾期原因 <small class="code" lang="en">missing_ask_reason</small></span>`,
		`<span class="hint-label">以威胁代替后果 <small class="code" lang="en">threat_as_consequence</small></span>`,
		`<span class="item-name" title="ask_reason">了解逾期原因</span> <span class="kind" title="task">任务</span>`,
		`<span class="item-name" title="verify_identity">确认对方身份</span> <span class="kind" title="step">步骤</span>`,
	} {
		assert.Contains(t, body, want)
	}

	analyze := func(text string) string {
		t.Helper()
		ct, form := multipartForm(t, map[string]string{"transcript": text}, "", "")
		r := post(t, base+"/analyze", ct, form)
		require.Equal(t, http.StatusOK, r.status, r.body)
		return r.body[strings.Index(r.body, `<section id="result"`):]
	}
	s01text, err := os.ReadFile(filepath.Join("..", "testdata", "calls", "S01_compliant.txt"))
	require.NoError(t, err)

	// Every task done, and an insult: 违规 and 100/100, two facts, and
	// the verdict says why.
	result := analyze(strings.Replace(string(s01text), "好的，感谢您的配合，再见。", "好的，你这个老赖，下次别再拖了。", 1))
	assert.Contains(t, result, `<span class="badge badge-fail compliance" data-compliant="false">违规`)
	assert.Contains(t, result, `<p class="score-num"><strong>100</strong><span class="of"> / 100</span></p>`)
	assert.Contains(t, result, `<span class="badge badge-fail">不通过 <small class="code" lang="en">fail</small></span>`)
	assert.Contains(t, result, `<li>违规：辱骂（t10） <small class="code" lang="en">insult (t10)</small></li>`)
	assert.NotContains(t, result, "不合格")

	// A practice call, compliant, held to the practice pass mark.
	result = analyze("# call_id: P01\n# kind: practice\n坐席：您好，请问是张伟先生吗？\n客户：是我。\n坐席：我是金桥银行信用卡中心的李娜，您的账单今天需要还款。\n客户：好的。\n")
	assert.Contains(t, result, `data-compliant="true">合规`)
	assert.Contains(t, result, `<p class="score-num"><strong>25</strong><span class="of"> / 100</span></p>`)
	assert.Contains(t, result, `<p class="pass-mark">练习及格线 75 <small class="code" lang="en">practice pass mark</small></p>`)
	assert.Contains(t, result, `<li>任务得分 25 低于练习及格线 75 <small class="code" lang="en">score 25 is below the pass mark 75</small></li>`)
	assert.Contains(t, result, `<dd class="kind-of-call">练习 <small class="code" lang="en">practice</small></dd>`)

	// The dashboard counts compliance, and says so.
	body = page(t, base+"/dashboard")
	assert.Contains(t, body, `Compliance rate 合规率`)
	assert.Contains(t, body, `Compliance rate by team 各团队合规率`)
	assert.NotContains(t, body, "合格率")
}
