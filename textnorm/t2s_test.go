package textnorm

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"

	"github.com/callqa/callqa/corpus"
)

// referenceT2S is OpenCC's Go library, which corpus's converter replaces
// (it allocated a map per position and was most of Normalize's time).
func referenceT2S(t *testing.T) *opencc.OpenCC {
	t.Helper()
	cc, err := opencc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	return cc
}

// referenceOnce is toSimplifiedOnce as it was written over the library.
func referenceOnce(t *testing.T, cc *opencc.OpenCC, s string) string {
	out, err := cc.Convert(s)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.RuneCountInString(out) == utf8.RuneCountInString(s) {
		return out
	}
	buf := make([]rune, 0, len(s))
	for _, r := range s {
		c, err := cc.Convert(string(r))
		rs := []rune(c)
		if err != nil || len(rs) != 1 {
			buf = append(buf, r)
			continue
		}
		buf = append(buf, rs[0])
	}
	return string(buf)
}

// t2sKeys returns every key of the table.
func t2sKeys() []string {
	var keys []string
	for l := range strings.Lines(t2sTable) {
		key, _, _ := strings.Cut(l, "\t")
		keys = append(keys, key)
	}
	return keys
}

// TestToSimplifiedMatchesOpenCC holds the converter to OpenCC's library on
// every key alone, on keys run together (so that longer and shorter keys
// compete for the same characters), on keys inside Simplified text, on
// every turn of the sample calls, and on random strings of key characters.
func TestToSimplifiedMatchesOpenCC(t *testing.T) {
	cc := referenceT2S(t)
	keys := t2sKeys()
	if len(keys) < 4000 {
		t.Fatalf("%d keys in t2sTable, want OpenCC's whole tables", len(keys))
	}
	texts := []string{"", "您好，我是某某金融贷后部的", "乾隆年间", "他在干什么", "天后宫", "後天還款", "你這個老賴", "ｆｕｌｌ　ｗｉｄｔｈ", "emoji 😀 表情", "么麼", "沈沒成本"}
	for i, k := range keys {
		texts = append(texts, k, "我"+k+"了", k+keys[(i*7+1)%len(keys)], keys[(i*13+5)%len(keys)]+k+keys[(i*31+2)%len(keys)])
	}
	corpus.ReadPaths([]string{filepath.Join("..", "testdata", "calls")}, nil, func(it corpus.Item) {
		if it.Err == nil {
			for _, turn := range it.Call.Turns {
				texts = append(texts, turn.Text)
			}
		}
	})
	var pool []rune
	for _, k := range keys {
		pool = append(pool, []rune(k)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + rng.IntN(12)
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = pool[rng.IntN(len(pool))]
		}
		texts = append(texts, string(rs))
	}
	for _, s := range texts {
		if got, want := toSimplifiedOnce(s), referenceOnce(t, cc, s); got != want {
			t.Errorf("toSimplifiedOnce(%q) = %q, OpenCC gives %q", s, got, want)
		}
	}
}

// TestHasTraditionalCoversEveryKey: every key that OpenCC changes is
// flagged by hasTraditional, so the shortcut never skips a conversion
// (the set holds one Traditional character per key, not all of them).
func TestHasTraditionalCoversEveryKey(t *testing.T) {
	cc := referenceT2S(t)
	for _, key := range t2sKeys() {
		out, err := cc.Convert(key)
		if err != nil {
			t.Fatal(err)
		}
		if out != key && !hasTraditional(key) {
			t.Errorf("hasTraditional(%q) = false, but OpenCC converts it to %q", key, out)
		}
	}
	for r := rune(0x3400); r < 0x9fff; r += 7 {
		s := string(r) + "的" + string(r+1)
		if out, _ := cc.Convert(s); out != s && !hasTraditional(s) {
			t.Errorf("hasTraditional(%q) = false, but OpenCC converts it to %q", s, out)
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

// FuzzT2S holds the converter to OpenCC's library on any valid UTF-8
// without the byte 0x01 (text reaches Normalize decoded; the library turns
// invalid bytes into U+FFFD, the converter leaves text without
// Traditional characters as it is).
func FuzzT2S(f *testing.F) {
	for _, s := range []string{"後天還款", "乾隆 乾淨", "么麼", "沈沒成本", "薴", "\xff\xfe還", "你這個老賴", "\x02還\x1f"} {
		f.Add(s)
	}
	cc, err := opencc.New("t2s")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The library's trie misreads the byte 0x01 ("\x01麼" comes out
		// as 么么, the character doubled and the byte lost); the converter
		// keeps it, as it keeps every other control character.
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0x01) {
			return
		}
		if got, want := toSimplifiedOnce(s), referenceOnce(t, cc, s); got != want {
			t.Fatalf("toSimplifiedOnce(%q) = %q, OpenCC gives %q", s, got, want)
		}
	})
}

// TestT2SKeepsControlCharacters: control characters pass through the
// converter unchanged, 0x01 included (where OpenCC's Go library loses it).
func TestT2SKeepsControlCharacters(t *testing.T) {
	for _, c := range []string{"\x00", "\x01", "\x02", "\x1f", "\t"} {
		if got, want := toSimplifiedOnce(c+"麼"), c+"么"; got != want {
			t.Errorf("toSimplifiedOnce(%q) = %q, want %q", c+"麼", got, want)
		}
	}
}

// TestTablesBuiltOnFirstUse: the entry points build the tables they read
// (TestMain built them already: they are taken down first).
func TestTablesBuiltOnFirstUse(t *testing.T) {
	reset := func() {
		t2sByFirst, t2sOther, regionalAll, regionalCantonese = map[rune][]t2sEntry{}, map[rune]bool{}, nil, nil
		t2sSet, cantoneseMarkers = [1 << 16 / 64]uint64{}, [1 << 16 / 64]uint64{}
		tablesOnce = sync.Once{}
	}
	reset()
	if got := ToSimplified("還款"); got != "还款" {
		t.Errorf("ToSimplified on first use = %q, want 还款", got)
	}
	reset()
	if got := Normalize("還款").Text; got != "还款" {
		t.Errorf("Normalize on first use = %q, want 还款", got)
	}
}
