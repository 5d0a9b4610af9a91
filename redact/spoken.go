package redact

import (
	"slices"
	"unicode/utf8"
)

// scanSpoken cuts s into the groups of the spoken set: maximal runs of
// digits of either script, ASCII or full-width digits and Chinese
// numerals together (138一二三四五六七八, as speech recognizers write a
// number read out after its first digits), that no letter or mask
// character touches. Only numbers with a Chinese numeral are taken from
// this set (see spokenAt); the others are the arabic and Chinese sets'.
func (f *finder) scanSpoken() {
	s := f.s
	next := 0
	for i := 0; i < len(s); {
		if next < len(f.emails) && i == f.emails[next].start {
			i = f.emails[next].end
			next++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if isArabic(r) || isChinese(r) || isWord(r) {
			i = f.spokenToken(i, &next)
			continue
		}
		i += w
	}
}

// spokenToken reads the run of digits, numerals and word characters at i
// and records it as a group of the spoken set if it holds no word
// character but a final X. It returns the end of the run.
func (f *finder) spokenToken(i int, next *int) int {
	s, set := f.s, &f.spoken
	start, d0 := i, len(set.digits)
	pure, x := true, false
run:
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
			if q, _ := utf8.DecodeRuneInString(s[j:]); !isArabic(q) && !isChinese(q) && !isWord(q) {
				break
			}
			i = j
			continue
		}
		d, ok := arabicDigit(r)
		if !ok {
			d, ok = chineseDigit(r)
		}
		switch {
		case ok:
			pure = pure && !x
			set.digits = append(set.digits, d)
			set.offs = append(set.offs, i)
		case isWord(r):
			if pure && !x && i > start && (r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ') {
				x = true
				set.digits = append(set.digits, 'X')
				set.offs = append(set.offs, i)
			} else {
				pure = false
			}
		default:
			break run
		}
		i += w
	}
	if !pure {
		set.digits, set.offs = set.digits[:d0], set.offs[:d0]
		return i
	}
	g := group{start: start, end: i, d0: d0, d1: len(set.digits), x: x}
	if n := len(set.groups); n > 0 && isOneSep(s[set.groups[n-1].end:start]) {
		g.link = linkSep
	}
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[i:])
	g.canStart = !blocksChinese(before) && !isCurrency(before) && !joinedBefore(s, start) && !maskBefore(s, start)
	g.canEnd = !blocksChinese(after) && !isUnit(after) && !joinedAfter(s, i)
	set.groups = append(set.groups, g)
	return i
}

// spokenAt returns the number with at least one Chinese numeral that
// starts at group i of the spoken set, and the index of its last group:
// an ID number (18 characters, or 6-8-4, all or some in Chinese numerals),
// or a mobile number written partly in digits and partly in numerals
// (numbers all in numerals are chineseAt's). The longest wins.
func (f *finder) spokenAt(set *groupSet, i int) (best match, last int, ok bool) {
	gs := set.groups
	for j := i; j < len(gs); j++ {
		if j > i && (gs[j].link == linkNone || gs[j-1].x) {
			break
		}
		if gs[j].d1-gs[i].d0 > maxDigits {
			break
		}
		if !gs[j].canEnd {
			continue
		}
		run := gs[i : j+1]
		d := string(set.digits[run[0].d0:run[len(run)-1].d1])
		offs := set.offs[run[0].d0:run[len(run)-1].d1]
		han := 0
		for _, off := range offs {
			if r, _ := utf8.DecodeRuneInString(f.s[off:]); isChinese(r) {
				han++
			}
		}
		if han == 0 {
			continue
		}
		span := Span{Start: run[0].start, End: run[len(run)-1].end}
		if len(d) == 18 && idShape(run) && validID(d) {
			span.Kind = IDCard
			best, last, ok = match{Span: span, core: offs, keepHead: 3, keepTail: 4}, j, true
			continue
		}
		if run[len(run)-1].x || han == len(d) {
			continue
		}
		if p, isMob := mobilePrefix(run, d); isMob && (len(run) < 11 || alone(set, i, j)) {
			span.Kind = Mobile
			best, last, ok = match{Span: span, core: offs[p:], keepHead: 3, keepTail: 4}, j, true
		}
	}
	return best, last, ok
}

// addSpoken adds the numbers of the spoken set to f.out, sorted, except
// those that overlap a number found already.
func (f *finder) addSpoken() {
	slices.SortFunc(f.out, func(a, b match) int { return a.Start - b.Start })
	found := len(f.out)
	gs := f.spoken.groups
	for i := 0; i < len(gs); i++ {
		if !gs[i].canStart {
			continue
		}
		m, last, ok := f.spokenAt(&f.spoken, i)
		if !ok {
			continue
		}
		k, _ := slices.BinarySearchFunc(f.out[:found], m.Start, func(a match, start int) int { return a.Start - start })
		if k < found && f.out[k].Start < m.End || k > 0 && f.out[k-1].End > m.Start {
			continue
		}
		f.out = append(f.out, m)
		i = last
	}
}
