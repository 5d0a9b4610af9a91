package corpus

import (
	"testing"

	"github.com/stretchr/testify/assert"
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

// FuzzNormalize checks the offset map on any input: one entry a byte plus
// one, never decreasing, always inside the original.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"電話催收，你要坐牢", "ＡＰＰ 嗯 还款", "a  b", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if len(n.Orig) != len(n.Text)+1 {
			t.Fatalf("map has %d entries for %d bytes", len(n.Orig), len(n.Text))
		}
		for i := 1; i < len(n.Orig); i++ {
			if n.Orig[i] < n.Orig[i-1] || n.Orig[i] > len(s) {
				t.Fatalf("offset %d out of order or bounds: %v", i, n.Orig)
			}
		}
	})
}
