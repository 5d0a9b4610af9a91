package textnorm

import (
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegionalTablesLoad(t *testing.T) {
	_, _, markers, err := loadRegional()
	require.NoError(t, err)
	assert.Contains(t, markers, "唔")
	entries, err := regionalFS.ReadDir("regional")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := regionalFS.ReadFile(path.Join("regional", e.Name()))
		require.NoError(t, err)
		tab := newRegionalTable()
		_, err = parseRegional(e.Name(), data, tab)
		require.NoError(t, err)
		assert.Positive(t, tab.size, e.Name())
	}
}

// TestRegionalKeysAreSimplified: the tables apply after OpenCC's t2s, so a
// key in Traditional characters could never match.
func TestRegionalKeysAreSimplified(t *testing.T) {
	for _, tab := range []*regionalTable{regionalAll, regionalCantonese} {
		var walk func(node int32, prefix []rune)
		walk = func(node int32, prefix []rune) {
			n := tab.nodes[node]
			if n.isKey {
				k := string(prefix)
				assert.Equal(t, k, ToSimplified(k), "key %q is not Simplified", k)
			}
			for r, c := range n.next {
				walk(c, append(append([]rune(nil), prefix...), r))
			}
		}
		walk(0, nil)
	}
}

func TestNormalizeRegional(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"cantonese_traditional", "你而家唔還錢，係咪想佢哋搵上門？", "你现在不还钱,是不是想他们找上门?"},
		{"cantonese_simplified", "佢冇同我讲过嘅", "他没有同我讲过的"},
		{"cantonese_keeps_mandarin_words", "唔该你联系我哋嘅系统", "谢谢你联系我们的系统"},
		{"mandarin_untouched", "关系到系统的联系方式", "关系到系统的联系方式"},
		{"mandarin_xi_without_marker", "我系统里看到了", "我系统里看到了"},
		{"taiwan_institutions", "地檢署會查你的勞保和聯徵紀錄", "检察院会查你的社保和征信记录"},
		{"taiwan_opencc_phrase", "我傳簡訊給你", "我传短信给你"},
		{"mainland_keeps_enforcement", "法院强制执行程序", "法院强制执行程序"},
		{"northern_today", "今儿个必须还上", "今天必须还上"},
		{"dianjie_question", "点解唔还", "为什么不还"},
		{"dianjie_inside_word", "重点解决这个问题唔该", "重点解决这个问题谢谢"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Normalize(tt.in)
			assert.Equal(t, tt.want, n.Text)
			require.Len(t, n.Orig, len(n.Text)+1)
			assert.Equal(t, n.Text, Normalize(n.Text).Text, "idempotent")
		})
	}
}

// TestNormalizeRegionalSpanQuotesOriginal: a match on rewritten text
// quotes the words that were said, even a part of a rewritten phrase.
func TestNormalizeRegionalSpanQuotesOriginal(t *testing.T) {
	in := "你冇還錢，佢哋知唔知？"
	n := Normalize(in)
	s := len("你")
	start, end := n.Span(s, s+len("没有还钱"))
	assert.Equal(t, "冇還錢", in[start:end])
	start, end = n.Span(s, s+len("没"))
	assert.Equal(t, "冇", in[start:end])
	i := len("你没有还钱,")
	start, end = n.Span(i, i+len("他们"))
	assert.Equal(t, "佢哋", in[start:end])
}

// TestNormalizeMarksRegionalRewrites: Normalized.Regional holds the
// ranges a lexical regional rewrite wrote, one per phrase, and nothing
// for a certain rewrite (grammar, words with one Mandarin equivalent) or
// for Traditional→Simplified, width or case.
func TestNormalizeMarksRegionalRewrites(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // the normalized text of each range
	}{
		{"plain Mandarin", "你好，请按时还款", nil},
		{"traditional only", "經偵大隊會處理", nil},
		{"full width and case", "ＡＢＣ还款", nil},
		{"general table, lexical", "你的劳保卡", []string{"社保"}},
		{"taiwan institution", "地檢署會查你", []string{"检察院"}},
		{"opencc table is lexical", "截圖給我", []string{"截屏"}},
		{"cantonese negation is certain", "我冇钱", nil},
		{"cantonese grammar only", "佢哋唔好咗喺度嘅", nil},
		{"cantonese everyday verbs", "我哋會嚟搵你，俾錢啦", nil},
		{"mainland pronouns and question words", "侬妳俺们啥", nil},
		{"two lexical phrases side by side", "劳保健保", []string{"社保", "医保"}},
		{"cantonese police: only the slang", "差佬会嚟搵你", []string{"警察"}},
		{"lexical among certain", "佢冇勞保", []string{"社保"}},
		{"certain rewrite of a lexical one stays lexical", "涯哋冇钱", []string{"我们"}},
		{"ambiguous time word", "明朝还钱", []string{"明天"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := Normalize(tc.in)
			var got []string
			for _, r := range n.Regional {
				got = append(got, n.Text[r.Start:r.End])
			}
			assert.Equal(t, tc.want, got, n.Text)
			for _, r := range n.Regional {
				found, ok := n.RegionalIn(r.Start, r.End)
				assert.True(t, ok)
				assert.Equal(t, r, found)
			}
			_, ok := n.RegionalIn(0, 0)
			assert.False(t, ok)
		})
	}
}

// TestParseRegionalDirectives: `#! certain` and `#! lexical` set the kind
// of the entries below them, a file starts lexical, and an unknown
// directive is an error naming the file and line.
func TestParseRegionalDirectives(t *testing.T) {
	tab := newRegionalTable()
	_, err := parseRegional("t.tsv", []byte("甲\t乙\n#! certain\n丙\t丁\n#! lexical\n戊\t己\n"), tab)
	require.NoError(t, err)
	for _, tc := range []struct {
		key     string
		certain bool
	}{{"甲", false}, {"丙", true}, {"戊", false}} {
		end, _, certain := tab.longest([]rune(tc.key), 0)
		require.Equal(t, 1, end, tc.key)
		assert.Equal(t, tc.certain, certain, tc.key)
	}

	for _, tc := range []struct{ name, data, want string }{
		{"unknown", "甲\t乙\n#! sure\n", `t.tsv:2: unknown directive "#! sure"`},
		{"misspelt markers", "#! marker: 唔\n", `t.tsv:1: unknown directive "#! marker: 唔"`},
		{"empty", "#!\n", `t.tsv:1: unknown directive "#!"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRegional("t.tsv", []byte(tc.data), newRegionalTable())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
