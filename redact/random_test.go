package redact

import (
	"flag"
	"math/rand/v2"
	"strings"
	"testing"
)

// pieces are the parts randomText joins: numbers of every kind, parts of
// numbers, separators, masks, address parts and the characters the
// boundary rules look at.
var pieces = []string{
	"13812345678", "138", "1234", "5678", "86", "0086", "+", "＋", "+86", "010", "0755",
	"62345678", "2345678", "110101199003071233", "11010519850612107X", "440305", "19851231", "0026",
	"6228480012345671", "6222", "0212", "3456", "7890", "128", "4367421234567896",
	"１３８１２３４５６７８", "１３８", "幺三八", "一二三四", "五六七八", "一三九零零一二三四五六", "十", "点",
	" ", " ", "-", "－", "\u3000", "  ", "(", ")", "（", "）", ".", "．", ",", "/", ":",
	"*", "****", "＊", "＊＊＊＊", "@", "＠", "a", "zhang", "example", ".com", ".cn", "_", "%",
	"元", "¥", "1 ", "3 ", "8 ", "1 3 8 1 2 3 4 5 6 7 8", "幺 三 八 一 二 三 四 五 六 七 八", "一 ", "万", "X", "x", "ab", "手机", "，", "。", "\xff", "9",
}

var (
	randomN    = flag.Int("random.n", 20000, "texts TestPropertiesRandom checks")
	randomSeed = flag.Uint64("random.seed", 1, "seed of TestPropertiesRandom")
)

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for n := 1 + r.IntN(12); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestPropertiesRandom checks the properties of FuzzMask on texts built
// from pieces that the byte-level fuzzer rarely puts together.
func TestPropertiesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(*randomSeed, 2))
	for range *randomN {
		s := randomText(r)
		if err := properties(s); err != nil {
			t.Fatalf("%s: %v", shape(s), err)
		}
	}
}
