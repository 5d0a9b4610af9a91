package redact

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Kind is a kind of personal data.
type Kind string

// The kinds of personal data that Find reports.
const (
	// Mobile is a mainland mobile number, 1[3-9] and nine more digits, with
	// an optional +86, 86 or 0086 prefix.
	Mobile Kind = "mobile"
	// Landline is a fixed-line number written with its area code:
	// 010-62345678, (0755)2345678.
	Landline Kind = "landline"
	// IDCard is an 18-character resident identity card number with a valid
	// area, birth date and GB 11643 check character.
	IDCard Kind = "id_card"
	// BankCard is a 16–19 digit payment card number with a card prefix and
	// a valid Luhn check digit.
	BankCard Kind = "bank_card"
	// Email is an e-mail address, local@domain.tld.
	Email Kind = "email"
)

// Span is one detected item: bytes [Start, End) of the text.
//
// A span covers the whole item as written, including a +86 prefix, the
// separators between digit groups and the parentheses around an area code;
// Mask changes only some of the bytes inside it (see the package doc).
type Span struct {
	Start, End int
	Kind       Kind
}

// Find returns the personal data in s, in order, non-overlapping.
// It returns nil when there is none.
func Find(s string) []Span {
	f := find(s)
	defer f.release()
	if len(f.out) == 0 {
		return nil
	}
	spans := make([]Span, len(f.out))
	for i, m := range f.out {
		spans[i] = m.Span
	}
	return spans
}

// Mask returns s with the personal data masked.
//
// Each masked rune is replaced by a mask of the same byte width: '*' for an
// ASCII digit or letter, '＊' (U+FF0A) for a full-width digit or a Chinese
// numeral. Separators, prefixes, area codes and the kept digits stay as they
// are, so the result has the length of s and every byte offset into s stays
// valid. Mask is idempotent, and Find(Mask(s)) is empty. Invalid UTF-8 is
// kept byte for byte.
func Mask(s string) string {
	f := find(s)
	defer f.release()
	if len(f.out) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	done := 0
	for _, m := range f.out {
		for _, off := range m.core[m.keepHead : len(m.core)-m.keepTail] {
			b.WriteString(s[done:off])
			if s[off] < utf8.RuneSelf {
				b.WriteByte('*')
				done = off + 1
			} else {
				// Full-width digits and Chinese numerals are all 3 bytes.
				b.WriteString("＊")
				done = off + len("＊")
			}
		}
	}
	b.WriteString(s[done:])
	return b.String()
}

// match is a detected item with what Mask needs: core holds the byte offset
// of each rune of the number proper (or of the e-mail's local part), in
// order, of which the first keepHead and the last keepTail stay visible.
type match struct {
	Span
	core               []int
	keepHead, keepTail int
}

// finders keeps finders, with their buffers, between calls.
var finders = sync.Pool{New: func() any { return new(finder) }}

// find runs the detectors on s: e-mail addresses first, then numbers
// written in digits and in Chinese numerals, outside the addresses. The
// matches are in f.out, in order; the caller hands f back with release.
func find(s string) *finder {
	f := finders.Get().(*finder)
	f.s = s
	f.findEmails()
	f.scan()
	f.matchGroups(&f.arabic, f.arabicAt)
	f.matchGroups(&f.chinese, chineseAt)
	if len(f.chinese.groups) > 0 {
		// Only a text with Chinese numerals may hold a spoken number.
		f.scanSpoken()
		f.addSpoken()
	}
	if len(f.out) > 1 {
		slices.SortFunc(f.out, func(a, b match) int { return a.Start - b.Start })
	}
	return f
}

// release empties f and puts it back in the pool; the buffers of a very
// long text are dropped rather than kept.
func (f *finder) release() {
	if cap(f.arabic.offs)+cap(f.chinese.offs)+cap(f.spoken.offs)+cap(f.localOffs) > 1<<16 {
		*f = finder{}
	}
	f.s = ""
	f.emails, f.localOffs, f.out = f.emails[:0], f.localOffs[:0], f.out[:0]
	f.arabic.reset()
	f.chinese.reset()
	f.spoken.reset()
	finders.Put(f)
}
