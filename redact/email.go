package redact

import (
	"strings"
	"unicode/utf8"
)

// findEmails finds the e-mail-like regions of f.s, local@domain.tld with an
// ASCII '@' or a full-width '＠', in ASCII or full-width letters, digits
// and dots (ｔｅｓｔ＠ｅｘａｍｐｌｅ．ｃｏｍ), and reports those whose local part has no
// mask character as Email.
//
// A region whose local part holds a '*' (an address masked already, such
// as z*******@example.com) is not reported, but it stays a region: the
// number scan skips it either way, so masking an address never exposes the
// digits of its domain to the number detectors.
func (f *finder) findEmails() {
	s := f.s
	for i := 0; i < len(s); i++ {
		at := 0
		switch {
		case s[i] == '@':
			at = 1
		case s[i] == 0xEF && strings.HasPrefix(s[i:], "＠"):
			at = len("＠")
		default:
			continue
		}
		start := i
		for start > 0 {
			r, w := utf8.DecodeLastRuneInString(s[:start])
			if !isLocalRune(r) {
				break
			}
			start -= w
		}
		for start < i {
			r, w := utf8.DecodeRuneInString(s[start:])
			if !isDot(r) {
				break
			}
			start += w
		}
		if last, _ := utf8.DecodeLastRuneInString(s[:i]); start == i || isDot(last) {
			continue
		}
		if n := len(f.emails); n > 0 && start < f.emails[n-1].end {
			continue
		}
		end := domainEnd(s, i+at)
		if end < 0 {
			continue
		}
		f.emails = append(f.emails, region{start, end})
		if local := s[start:i]; !strings.ContainsRune(local, '*') && !strings.ContainsRune(local, '＊') {
			k := len(f.localOffs)
			for off := range local {
				f.localOffs = append(f.localOffs, start+off)
			}
			core := f.localOffs[k:]
			keep := 1
			if len(core) == 1 {
				keep = 0
			}
			f.out = append(f.out, match{Span: Span{start, end, Email}, core: core, keepHead: keep})
		}
		i = end - 1
	}
}

// domainEnd returns the end of the longest domain at i, labels of letters,
// digits and hyphens (ASCII or full-width) joined by dots ('.' or '．'), at
// least two labels, the last of two or more letters; or -1 if there is
// none.
func domainEnd(s string, i int) int {
	end, labels := -1, 0
	for {
		start, letters := i, true
		for i < len(s) {
			r, w := utf8.DecodeRuneInString(s[i:])
			if !isDomainRune(r) {
				break
			}
			letters = letters && isLetter(r)
			i += w
		}
		if i == start {
			return end
		}
		labels++
		if labels >= 2 && letters && utf8.RuneCountInString(s[start:i]) >= 2 {
			end = i
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if next, _ := utf8.DecodeRuneInString(s[min(i+w, len(s)):]); isDot(r) && isDomainRune(next) {
			i += w
			continue
		}
		return end
	}
}

// isLocalRune reports whether r may be part of the local part of an
// address, in ASCII or full-width. The mask characters '*' and '＊' are
// included so that a masked address is still seen as one.
func isLocalRune(r rune) bool {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFF01 - '!' // full-width ASCII
	}
	return r < utf8.RuneSelf && (isDomainChar(byte(r)) || strings.IndexByte("._%+*", byte(r)) >= 0) || r == '＊'
}

// isDomainRune reports whether r may be part of a label of a domain: an
// ASCII or full-width letter, digit or hyphen.
func isDomainRune(r rune) bool {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFF01 - '!'
	}
	return r < utf8.RuneSelf && isDomainChar(byte(r))
}

func isLetter(r rune) bool {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFF01 - '!'
	}
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}

func isDot(r rune) bool { return r == '.' || r == '．' }

func isDomainChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}
