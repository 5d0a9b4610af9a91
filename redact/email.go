package redact

import "strings"

// findEmails finds the e-mail-like regions of f.s, local@domain.tld with an
// ASCII '@' or a full-width '＠', and reports those whose local part has no
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
		for start > 0 && isLocalChar(s[start-1]) {
			start--
		}
		for start < i && s[start] == '.' {
			start++
		}
		if start == i || s[i-1] == '.' {
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
		if strings.IndexByte(s[start:i], '*') < 0 {
			k := len(f.localOffs)
			for off := start; off < i; off++ {
				f.localOffs = append(f.localOffs, off)
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

// domainEnd returns the end of the longest domain at i, labels of ASCII
// letters, digits and hyphens joined by dots, at least two labels, the last
// of two or more letters; or -1 if there is none.
func domainEnd(s string, i int) int {
	end, labels := -1, 0
	for {
		start := i
		for i < len(s) && isDomainChar(s[i]) {
			i++
		}
		if i == start {
			return end
		}
		labels++
		if labels >= 2 && isTLD(s[start:i]) {
			end = i
		}
		if i+1 < len(s) && s[i] == '.' && isDomainChar(s[i+1]) {
			i++
			continue
		}
		return end
	}
}

// isLocalChar reports whether c may be part of the local part of an
// address. The mask character '*' is included so that a masked address is
// still seen as one.
func isLocalChar(c byte) bool {
	return isDomainChar(c) || strings.IndexByte("._%+*", c) >= 0
}

func isDomainChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

func isTLD(label string) bool {
	if len(label) < 2 {
		return false
	}
	for i := 0; i < len(label); i++ {
		if c := label[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
