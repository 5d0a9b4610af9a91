package textnorm

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/specdata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/width"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"traditional", "電話催收，你要坐牢，騙子", "电话催收,你要坐牢,骗子"},
		{"account_variant", "這期帳單", "这期账单"},
		{"fullwidth", "ＡＰＰ還款１０００元", "app还款1000元"},
		{"fillers_and_spaces", "嗯 你 就是 个 呃 骗子", "你就是个骗子"},
		{"ascii_words_keep_one_space", "call  me   back", "call me back"},
		{"empty", "", ""},
		{"zero_width_space_in_word", "老\u200b赖", "老赖"},
		{"soft_hyphen_in_word", "坐\u00ad牢", "坐牢"},
		{"invisibles", "\ufeff骗\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064子\u180e啊\ufe0f\U000e0100\u034f", "骗子啊"},
		{"direction_controls", "\u202e你\u202a\u202b\u202c\u202d是\u2066\u2067\u2068\u2069", "你是"},
		{"invisible_between_ascii_words", "call \u200b me", "call me"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Normalize(tt.in)
			assert.Equal(t, tt.want, n.Text)
			assert.Len(t, n.Orig, len(n.Text)+1)
			assert.Equal(t, len(tt.in), n.Orig[len(n.Text)])
		})
	}
}

func TestNormalizeSpanQuotesOriginal(t *testing.T) {
	in := "你就是個騙子！"
	n := Normalize(in)
	s := len("你就是个")
	start, end := n.Span(s, s+len("骗子"))
	assert.Equal(t, "騙子", in[start:end])
}

// TestNormalizeSpanLeavesOutRemoved: a quote starts at the first kept
// rune of a match and ends after its last one, so fillers and spaces that
// Normalize dropped around it stay out («老赖嗯嗯» was quoted), while those
// between kept runes stay in.
func TestNormalizeSpanLeavesOutRemoved(t *testing.T) {
	tests := []struct {
		name, in, match, want string
	}{
		{"trailing_fillers_at_end", "你就是个老赖嗯嗯", "老赖", "老赖"},
		{"trailing_fillers_before_punct", "你就是个老赖嗯嗯，还钱", "老赖", "老赖"},
		{"trailing_space_and_filler", "你 就是 个 老赖 嗯 ", "老赖", "老赖"},
		{"trailing_space_mid_text", "你 就是 个 老赖 还 钱", "老赖", "老赖"},
		{"trailing_ideographic_space", "老赖\u3000呃\u3000还钱", "老赖", "老赖"},
		{"leading_filler", "嗯嗯 老赖 还钱", "老赖", "老赖"},
		{"fillers_inside_stay", "逾期 五十 天 了 嗯 你 打算 怎么 办", "逾期五十天了你打算怎么", "逾期 五十 天 了 嗯 你 打算 怎么"},
		{"ascii_words", "call  me   back", "call me", "call  me"},
		{"traditional", "你個騙子嗯，", "骗子", "騙子"},
		{"rewritten_phrase_kept", "佢冇嗯錢", "没有", "冇"},
		{"inside_rewritten_phrase", "佢冇 嗯 錢", "没", "冇"},
		{"phrase_dropped_rune_kept", "佢喺度 嗯 食饭", "在", "喺度"},
		{"zero_width_inside_kept", "你个老\u200b赖\u200b", "老赖", "老\u200b赖"},
		{"soft_hyphen_inside_kept", "\u00ad坐\u00ad牢\u00ad吧", "坐牢", "坐\u00ad牢"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Normalize(tt.in)
			s := strings.Index(n.Text, tt.match)
			if !assert.GreaterOrEqual(t, s, 0, "%q not in %q", tt.match, n.Text) {
				return
			}
			start, end := n.Span(s, s+len(tt.match))
			assert.Equal(t, tt.want, tt.in[start:end])
		})
	}
}

// TestNormalizeIdempotentT2SChains: OpenCC's t2s tables map some
// characters to ones they map again (薴 → 苧 → 苎); one pass left a
// character a second Normalize converted (found by FuzzNormalize).
func TestNormalizeIdempotentT2SChains(t *testing.T) {
	for _, s := range []string{"薴", "000薴"} {
		n := Normalize(s)
		assert.Equal(t, n.Text, Normalize(n.Text).Text, s)
	}
}

// FuzzNormalize checks what Normalize promises on any input: valid UTF-8
// text; an offset map with one entry a byte plus one, never decreasing,
// ending at len(s), each entry the start of a rune of the original (as
// range walks it, so an invalid byte counts as one), the same for every
// byte of one normalized rune; Span quoting the original inside it; and
// idempotence: normalizing normalized text changes nothing.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"電話催收，你要坐牢", "ＡＰＰ 嗯 还款", "a  b", "\xff\xfe", "", "這期帳單", "嗯 你 就是 个 呃 骗子",
		"call  me   back", "a 嗯 b", "\u3000Ａ\u3000", "乾隆 乾淨", "ΣΑΣ", "İ", "\u00a0\u2028x\u2029",
		"老\u200b赖", "坐\u00ad牢", "a\u200b b", "\u202e\u200b\ufeff", "x \u200b", "\u200b \u200by",
	} {
		f.Add(s)
	}
	// Every line of the sample transcripts, in every encoding they come in.
	for _, dir := range []string{"../corpus/testdata/calls", "../corpus/testdata/bad", "../testdata/calls", "../testdata/asr"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if e.IsDir() || err != nil {
				continue
			}
			if text, _, err := corpus.Decode(b); err == nil {
				for _, line := range strings.Split(text, "\n") {
					if strings.TrimSpace(line) != "" {
						f.Add(line)
					}
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n.Text) {
			t.Fatalf("normalized text is not UTF-8: %q", n.Text)
		}
		if len(n.Orig) != len(n.Text)+1 {
			t.Fatalf("map has %d entries for %d bytes", len(n.Orig), len(n.Text))
		}
		if n.Orig[len(n.Text)] != len(s) {
			t.Fatalf("map ends at %d, not %d", n.Orig[len(n.Text)], len(s))
		}
		starts := map[int]bool{len(s): true}
		for i := range s {
			starts[i] = true
		}
		for i := 1; i < len(n.Orig); i++ {
			if n.Orig[i] < n.Orig[i-1] || n.Orig[i] > len(s) {
				t.Fatalf("offset %d out of order or bounds: %v", i, n.Orig)
			}
		}
		for i, o := range n.Orig {
			if o < 0 || !starts[o] {
				t.Fatalf("offset %d maps to %d, not the start of a rune of %q", i, o, s)
			}
			if i < len(n.Text) && o >= len(s) {
				t.Fatalf("byte %d of the text maps past the original (%d)", i, o)
			}
			if i > 0 && i < len(n.Text) && !utf8.RuneStart(n.Text[i]) && o != n.Orig[i-1] {
				t.Fatalf("byte %d inside a rune maps to %d, the rune's start to %d", i, o, n.Orig[i-1])
			}
		}
		// Span over any whole runes of the text quotes a piece of the
		// original, in order.
		var bounds []int
		for i := range n.Text {
			bounds = append(bounds, i)
		}
		bounds = append(bounds, len(n.Text))
		for k := 0; k+1 < len(bounds) && k < 64; k++ {
			for _, e := range []int{bounds[k+1], bounds[len(bounds)-1]} {
				start, end := n.Span(bounds[k], e)
				if start < 0 || start > end || end > len(s) || !starts[start] || !starts[end] {
					t.Fatalf("Span(%d, %d) = [%d, %d) in %q", bounds[k], e, start, end, s)
				}
			}
		}
		if again := Normalize(n.Text); again.Text != n.Text {
			t.Fatalf("not idempotent: %q → %q → %q", s, n.Text, again.Text)
		}
		if plain, ok := normalizePlain(s); ok && !reflect.DeepEqual(plain, normalizeFull(s)) {
			t.Fatalf("one-pass normalization of %q differs: %+v, want %+v", s, plain, normalizeFull(s))
		}
	})
}

// TestNormalizePlainSameAsFull holds the one-pass path to the full one on
// the lines of the sample calls, the dev set and the external data, and
// checks that it takes most of them (it is the fast path of a scan).
func TestNormalizePlainSameAsFull(t *testing.T) {
	dirs := []string{filepath.Join("..", "testdata", "calls"), filepath.Join("..", "testdata", "realworld"), filepath.Join("..", "testdata", "probe")}
	if dev, err := specdata.DevSetDir(); err == nil {
		dirs = append(dirs, dev)
	}
	if shared, err := specdata.SharedDir(); err == nil {
		dirs = append(dirs, filepath.Join(shared, "external", "crosswoz_negatives", "calls"), filepath.Join(shared, "external", "yilongdai_bot", "calls"))
	}
	var lines []string
	corpus.ReadPaths(dirs, nil, func(it corpus.Item) {
		if it.Err == nil {
			for _, turn := range it.Call.Turns {
				lines = append(lines, turn.Text)
			}
		}
	})
	plain := 0
	for _, s := range lines {
		n, ok := normalizePlain(s)
		if !ok {
			continue
		}
		plain++
		if full := normalizeFull(s); !reflect.DeepEqual(n, full) {
			t.Fatalf("one-pass normalization of a line differs:\n%+v\nwant\n%+v", n, full)
		}
	}
	t.Logf("%d of %d lines in one pass", plain, len(lines))
	require.Greater(t, plain, len(lines)/4, "the one-pass path takes few lines")
}

// TestFoldNarrowsLikeWidth holds fold's arithmetic for full-width ASCII
// and the ideographic space to golang.org/x/text/width, lower-cased.
func TestFoldNarrowsLikeWidth(t *testing.T) {
	for r := rune(0xFF01); r <= 0xFF5E; r++ {
		want := []rune(width.Narrow.String(string(r)))
		if len(want) != 1 || fold(r) != unicode.ToLower(want[0]) {
			t.Errorf("fold(%q) = %q, want %q", r, fold(r), strings.ToLower(string(want)))
		}
	}
	if got := fold(0x3000); got != ' ' {
		t.Errorf("fold(ideographic space) = %q, want a space", got)
	}
	if fold('A') != 'a' || fold('帐') != '账' || fold('你') != '你' {
		t.Errorf("fold: A→%q 帐→%q 你→%q", fold('A'), fold('帐'), fold('你'))
	}
}
