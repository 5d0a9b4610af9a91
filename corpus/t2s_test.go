package corpus

import (
	"strings"
	"testing"
	"time"
)

// TestHasTraditionalAgreesWithOpenCC checks the shortcut: text that
// hasTraditional calls Simplified converts to itself, and every
// character it flags is one OpenCC changes alone or inside a phrase.
func TestHasTraditionalAgreesWithOpenCC(t *testing.T) {
	cc, err := converter()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"您好，我是某某金融贷后部的", "这个月必须还清欠款", "乾隆年间", "他在干什么", "天后宫", "後天還款", "你這個老賴", "ｆｕｌｌ　ｗｉｄｔｈ", "emoji 😀 表情"}
	for r := rune(0x3400); r < 0x9fff; r += 7 {
		texts = append(texts, string(r)+"的"+string(r+1))
	}
	for _, s := range texts {
		out, err := cc.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		if !hasTraditional(s) && out != s {
			t.Errorf("hasTraditional(%q) = false, but OpenCC converts it to %q", s, out)
		}
	}
	for _, r := range t2sRunes {
		if !hasTraditional(string(r)) {
			t.Errorf("hasTraditional misses %q", r)
		}
	}
}

// TestNormalizeLongSpaceRunIsLinear: a turn of 200,000 spaces normalizes
// in well under a second (it once took time quadratic in the run).
func TestNormalizeLongSpaceRunIsLinear(t *testing.T) {
	s := "你好" + strings.Repeat(" ", 200000) + "世界 ab  cd"
	start := time.Now()
	n := Normalize(s)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
	if n.Text != "你好世界ab cd" {
		t.Fatalf("got %q", n.Text)
	}
}
