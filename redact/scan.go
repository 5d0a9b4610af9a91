package redact

import (
	"strings"
	"unicode/utf8"
)

// finder holds one run of find over s.
//
// The scan cuts s into digit groups: maximal runs of digits (ASCII or
// full-width) that no letter touches, and maximal runs of Chinese numerals.
// Groups joined by exactly one separator form a chain ("138 1234 5678");
// a number is a run of whole, consecutive groups of one chain, so a number
// never starts or ends inside a longer digit run.
type finder struct {
	s         string
	emails    []region // e-mail-like regions, in order; opaque to the number scan
	localOffs []int    // byte offsets of the local parts' characters
	arabic    groupSet // groups of ASCII and full-width digits
	chinese   groupSet // groups of Chinese numerals
	spoken    groupSet // groups of digits and Chinese numerals together
	out       []match
}

// region is the byte range of an e-mail-like text, local@domain.
type region struct{ start, end int }

// groupSet is a list of groups with their digits: the digits of groups
// i..j are digits[groups[i].d0:groups[j].d1], the byte offsets of their
// runes offs[groups[i].d0:groups[j].d1].
type groupSet struct {
	groups []group
	digits []byte // '0'-'9', or 'X' as the last character of an ID
	offs   []int
}

// group is one run of digits.
type group struct {
	start, end int  // bytes of s
	d0, d1     int  // its digits in the set
	link       link // how it joins the group before it
	canStart   bool // a number may start with this group
	canEnd     bool // a number may end with this group
	x          bool // the last character is an X (ID check character)
}

func (set *groupSet) reset() {
	set.groups, set.digits, set.offs = set.groups[:0], set.digits[:0], set.offs[:0]
}

func (g group) size() int { return g.d1 - g.d0 }

// link says how a group joins the previous group of its set.
type link uint8

const (
	linkNone  link = iota // not joined: a new chain starts
	linkSep               // one separator between: 138 1234, 010-62345678
	linkParen             // an area code in parentheses before: (010)62345678
)

// scan cuts s into groups, in one pass.
func (f *finder) scan() {
	s := f.s
	next := 0 // index of the next e-mail region
	for i := 0; i < len(s); {
		if next < len(f.emails) && i == f.emails[next].start {
			i = f.arabicToken(i, &next)
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case isArabic(r) || isWord(r):
			i = f.arabicToken(i, &next)
		case isChinese(r):
			i = f.chineseRun(i)
		default:
			i += w
		}
	}
}

// arabicToken reads the maximal run of digits and word characters at i and
// records it as a group if it is all digits, or digits and a final X. An
// e-mail region inside the run makes the whole run a word. It returns the
// end of the run.
func (f *finder) arabicToken(i int, next *int) int {
	s, set := f.s, &f.arabic
	start, d0 := i, len(set.digits)
	pure, x := true, false
	for i < len(s) {
		if *next < len(f.emails) && i == f.emails[*next].start {
			i = f.emails[*next].end
			*next++
			pure = false
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if isInvisible(r) {
			j := skipInvisible(s, i)
			if q, _ := utf8.DecodeRuneInString(s[j:]); !isArabic(q) && !isWord(q) {
				break
			}
			i = j
			continue
		}
		if d, ok := arabicDigit(r); ok {
			pure = pure && !x
			set.digits = append(set.digits, d)
			set.offs = append(set.offs, i)
		} else if isWord(r) {
			if pure && !x && i > start && (r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ') {
				x = true
				set.digits = append(set.digits, 'X')
				set.offs = append(set.offs, i)
			} else {
				pure = false
			}
		} else {
			break
		}
		i += w
	}
	if !pure {
		set.digits, set.offs = set.digits[:d0], set.offs[:d0]
		return i
	}
	g := group{start: start, end: i, d0: d0, d1: len(set.digits), x: x}
	g.link = f.arabicLink(g)
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[i:])
	g.canStart = !joinedBefore(s, start) && !maskBefore(s, start) && !isCurrency(before)
	g.canEnd = !joinedAfter(s, i) && !isUnit(after)
	set.groups = append(set.groups, g)
	return i
}

// arabicLink tells how g joins the previous digit group.
func (f *finder) arabicLink(g group) link {
	gs := f.arabic.groups
	if len(gs) == 0 {
		return linkNone
	}
	prev := gs[len(gs)-1]
	gap := f.s[prev.end:g.start]
	if isOneSep(gap) {
		return linkSep
	}
	// (010)62345678, （0755） 2345678
	for _, p := range [...][2]string{{"(", ")"}, {"（", "）"}} {
		if strings.HasSuffix(f.s[:prev.start], p[0]) && strings.HasPrefix(gap, p[1]) {
			if rest := gap[len(p[1]):]; rest == "" || isOneSep(rest) {
				return linkParen
			}
		}
	}
	return linkNone
}

// chineseRun reads the maximal run of Chinese numerals at i and records it
// as a group. It returns the end of the run.
func (f *finder) chineseRun(i int) int {
	s, set := f.s, &f.chinese
	start, d0 := i, len(set.digits)
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if isInvisible(r) {
			j := skipInvisible(s, i)
			if q, _ := utf8.DecodeRuneInString(s[j:]); !isChinese(q) {
				break
			}
			i = j
			continue
		}
		d, ok := chineseDigit(r)
		if !ok {
			break
		}
		set.digits = append(set.digits, d)
		set.offs = append(set.offs, i)
		i += w
	}
	g := group{start: start, end: i, d0: d0, d1: len(set.digits)}
	if n := len(set.groups); n > 0 && isOneSep(s[set.groups[n-1].end:start]) {
		g.link = linkSep
	}
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[i:])
	g.canStart = !blocksChinese(before) && !maskBefore(s, start)
	g.canEnd = !blocksChinese(after)
	set.groups = append(set.groups, g)
	return i
}

// matchGroups finds the numbers among the groups of set, left to right: at
// each group that may start a number, at returns the number that starts
// there (if any) and the index of its last group.
func (f *finder) matchGroups(set *groupSet, at func(set *groupSet, i int) (match, int, bool)) {
	for i := 0; i < len(set.groups); i++ {
		if !set.groups[i].canStart {
			continue
		}
		if m, last, ok := at(set, i); ok {
			f.out = append(f.out, m)
			i = last
		}
	}
}

// joinedBefore reports whether the group at start continues a decimal,
// version or address on its left: "3.138…", "v2.1…".
func joinedBefore(s string, start int) bool {
	r, w := utf8.DecodeLastRuneInString(s[:start])
	if r != '.' && r != '．' {
		return false
	}
	q, _ := utf8.DecodeLastRuneInString(s[:start-w])
	return isAlnum(q)
}

// joinedAfter reports whether the group ending at end continues on its right
// with a decimal point or a dot and more letters or digits: "….50", "….cn".
func joinedAfter(s string, end int) bool {
	r, w := utf8.DecodeRuneInString(s[end:])
	if r != '.' && r != '．' {
		return false
	}
	q, _ := utf8.DecodeRuneInString(s[end+w:])
	return isAlnum(q)
}

// maskBefore reports whether the group at start follows a separator that
// follows a mask character, as the last group of a masked "138 **** 5678"
// does. Such a group never starts a number, so masking cannot turn what
// remains visible of a number into a new one.
func maskBefore(s string, start int) bool {
	r, w := utf8.DecodeLastRuneInString(s[:start])
	if !isSep(r) {
		return false
	}
	q, _ := utf8.DecodeLastRuneInString(s[:start-w])
	return q == '*' || q == '＊'
}

// isCurrency reports whether r before digits makes them an amount.
func isCurrency(r rune) bool {
	switch r {
	case '¥', '￥', '$', '＄', '€', '£':
		return true
	}
	return false
}

// isUnit reports whether r after digits makes them an amount or a
// quantity: 13812345678元 is money, not a phone number.
func isUnit(r rune) bool {
	switch r {
	case '元', '圆', '块', '角', '百', '千', '万', '萬', '亿', '億', '%', '％':
		return true
	}
	return false
}

// isOneSep reports whether s is exactly one separator.
func isOneSep(s string) bool {
	r, w := utf8.DecodeRuneInString(s)
	return w == len(s) && isSep(r)
}

// isSep reports whether r may separate the digit groups of one number.
func isSep(r rune) bool {
	switch r {
	case ' ', '-', '\u00a0', '\u3000', '－':
		return true
	}
	return false
}

func isArabic(r rune) bool {
	_, ok := arabicDigit(r)
	return ok
}

// arabicDigit returns the ASCII digit for an ASCII or full-width digit.
func arabicDigit(r rune) (byte, bool) {
	switch {
	case '0' <= r && r <= '9':
		return byte(r), true
	case '０' <= r && r <= '９':
		return byte(r-'０') + '0', true
	}
	return 0, false
}

// isWord reports whether r, next to a digit, makes the digits part of a
// code rather than a number: a letter (ASCII or full-width), an underscore
// or a mask character.
func isWord(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z',
		'ａ' <= r && r <= 'ｚ', 'Ａ' <= r && r <= 'Ｚ',
		r == '_', r == '*', r == '＊':
		return true
	}
	return false
}

// isAlnum reports whether r is a letter or a digit, ASCII or full-width.
func isAlnum(r rune) bool {
	return isArabic(r) || isWord(r) && r != '_' && r != '*' && r != '＊'
}

func isChinese(r rune) bool {
	_, ok := chineseDigit(r)
	return ok
}

// chineseDigit returns the digit a Chinese numeral stands for when a number
// is read out digit by digit: 幺 is 1, 零 and 〇 are 0, 两 is 2.
func chineseDigit(r rune) (byte, bool) {
	switch r {
	case '零', '〇':
		return '0', true
	case '一', '幺':
		return '1', true
	case '二', '两', '兩':
		return '2', true
	case '三':
		return '3', true
	case '四':
		return '4', true
	case '五':
		return '5', true
	case '六':
		return '6', true
	case '七':
		return '7', true
	case '八':
		return '8', true
	case '九':
		return '9', true
	}
	return 0, false
}

// blocksChinese reports whether r next to a run of Chinese numerals makes
// it a quantity or part of a code: 十 百 千 万 亿 点, a digit, a letter or a
// mask character.
func blocksChinese(r rune) bool {
	switch r {
	case '十', '百', '千', '万', '亿', '萬', '億', '点', '點':
		return true
	}
	return isArabic(r) || isWord(r)
}

// isInvisible reports whether r shows nothing: the zero-width space,
// non-joiner and joiner, direction marks and controls, the word joiner and
// invisible operators, the byte order mark, the soft hyphen, the Mongolian
// vowel separator and variation selectors. Inside a number they are
// skipped (138\u200b1234\u200b5678 is a number) and left as they are.
func isInvisible(r rune) bool {
	switch {
	case r < 0xAD:
		return false
	case r == 0xAD, r == 0x34F, r == 0x61C, r == 0x180E,
		0x200B <= r && r <= 0x200F, 0x202A <= r && r <= 0x202E,
		0x2060 <= r && r <= 0x2064, 0x2066 <= r && r <= 0x2069,
		r == 0xFEFF, 0xFE00 <= r && r <= 0xFE0F, 0xE0100 <= r && r <= 0xE01EF:
		return true
	}
	return false
}

// skipInvisible returns the index of the first rune at or after i that is
// not invisible.
func skipInvisible(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isInvisible(r) {
			break
		}
		i += w
	}
	return i
}
