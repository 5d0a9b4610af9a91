package analyzer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBreakKind holds breakKind to its definition over the break lists:
// a word of at most three runes holding a sentence break, or else a
// clause break.
func TestBreakKind(t *testing.T) {
	words := []string{"", "。", "，", ",", "!", "?!", "…", "——", "\n", "好。", "好,", "好好好。", "。。。", "。。。。", "a;b", "还款", "：", "!,", ",!"}
	for _, r := range clauseBreaks + sentenceBreaks + "、.abc你" {
		words = append(words, string(r), "x"+string(r), string(r)+"yy")
	}
	for _, w := range words {
		wantS := strings.ContainsAny(w, sentenceBreaks) && utf8.RuneCountInString(w) <= 3
		wantC := !wantS && strings.ContainsAny(w, clauseBreaks) && utf8.RuneCountInString(w) <= 3
		s, c := breakKind(w)
		if s != wantS || c != wantC {
			t.Errorf("breakKind(%q) = %v, %v; want %v, %v", w, s, c, wantS, wantC)
		}
	}
}
