package analyzer_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

var (
	builtinOnce sync.Once
	builtin     *analyzer.Analyzer
	builtinErr  error
)

// newBuiltin loads the segmenter and the built-in packs once for all tests.
func newBuiltin(t testing.TB) *analyzer.Analyzer {
	t.Helper()
	builtinOnce.Do(func() {
		set, err := lexicon.LoadSet(nil)
		if err != nil {
			builtinErr = err
			return
		}
		builtin, builtinErr = analyzer.New(set, analyzer.Options{Explain: true})
	})
	require.NoError(t, builtinErr)
	return builtin
}

func analyze(t *testing.T, transcript string) *analyzer.Result {
	t.Helper()
	return analyzeWith(t, newBuiltin(t), transcript)
}

// analyzeWith reads a transcript snippet and analyzes it with a.
func analyzeWith(t *testing.T, a *analyzer.Analyzer, transcript string) *analyzer.Result {
	t.Helper()
	call, err := corpus.ReadText("test", transcript)
	require.NoError(t, err)
	return a.Analyze(call)
}

// found lists "category@turn" for every finding.
func found(r *analyzer.Result) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, f.Category+"@"+itoa(f.Turn))
	}
	return out
}

func itoa(n int) string {
	return string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

// TestBuiltinRuleExamples runs every example of every built-in rule: the
// `match` ones must fire, the `no_match` ones must not.
func TestBuiltinRuleExamples(t *testing.T) {
	a := newBuiltin(t)
	for _, r := range a.Set().Rules {
		t.Run(r.ID, func(t *testing.T) {
			for _, f := range a.CheckExamples([]*lexicon.Rule{r}) {
				t.Error(f.Error())
			}
		})
	}
}

func TestFindings(t *testing.T) {
	tests := []struct {
		name       string
		transcript string
		want       []string
	}{
		{"insult_agent", "坐席: 你就是个老赖", []string{"insult@01"}},
		{"insult_traditional", "坐席: 你就是個騙子", []string{"insult@01"}},
		{"insult_fullwidth_and_spaces", "坐席： 你 就是 个 垃圾", []string{"insult@01"}},
		{"customer_abuse_not_violation", "客户: 你们这帮骗子，滚", []string{"customer_abuse@01"}},
		{"mother_is_no_oath", "坐席: 请问您是张伟的什么人？\n客户: 我他妈，有事跟我说\n坐席: 阿姨您好", []string{}},
		{"oath_after_wo", "客户: 我他妈受够了", []string{"customer_abuse@01"}},
		{"scammer_aimed_at_person", "坐席: 你这个骗子，钱什么时候还", []string{"insult@01"}},
		{"scammer_warning", "坐席: 最近电信骗子很多，您小心骗子电话", []string{}},
		{"word_boundary_gundong", "坐席: 您可以申请滚动还款", []string{}},
		{"word_boundary_siji", "坐席: 手机死机了也可以用电脑还", []string{}},
		{"word_boundary_shagua", "坐席: 傻瓜相机也能拍", []string{}},
		{"word_boundary_gun", "坐席: 你给我滚", []string{"insult@01"}},
		{"negated_threat", "坐席: 我们不会去您单位闹的", []string{}},
		{"negation_in_other_clause", "坐席: 我不是吓唬你，不还就发到你朋友圈", []string{"threat@01"}},
		{"quoted_insult", "坐席: 您刚才说我们是骗子，我理解您有情绪", []string{}},
		{"denied_insult", "坐席: 我没有说您是老赖", []string{}},
		{"lawful_consequence", "坐席: 逾期会产生罚息，也会影响您的征信记录", []string{}},
		{"lawful_chain", "坐席: 法院判决后仍不履行的，可能被列为失信被执行人", []string{}},
		{"false_legal", "坐席: 不还钱就是诈骗，要坐牢的", []string{"false_legal_claim@01"}},
		{"impersonation", "坐席: 我是市公安局经侦大队的", []string{"false_legal_claim@01"}},
		{"threat_asr_no_punctuation", "坐席: 你不还钱小心点我知道你家住哪", []string{"threat@01"}},
		{"two_categories_one_turn", "坐席: 你这个老赖，再不还警察明天就上门抓你", []string{"insult@01", "false_legal_claim@01"}},
		{"disclosure_to_third_party", "坐席: 请问是张伟吗？\n客户: 我是他老婆，他不在\n坐席: 他在我们这借了五万块钱，已经逾期三个月了", []string{"third_party_disclosure@03"}},
		{"same_words_to_debtor", "坐席: 请问是张伟吗？\n客户: 对，是我\n坐席: 您在我们这借了五万块钱，已经逾期三个月了", []string{}},
		{"third_party_role_label", "坐席: 请问是张伟吗？\n家属: 他出去了\n坐席: 让他赶紧还钱", []string{"third_party_disclosure@03"}},
		{"header_party", "# party: third_party\n坐席: 他的信用卡欠了两万", []string{"third_party_disclosure@01"}},
		{"disclosure_before_knowing", "坐席: 您好，您有一笔贷款即将到期\n客户: 你打错了", []string{"third_party_disclosure@01"}},
		{"neutral_callback", "坐席: 请问是张伟吗？\n客户: 他不在\n坐席: 我是某某公司的小王，麻烦您转告他给我回个电话", []string{}},
		{"guarantor_may_be_asked", "坐席: 您是这笔贷款的担保人\n客户: 我是他哥\n坐席: 您作为担保人，他逾期了需要您还款", []string{}},
		{"family_liability_false", "坐席: 你家人必须替你还", []string{"false_legal_claim@01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, found(analyze(t, tt.transcript)))
		})
	}
}

func TestHandover(t *testing.T) {
	r := analyze(t, `坐席: 喂，请问是刘志强吗？
客户: 俺是他娘，他在院里干活
坐席: 大娘您好，麻烦您叫他接一下电话
客户: 中，你等着。志强！电话！
客户: 喂，我是刘志强
坐席: 刘先生您好，您那笔一万块的借款逾期十天了，今天能先还一千八吗？
客户: 明天上午十点前转过去`)
	assert.Equal(t, "debtor", r.Party)
	assert.Empty(t, r.Violations())
	assert.Equal(t, []int{6}, r.Tasks["demand_payment"].Turns)
	assert.Equal(t, []int{7}, r.Tasks["get_commitment"].Turns)
}

func TestTasksAndScore(t *testing.T) {
	r := analyze(t, `坐席: 您好，请问是张伟先生吗？
客户: 对，我是
坐席: 我是金桥银行信用卡中心的李娜，您的账单还没有还款记录
坐席: 是什么原因没有按时还呢？
客户: 出差忘了
坐席: 逾期会按日产生罚息，还会影响征信
坐席: 麻烦您今天下午五点之前还上
客户: 下午两点之前肯定还上`)
	for _, code := range analyzer.TaskCodes {
		assert.True(t, r.Tasks[code].Covered, code)
	}
	for _, code := range analyzer.StepCodes {
		assert.True(t, r.Steps[code].Covered, code)
	}
	assert.Equal(t, 100, r.Score)
	assert.True(t, r.Pass)
	assert.Equal(t, []int{7}, r.Tasks["demand_payment"].Turns)
}

func TestTaskNegatives(t *testing.T) {
	tests := []struct {
		name, transcript, task string
	}{
		{"open_question", "坐席: 您什么时候能还？", "demand_payment"},
		{"asap", "坐席: 请尽快还款", "demand_payment"},
		{"today_other_sense", "坐席: 我今天下午再打给您", "demand_payment"},
		{"hedged_promise", "坐席: 今天能还吗\n客户: 我争取周五吧", "get_commitment"},
		{"vague_promise", "坐席: 今天能还吗\n客户: 有钱就还", "get_commitment"},
		{"threat_is_not_consequence", "坐席: 再不还把你列入征信黑名单", "explain_consequences"},
		{"third_party_call_no_tasks", "# party: third_party\n坐席: 让他今天马上把钱还了", "demand_payment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.False(t, analyze(t, tt.transcript).Tasks[tt.task].Covered)
		})
	}
}

func TestExplainListsSuppressed(t *testing.T) {
	r := analyze(t, "坐席: 我们不会去您单位闹的")
	require.NotEmpty(t, r.Suppressed)
	assert.Equal(t, "negated", r.Suppressed[0].Reason)
	assert.Equal(t, "不会", r.Suppressed[0].Cue)
}

func TestEvidenceQuotesOriginalText(t *testing.T) {
	r := analyze(t, "坐席：你就是個廢物！")
	require.Len(t, r.Findings, 1)
	f := r.Findings[0]
	assert.Equal(t, "廢物", f.Match)
	assert.Equal(t, "你就是個廢物！", f.Text)
	assert.Equal(t, f.Match, f.Text[f.Start:f.End])
	assert.Equal(t, "insult@1", f.PackVersion)
	assert.NotEmpty(t, f.Refs)
}

// TestEvidenceLeavesOutFillers: a quote ends at the last word it
// matched, not in the fillers or spaces Normalize removed after it
// (「老赖嗯嗯」 was quoted).
func TestEvidenceLeavesOutFillers(t *testing.T) {
	for _, text := range []string{"你就是个老赖嗯嗯", "你就是个老赖嗯嗯，", "你 就是 个 老赖 嗯 "} {
		t.Run(text, func(t *testing.T) {
			r := analyze(t, "坐席："+text)
			require.NotEmpty(t, r.Findings)
			f := r.Findings[0]
			assert.Equal(t, "老赖", f.Match)
			assert.Equal(t, f.Match, f.Text[f.Start:f.End])
		})
	}
}

// TestInvisiblesDoNotEvade: an invisible character inside a word (a
// zero-width space, a soft hyphen, a direction override) does not hide it
// from the rules, and the evidence quotes the original bytes, invisibles
// included.
func TestInvisiblesDoNotEvade(t *testing.T) {
	tests := []struct {
		name, text, category, match string
	}{
		{"zero_width_space", "你就是个老\u200b赖", "insult", "老\u200b赖"},
		{"soft_hyphen", "不还钱就要坐\u00ad牢的", "false_legal_claim", "坐\u00ad牢"},
		{"word_joiner_and_bom", "你这个骗\u2060\ufeff子", "insult", "骗\u2060\ufeff子"},
		{"direction_override", "你就是个老\u202e赖\u202c", "insult", "老\u202e赖"},
		{"variation_selector", "你就是个垃\ufe0f圾", "insult", "垃\ufe0f圾"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(t, "坐席："+tt.text)
			require.Len(t, r.Findings, 1)
			f := r.Findings[0]
			assert.Equal(t, tt.category, f.Category)
			assert.Contains(t, f.Match, tt.match)
			assert.Equal(t, tt.text, f.Text)
			assert.Equal(t, f.Match, f.Text[f.Start:f.End])
		})
	}
}

func TestUserPackOverridesAndDisables(t *testing.T) {
	builtinPacks, err := lexicon.LoadFS(lexicon.Builtin, "lexicon/packs")
	require.NoError(t, err)
	user, err := lexicon.Parse("team.yaml", []byte(`pack: team
version: "2"
category: insult
disable: [insult.curse]
rules:
  - id: insult.slur
    terms: [老油条]
    examples:
      match: ["坐席: 你这个老油条"]
`))
	require.NoError(t, err)
	set, err := lexicon.NewSet(append(builtinPacks, user))
	require.NoError(t, err)
	a, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	call := func(s string) *corpus.Call {
		c, err := corpus.ReadText("t", s)
		require.NoError(t, err)
		return c
	}
	r := a.Analyze(call("坐席: 你这个老油条"))
	require.Len(t, r.Findings, 1)
	assert.Equal(t, "insult.slur", r.Findings[0].Rule)
	assert.Equal(t, "team@2", r.Findings[0].PackVersion)
	assert.Empty(t, a.Analyze(call("坐席: 你滚吧")).Findings, "insult.curse is disabled")
	assert.Empty(t, a.Analyze(call("坐席: 你就是个老赖")).Findings, "the user rule replaced the built-in slur list")
	assert.Empty(t, a.CheckExamples([]*lexicon.Rule{set.Rule("insult.slur")}))
}

func TestCustomWeights(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	a, err := analyzer.New(set, analyzer.Options{Weights: map[string]int{"demand_payment": 40}})
	require.NoError(t, err)
	c, err := corpus.ReadText("t", "坐席: 请问是张伟吗？\n客户: 是我\n坐席: 麻烦您今天下午五点之前还上")
	require.NoError(t, err)
	assert.Equal(t, 40, a.Analyze(c).Score)
}
