package redact

import "strings"

// maxDigits is the most digits a number may have: a 19-digit card.
const maxDigits = 19

// arabicAt returns the number that starts at group i of the digit groups,
// and the index of its last group. When several runs of groups from i make
// a number, the longest wins; for one run the kinds are tried in the order
// ID card, bank card, mobile, landline.
func (f *finder) arabicAt(set *groupSet, i int) (best match, last int, ok bool) {
	gs := set.groups
	for j := i; j < len(gs); j++ {
		if j > i && (gs[j].link == linkNone || gs[j-1].x) {
			break // the chain ends, or an ID check character ended it
		}
		if j > i+1 && gs[i+1].link == linkParen {
			break // (010)62345678 is a landline and nothing longer
		}
		if gs[j].d1-gs[i].d0 > maxDigits {
			break
		}
		if !gs[j].canEnd {
			continue
		}
		if m, found := f.numberIn(set, i, j); found {
			best, last, ok = m, j, true
		}
	}
	return best, last, ok
}

// numberIn returns the number made of exactly the groups i..j, if any.
func (f *finder) numberIn(set *groupSet, i, j int) (match, bool) {
	gs := set.groups[i : j+1]
	d := string(set.digits[gs[0].d0:gs[len(gs)-1].d1])
	offs := set.offs[gs[0].d0:gs[len(gs)-1].d1]
	span := Span{Start: gs[0].start, End: gs[len(gs)-1].end}
	if len(gs) == 2 && gs[1].link == linkParen {
		if !isLandline(gs, d) {
			return match{}, false
		}
		span.Start = strings.LastIndexAny(f.s[:span.Start], "(（")
		return landline(span, gs, offs), true
	}
	if len(d) == 18 && idShape(gs) && validID(d) {
		span.Kind = IDCard
		return match{Span: span, core: offs, keepHead: 3, keepTail: 4}, true
	}
	if gs[len(gs)-1].x {
		return match{}, false // an X ends nothing but an ID
	}
	if len(d) >= 16 && cardShape(gs) && cardPrefix(d) && luhn(d) {
		span.Kind = BankCard
		return match{Span: span, core: offs, keepTail: 4}, true
	}
	if p, ok := mobilePrefix(gs, d); ok && (len(gs) < 11 || alone(set, i, j)) {
		if p > 0 && d[0] == '8' {
			// +86 13812345678: the plus sign belongs to the number.
			for _, plus := range [...]string{"+", "＋"} {
				if strings.HasSuffix(f.s[:span.Start], plus) {
					span.Start -= len(plus)
					break
				}
			}
		}
		span.Kind = Mobile
		return match{Span: span, core: offs[p:], keepHead: 3, keepTail: 4}, true
	}
	if (len(gs) == 2 || len(gs) == 3 && gs[2].size() == 4) && isLandline(gs, d) {
		return landline(span, gs, offs), true
	}
	return match{}, false
}

// landline returns the landline match of area code gs[0] and number gs[1]:
// the area code stays, the number keeps its last four digits.
func landline(span Span, gs []group, offs []int) match {
	span.Kind = Landline
	return match{Span: span, core: offs[gs[0].size():], keepTail: 4}
}

// chineseAt returns the mobile number in Chinese numerals that starts at
// group i, and the index of its last group. Only mobile numbers are
// detected in Chinese numerals.
func chineseAt(set *groupSet, i int) (match, int, bool) {
	gs := set.groups
	for j := i; j < len(gs) && j < i+11; j++ {
		if j > i && gs[j].link == linkNone {
			break
		}
		if !gs[j].canEnd {
			continue
		}
		run := gs[i : j+1]
		d := string(set.digits[run[0].d0:run[len(run)-1].d1])
		if mobileShape(run) && isMobile(d) && (len(run) < 11 || alone(set, i, j)) {
			m := match{
				Span: Span{Start: run[0].start, End: run[len(run)-1].end, Kind: Mobile},
				core: set.offs[run[0].d0:run[len(run)-1].d1], keepHead: 3, keepTail: 4,
			}
			return m, j, true
		}
	}
	return match{}, 0, false
}

// mobilePrefix reports whether the groups are a mobile number, and how many
// of the digits are a country prefix: 13812345678, 138 1234 5678,
// 138-12345678, +86 138 1234 5678, 0086-13812345678, 8613812345678.
func mobilePrefix(gs []group, d string) (int, bool) {
	if len(gs) == 1 {
		for _, p := range [...]string{"", "86", "0086"} {
			if len(d) == len(p)+11 && strings.HasPrefix(d, p) && isMobile(d[len(p):]) {
				return len(p), true
			}
		}
		return 0, false
	}
	if p := gs[0].size(); (d[:p] == "86" || d[:p] == "0086") && mobileShape(gs[1:]) && isMobile(d[p:]) {
		return p, true
	}
	return 0, mobileShape(gs) && isMobile(d)
}

// mobileShape reports whether the group sizes are a way of writing a mobile
// number: 11, 3-4-4, 3-8, or eleven single digits (1 3 8 1 2 3 4 5 6 7 8,
// as some speech recognizers write a number read out).
func mobileShape(gs []group) bool {
	switch len(gs) {
	case 1:
		return gs[0].size() == 11
	case 2:
		return gs[0].size() == 3 && gs[1].size() == 8
	case 3:
		return gs[0].size() == 3 && gs[1].size() == 4 && gs[2].size() == 4
	case 11:
		for _, g := range gs {
			if g.size() != 1 {
				return false
			}
		}
		return true
	}
	return false
}

// alone reports whether no single digit is joined to groups i..j on either
// side, so that eleven single digits are a whole run of them and not part
// of a longer one.
func alone(set *groupSet, i, j int) bool {
	gs := set.groups
	if i > 0 && gs[i].link == linkSep && gs[i-1].size() == 1 {
		return false
	}
	return j+1 == len(gs) || gs[j+1].link != linkSep || gs[j+1].size() != 1
}

// isMobile reports whether d is a mainland mobile number, 1[3-9] and nine
// more digits.
func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// isLandline reports whether the groups, with digits d, are an area code
// and a local number in one group or two (021 5555 1234, 0755 234 5678):
// 010 or 02x with 8 digits, 0[3-9]xx with 7 or 8 digits, the local number
// not starting with 0 or 1.
func isLandline(gs []group, d string) bool {
	area, local := gs[0].size(), len(d)-gs[0].size()
	for _, g := range gs {
		if g.x {
			return false
		}
	}
	if d[0] != '0' || d[area] < '2' {
		return false
	}
	switch {
	case area == 3 && (d[:3] == "010" || d[1] == '2'):
		return local == 8
	case area == 4 && d[1] >= '3':
		return local == 7 || local == 8
	}
	return false
}

// idShape reports whether the group sizes are a way of writing an ID
// number: 18 or 6-8-4.
func idShape(gs []group) bool {
	switch len(gs) {
	case 1:
		return true
	case 3:
		return gs[0].size() == 6 && gs[1].size() == 8 && gs[2].size() == 4
	}
	return false
}

// cardShape reports whether the group sizes are a way of writing a card
// number: all digits in one group, or groups of four with a last group of
// one to four.
func cardShape(gs []group) bool {
	if len(gs) == 1 {
		return true
	}
	for _, g := range gs[:len(gs)-1] {
		if g.size() != 4 {
			return false
		}
	}
	return gs[len(gs)-1].size() <= 4
}

// cardPrefix reports whether d starts like a payment card number:
// 4 (Visa), 5 (Mastercard), 6 (UnionPay 62, Discover) or 35 (JCB).
func cardPrefix(d string) bool {
	return d[0] == '4' || d[0] == '5' || d[0] == '6' || strings.HasPrefix(d, "35")
}

// luhn reports whether the digits d pass the Luhn check.
func luhn(d string) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}
