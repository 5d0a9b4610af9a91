// Package textread holds what the readers of transcript text share: the
// native text reader in corpus and the subtitle, CSV and vendor JSON
// readers in corpus/asr. It splits and trims lines, joins the pieces of a
// turn, reads clock times and tells speaker labels from text.
package textread

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEmpty is the problem of an input that holds nothing to read.
var ErrEmpty = errors.New("empty file")

// SplitLines splits text at "\n", "\r\n" and "\r". A final line break does
// not start another line.
func SplitLines(text string) []string {
	var lines []string
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	return lines
}

// TrimLine drops white space (including the ideographic space U+3000),
// control characters and stray byte order marks from both ends of s.
func TrimLine(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\ufeff'
	})
}

// InvalidUTF8 returns the offset of the first byte of b that is not part of
// a valid UTF-8 sequence, or -1.
func InvalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// ParseClock parses "hh:mm:ss", "mm:ss" or either with ".fff" or ",fff"
// into seconds.
func ParseClock(s string) (float64, bool) {
	s = strings.ReplaceAll(s, "：", ":")
	frac := 0.0
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		f := s[i+1:]
		if f == "" || len(f) > 9 || !AllDigits(f) {
			return 0, false
		}
		v, err := strconv.ParseFloat("0."+f, 64)
		if err != nil {
			return 0, false
		}
		frac, s = v, s[:i]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var v [3]int
	for i, p := range parts {
		if p == "" || len(p) > 3 || !AllDigits(p) || i > 0 && len(p) > 2 {
			return 0, false
		}
		v[i], _ = strconv.Atoi(p)
	}
	if len(parts) == 2 {
		m, sec := v[0], v[1]
		if sec >= 60 {
			return 0, false
		}
		return float64(m*60+sec) + frac, true
	}
	h, m, sec := v[0], v[1], v[2]
	if m >= 60 || sec >= 60 {
		return 0, false
	}
	return float64(h*3600+m*60+sec) + frac, true
}

// AllDigits reports whether s is one or more ASCII digits.
func AllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaxLabel is the longest role label, in characters. A colon further into
// the line belongs to the text.
const MaxLabel = 12

// LabelLike reports whether s could be a role label: up to MaxLabel
// letters or digits (and '_'), not all digits, optionally followed by one
// parenthesized name as in 客户（张伟）.
func LabelLike(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxLabel {
		return false
	}
	core := s
	if i := strings.IndexAny(s, "(（"); i >= 0 {
		core = s[:i]
		_, size := utf8.DecodeRuneInString(s[i:])
		inner := s[i+size:]
		last, lsize := utf8.DecodeLastRuneInString(inner)
		if last != ')' && last != '）' {
			return false
		}
		inner = inner[:len(inner)-lsize]
		if inner == "" || !WordLike(inner) {
			return false
		}
	}
	if core == "" || !WordLike(core) {
		return false
	}
	for _, r := range core {
		if !unicode.IsDigit(r) {
			return true
		}
	}
	return false // all digits: a number, not a speaker
}

// WordLike reports whether s is made of letters, digits, marks and '_' only.
func WordLike(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_' {
			return false
		}
	}
	return true
}

// Builder joins a turn's first line and its continuation lines:
// directly when either side of the join is CJK (Chinese has no spaces
// between words), with a space otherwise. The zero value is ready to use.
type Builder struct {
	sb   strings.Builder
	last rune
}

// Add appends one line; empty lines add nothing.
func (b *Builder) Add(s string) {
	if s == "" {
		return
	}
	if b.sb.Len() > 0 {
		first, _ := utf8.DecodeRuneInString(s)
		if !joinsTight(b.last) && !joinsTight(first) {
			b.sb.WriteByte(' ')
		}
	}
	b.sb.WriteString(s)
	b.last, _ = utf8.DecodeLastRuneInString(s)
}

// String returns the text so far.
func (b *Builder) String() string { return b.sb.String() }

// Reset empties the builder.
func (b *Builder) Reset() { b.sb.Reset(); b.last = 0 }

// joinsTight reports whether r is a CJK character, CJK punctuation or a
// full-width form.
func joinsTight(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return true
	case 0x3000 <= r && r <= 0x303f, 0xff00 <= r && r <= 0xffef, r == '…', r == '—':
		return true
	}
	return false
}

// JoinText joins two pieces of one turn (two speech-recognition segments,
// or a word to the sentence before it): directly between CJK text, with a
// space between words of other scripts.
func JoinText(a, b string) string {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	if hanOrKana(ra) || hanOrKana(rb) || strings.ContainsRune("，。？！、；：", ra) {
		return a + b
	}
	return a + " " + b
}

func hanOrKana(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana)
}
