package textnorm

import (
	"unicode"
	"unicode/utf8"
)

// Normalized is a turn's text prepared for matching, with a map back to the
// original. Matching runs on Text; evidence is always quoted from the
// original through Orig.
type Normalized struct {
	// Text is the normalized text: Simplified characters, half-width ASCII,
	// lower case, hesitation fillers, invisible characters and spaces
	// between CJK characters removed.
	Text string
	// Orig maps each byte offset of Text (0..len(Text)) to the byte offset
	// in the original string of the rune it came from; Orig[len(Text)] is
	// the length of the original.
	Orig []int
	// Regional lists the byte ranges of Text that a lexical regional
	// rewrite wrote (差佬→警察, 健保→医保: a `#! lexical` entry of the
	// tables, see regional.go), in text order, one per rewritten phrase;
	// nil when there is none. Certain rewrites (冇→没有, 佢→他: grammar and
	// words with one Mandarin equivalent) are not listed: a match through
	// them is as good as one on Mandarin text. Traditional→Simplified,
	// width and case folding are not rewrites in this sense.
	Regional []Range
	// src is the original text, which Span reads to leave removed
	// fillers and spaces out of a quote.
	src string
}

// Range is a byte range [Start, End) of a normalized text.
type Range struct{ Start, End int }

// RegionalIn returns the first lexical regional rewrite (Regional) that
// overlaps the normalized byte range [s, e), and whether there is one.
func (n Normalized) RegionalIn(s, e int) (Range, bool) {
	for _, r := range n.Regional {
		if r.Start < e && s < r.End {
			return r, true
		}
		if r.Start >= e {
			break
		}
	}
	return Range{}, false
}

// Span returns the original byte range [start, end) for the normalized byte
// range [s, e). The range starts at the first kept rune of the span and
// ends after its last one, so a quote never starts or ends in a removed
// filler or space; removed ones between two kept runes stay in it.
func (n Normalized) Span(s, e int) (start, end int) {
	start = n.Orig[s]
	// last is the byte of the text the end is measured after: the end is
	// where the rune after it began in the original.
	last := min(e, len(n.Text)) - 1
	end = n.Orig[last+1]
	// A span that ends inside a rewritten phrase (没 of 没有 from 冇)
	// quotes the whole original phrase.
	for end <= start && last+1 < len(n.Text) {
		last++
		end = n.Orig[last+1]
	}
	if last < s {
		return start, end
	}
	// Step back over the removed fillers and spaces between the last kept
	// rune and the next one. Runes of a rewritten phrase that no byte of
	// the text maps to are neither, so they stay.
	lastOrig := n.Orig[last]
	for end > lastOrig && end <= len(n.src) {
		r, size := utf8.DecodeLastRuneInString(n.src[:end])
		if end-size <= lastOrig || !removed(r) {
			break
		}
		end -= size
	}
	return start, end
}

// fillers are hesitation sounds that ASR output keeps and that carry no
// meaning for any rule. Only pure fillers are listed: 啊 and 呀 are also
// sentence particles, and 额 is part of 额度, so they stay.
var fillers = map[rune]bool{'嗯': true, '呃': true}

// removed reports whether Normalize may drop the original rune r: a
// filler, an invisible character or white space (white space between
// words of other scripts is kept as one space, and then maps to a byte of
// the text).
func removed(r rune) bool {
	return fillers[fold(r)] || Invisible(r) || unicode.IsSpace(r)
}

// Invisible reports whether r is a character that shows nothing and means
// nothing for matching, and that could be slipped inside a word to defeat
// the rules (老\u200b赖): the zero-width space, non-joiner and joiner,
// the direction marks and embeddings, overrides and isolates
// (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069), the word joiner and
// invisible operators (U+2060–U+2064), the byte order mark (U+FEFF), the
// soft hyphen (U+00AD), the combining grapheme joiner (U+034F), the
// Arabic letter mark (U+061C), the Mongolian vowel separator (U+180E),
// the Hangul fillers, and variation selectors (U+FE00–U+FE0F,
// U+E0100–U+E01EF).
func Invisible(r rune) bool {
	switch {
	case r < 0xAD:
		return false
	case r == 0xAD, r == 0x34F, r == 0x61C, r == 0x115F, r == 0x1160, r == 0x180E,
		0x200B <= r && r <= 0x200F, 0x202A <= r && r <= 0x202E,
		0x2060 <= r && r <= 0x2064, 0x2066 <= r && r <= 0x2069,
		r == 0x3164, r == 0xFEFF, r == 0xFFA0,
		0xFE00 <= r && r <= 0xFE0F, 0xE0100 <= r && r <= 0xE01EF:
		return true
	}
	return false
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isHanOrKana(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana)
}

// Normalize prepares s for matching: Traditional → Simplified (OpenCC
// t2s), regional forms → Mandarin (regional.go: 唔→不, 劳保→社保 …),
// full-width → half-width ASCII (x/text/width), lower case, the
// hesitation fillers 嗯 and 呃 and the invisible characters (Invisible)
// dropped, and white space dropped next to CJK
// characters (ASR output often spaces every word) and folded to one space
// elsewhere.
func Normalize(s string) Normalized {
	loadTables()
	if n, ok := normalizePlain(s); ok {
		return n
	}
	return normalizeFull(s)
}

// normalizePlain normalizes, in one pass over s, a text that needs no
// conversion but folding: no Traditional character, no regional form,
// no Cantonese marker, no white space, filler or invisible character —
// most turns. It reports false, having done nothing that counts, for any
// other text, which normalizeFull then handles; the two agree on every
// text normalizePlain accepts (TestNormalizePlainSameAsFull,
// FuzzNormalize).
func normalizePlain(s string) (Normalized, bool) {
	out := make([]byte, 0, len(s))
	orig := make([]int, 0, len(s)+1)
	for i, r := range s {
		// hasTraditional, hasCantonese and a regional key, rune by rune
		if r < 1<<16 {
			if t2sSet[r/64]&(1<<(r%64)) != 0 || cantoneseMarkers[r/64]&(1<<(r%64)) != 0 {
				return Normalized{}, false
			}
		} else if t2sOther[r] {
			return Normalized{}, false
		}
		if regionalAll.mayStart(r) && regionalAll.keyAt(s, i) {
			return Normalized{}, false
		}
		r = fold(r)
		if r >= 0x80 && (fillers[r] || Invisible(r) || unicode.IsSpace(r)) || r < 0x80 && asciiSpace[r] {
			return Normalized{}, false
		}
		n := len(out)
		out = utf8.AppendRune(out, r)
		for range len(out) - n {
			orig = append(orig, i)
		}
	}
	orig = append(orig, len(s))
	return Normalized{Text: string(out), Orig: orig, src: s}, true
}

// asciiSpace marks the ASCII runes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// normalizeFull is Normalize for any text: Traditional and regional
// rewrites on runes, spaces by their neighbours.
func normalizeFull(s string) Normalized {
	simp := ToSimplified(s)
	origRunes := make([]int, 0, len(s)+1) // byte offset of each original rune
	for i := range s {
		origRunes = append(origRunes, i)
	}
	simpRunes := []rune(simp)
	if len(simpRunes) != len(origRunes) { // cannot happen, but never misalign
		simpRunes = []rune(s)
	}
	// Regional forms to Mandarin; src maps each rune back to its original
	// rune (nil while nothing was rewritten).
	simpRunes, src, mark, rewrites := toMandarin(s, simpRunes, nil)
	var regional []Range
	out := make([]byte, 0, len(s))
	orig := make([]int, 0, len(s)+1)
	var prev rune = -1
	// nextAfter[i] is the folded rune of the first non-space after rune i
	// (-1 for none), made in one backward pass when the first space needs
	// it: a scan ahead from every space was quadratic in a run of spaces.
	var nextAfter []rune
	for i, r := range simpRunes {
		r = fold(r)
		if fillers[r] || Invisible(r) {
			continue
		}
		if unicode.IsSpace(r) {
			if nextAfter == nil {
				nextAfter = make([]rune, len(simpRunes))
				next := rune(-1)
				for j := len(simpRunes) - 1; j >= 0; j-- {
					nextAfter[j] = next
					if !unicode.IsSpace(simpRunes[j]) && !Invisible(simpRunes[j]) {
						next = fold(simpRunes[j])
					}
				}
			}
			next := nextAfter[i]
			if prev == -1 || next == -1 || prev == ' ' || isHanOrKana(prev) || isHanOrKana(next) || unicode.IsPunct(prev) || unicode.IsPunct(next) {
				continue
			}
			r = ' '
		}
		n := len(out)
		out = utf8.AppendRune(out, r)
		o := i
		if src != nil {
			o = src[i]
		}
		for k := n; k < len(out); k++ {
			orig = append(orig, origRunes[o])
		}
		if mark != nil && rewrites.isLexical(mark[i]) {
			if k := len(regional) - 1; k >= 0 && regional[k].End == n && mark[i] == mark[i-1] {
				regional[k].End = len(out)
			} else {
				regional = append(regional, Range{n, len(out)})
			}
		}
		prev = r
	}
	orig = append(orig, len(s))
	return Normalized{Text: string(out), Orig: orig, Regional: regional, src: s}
}

// variants are Simplified characters that OpenCC's t2s leaves in a form
// other than the one the rules and most text use: 帳 becomes 帐, while
// 账 (账单, 欠账) is the standard form for accounts.
var variants = map[rune]rune{'帐': '账'}

// variantSet marks the keys of variants in the Basic Multilingual Plane,
// so that fold passes other ideographs without a map lookup.
var variantSet [1 << 16 / 64]uint64

func init() {
	for r := range variants {
		if r < 1<<16 {
			variantSet[r/64] |= 1 << (r % 64)
		}
	}
}

// fold maps one rune to its matching form: full-width ASCII to half-width,
// the ideographic space to a space, letters to lower case, and the few
// variants above to their standard form.
func fold(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r >= 0x3400 && r <= 0x9FFF && variantSet[r/64]&(1<<(r%64)) == 0:
		// CJK ideographs have no case.
		return r
	}
	if v, ok := variants[r]; ok {
		return v
	}
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		// Full-width ASCII sits at a fixed distance from ASCII
		// (TestFoldNarrowsLikeWidth holds this to x/text/width).
		r -= 0xFF01 - '!'
	case r == 0x3000:
		r = ' '
	}
	return unicode.ToLower(r)
}
