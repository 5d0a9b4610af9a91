package redact

import (
	"testing"
	"unicode/utf8"
)

// FuzzMask checks the properties callers rely on, for any input: no panic,
// the length and every byte outside Find's spans kept, spans in order,
// non-overlapping and on rune boundaries, Mask idempotent, Find(Mask(s))
// empty, and inside a span only digits, Chinese numerals and the local part
// of an address replaced, each by a mask of its own width.
func FuzzMask(f *testing.F) {
	for _, c := range allCases() {
		f.Add(c.in)
	}
	for _, s := range []string{
		"", "+", "@", "＠", "(", "（0571）", "13812345678@",
		"a@13812345678.cn", "a@x-13812345678.cn", "x@b.cn@13812345678.cn",
		"010-62345678-13812345678", "6222 0212 3456 7890 4367 4212 3456 7896",
		"**** 13812345678", "13812345678.13912345678", "幺三八一二三四五六七八一三九一二三四五六七八",
		"一三八 一二三四 五六七八 一三九 一二三四 五六七八", "86 13812345678 13912345678",
		"\xff13812345678\xfe", "1381234567８", "+86 +86 13812345678",
		"138\u200b", "\u200b138一二三四五六七八\u200b", "ｔ＠ｅ．ｃｏ", "021 5555 1234 5678",
		"138一二三四五六七八 13812345678", "幺三八一二三四五六七八一", "x@ｅｘａｍｐｌｅ．ｃｏｍ13812345678",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkProperties(t, s)
		m := Mask(s)
		for _, sp := range Find(s) {
			for i := sp.Start; i < sp.End; {
				r, w := utf8.DecodeRuneInString(s[i:])
				if m[i:i+w] != s[i:i+w] {
					mask := "*"
					if w == 3 {
						mask = "＊"
					}
					maskable := isArabic(r) || isChinese(r) || r == 'X' || r == 'x' ||
						sp.Kind == Email && isLocalRune(r)
					if !maskable || m[i:i+w] != mask {
						t.Fatalf("rune at %d inside a %s span masked wrongly", i, sp.Kind)
					}
				}
				i += w
			}
		}
	})
}
