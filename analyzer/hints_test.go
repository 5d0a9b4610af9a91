package analyzer_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hintsOf lists a result's hints as "kind@turn".
func hintsOf(t *testing.T, transcript string) []string {
	t.Helper()
	var out []string
	for _, h := range analyze(t, transcript).Hints {
		out = append(out, fmt.Sprintf("%s@%d", h.Kind, h.Turn))
	}
	return out
}

// TestHintAnchors checks where each kind of hint lands, and where it
// must not (policy.md, "Coaching hints for trainers").
func TestHintAnchors(t *testing.T) {
	tests := []struct {
		name, transcript string
		want             []string
	}{
		{
			"debt first, identity later in the same turn",
			"坐席: 我是金桥银行的李娜，您的账单逾期了，请问是王芳本人吗？\n客户: 是我。",
			[]string{"no_verification@1"},
		},
		{
			"identity earlier in the same turn",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？您的账单逾期了。\n客户: 是我。",
			nil,
		},
		{
			"no introduction at all: the first debt mention",
			"坐席: 请问是王芳女士本人吗？\n客户: 是我。\n坐席: 您的账单逾期五天了。\n客户: 哦。\n坐席: 这笔欠款今天下午五点之前要还上。",
			[]string{"no_introduction@3"},
		},
		{
			"introduction after the debt, in the same turn",
			"坐席: 请问是王芳女士本人吗？\n客户: 是我。\n坐席: 您的账单逾期五天了，我是金桥银行的李娜。",
			[]string{"no_introduction@3"},
		},
		{
			"hedge accepted by the agent's next turn",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，今天下午五点前先还三千可以吗？\n客户: 我尽量吧。\n坐席: 好的，那您先忙。",
			[]string{"vague_accepted@5"},
		},
		{
			"hedge pinned down, then a concrete promise accepted",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，今天下午五点前先还三千可以吗？\n客户: 我尽量吧。\n坐席: 尽量不好登记，您给个具体时间和金额。\n客户: 下午四点前还三千。\n坐席: 好的，下午四点前三千，我登记了。",
			nil,
		},
		{
			"acceptance not right after the hedge",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，今天能还吗？\n客户: 我尽量吧。\n坐席: 是什么原因还不上呢？\n客户: 生意不好。\n坐席: 好的，理解。",
			nil,
		},
		{
			"open question",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，您看哪天能还？",
			[]string{"open_question@3"},
		},
		{
			"too soft, and not when a today deadline is in the turn",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，请您尽快还款。\n客户: 嗯。\n坐席: 请尽快，今天六点前要到账。",
			[]string{"too_soft@3"},
		},
		{
			"threat as the only consequence",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，今天必须还上，不还明天就去你单位找你领导。",
			[]string{"threat_as_consequence@3"},
		},
		{
			"threat beside a lawful consequence",
			"坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，逾期会产生罚息，也会影响征信。\n客户: 我知道。\n坐席: 不还明天就去你单位找你领导。",
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, hintsOf(t, tt.transcript))
		})
	}
}

// TestHintEvidence: vague_accepted quotes the hedge and its turn.
func TestHintEvidence(t *testing.T) {
	res := analyze(t, "坐席: 我是金桥银行的李娜，请问是王芳本人吗？\n客户: 是我。\n坐席: 您的账单逾期了，今天能先还三千吗？\n客户: 有钱就还吧。\n坐席: 行，回头再联系。")
	require.Len(t, res.Hints, 1)
	h := res.Hints[0]
	assert.Equal(t, "vague_accepted", h.Kind)
	assert.Equal(t, 5, h.Turn)
	assert.Equal(t, 4, h.EvidenceTurn)
	assert.Equal(t, "有钱就还", h.Evidence)
	assert.Equal(t, "get_commitment", h.About)
	assert.NotEmpty(t, h.Text)
}

// TestExampleTurnHeader: a `# turn: N` header makes an example fire on
// turn N only.
func TestExampleTurnHeader(t *testing.T) {
	a := newBuiltin(t)
	snippet := "客户: 我尽量吧。\n坐席: 好的，那您先忙。"
	for _, tt := range []struct {
		header string
		want   bool
	}{{"", true}, {"# turn: 2\n", true}, {"# turn: 1\n", false}} {
		ok, err := a.Fires("hint.vague_accepted", tt.header+snippet)
		require.NoError(t, err)
		assert.Equal(t, tt.want, ok, "header %q", tt.header)
	}
	_, err := a.Fires("hint.vague_accepted", "# turn: 9\n"+snippet)
	assert.Error(t, err, "a turn the example does not have")
}
