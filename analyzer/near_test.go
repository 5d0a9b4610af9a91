package analyzer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/lexicon"
)

const nearPack = `pack: near_test
version: "1"
category: threat
classes:
  watch:
    members: [盯着, 看着, 知道]
    examples: {match: [我们盯着你], no_match: [我们看看]}
  detail:
    members: [住哪, 学校, 几点下班]
    examples: {match: [你孩子的学校], no_match: [你的账单]}
rules:
  - id: threat.test_near
    near:
      - {all: [$watch, $detail], within: 3}
    scope: sentence
    examples:
      match: ["坐席: 你孩子的学校我们盯着呢"]
      no_match: ["坐席: 我们盯着这笔账。你孩子的学校放假了"]
`

func nearAnalyzer(t *testing.T) *analyzer.Analyzer {
	t.Helper()
	p, err := lexicon.Parse("near.yaml", []byte(nearPack))
	require.NoError(t, err)
	set, err := lexicon.NewSet([]*lexicon.Pack{p})
	require.NoError(t, err)
	a, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	return a
}

// TestNear: a near frame matches its groups in either order, within its
// window of words and its scope, and quotes from the first to the last.
func TestNear(t *testing.T) {
	a := nearAnalyzer(t)
	tests := []struct {
		name, text, want string
	}{
		{"anchor_first", "我们盯着你几点下班", "盯着你几点下班"},
		{"anchor_last", "你住哪我们都知道", "住哪我们都知道"},
		{"traditional", "你住哪我們都知道", "住哪我們都知道"},
		{"too_far", "我们盯着的是合同上写的地址和你住哪", ""},
		{"other_sentence", "我们都知道。你住哪不重要", ""},
		{"one_group_only", "我们都知道了", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := analyzeWith(t, a, "坐席: "+tt.text)
			if tt.want == "" {
				assert.Empty(t, res.Findings)
				return
			}
			require.Len(t, res.Findings, 1)
			assert.Equal(t, tt.want, res.Findings[0].Match)
		})
	}
	assert.Empty(t, a.CheckExamples(nil))
	assert.Empty(t, a.CheckClassExamples(nil))
}

func TestClassExamplesFail(t *testing.T) {
	p, err := lexicon.Parse("c.yaml", []byte(`pack: c
version: "1"
classes:
  kin:
    members: [老婆]
    examples: {match: [你同事], no_match: [你老婆呢]}
`))
	require.NoError(t, err)
	set, err := lexicon.NewSet([]*lexicon.Pack{p})
	require.NoError(t, err)
	a, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	fs := a.CheckClassExamples(nil)
	require.Len(t, fs, 2)
	assert.Equal(t, `c.yaml:4: class kin: match example 1 holds no member of the class: "你同事"`, fs[0].Error())
	assert.Equal(t, `c.yaml:4: class kin: no_match example 1 holds the member "老婆": "你老婆呢"`, fs[1].Error())
}
