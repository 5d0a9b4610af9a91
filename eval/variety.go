package eval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/textnorm"
)

// The varieties DetectVariety tells apart, for `callqa eval --by variety`.
const (
	// VarietyCantonese is written Cantonese, in Traditional (Hong Kong)
	// or Simplified (Guangdong) characters.
	VarietyCantonese = "cantonese"
	// VarietyTaiwan is Mandarin in Traditional characters: Taiwan usage,
	// and Simplified text converted to Traditional.
	VarietyTaiwan = "taiwan"
	// VarietyASR is speech-recognition output: long turns with no
	// punctuation.
	VarietyASR = "asr"
	// VarietyMandarin is everything else: Simplified Mandarin with
	// punctuation, regional wording included.
	VarietyMandarin = "mandarin"
)

// Thresholds of DetectVariety.
const (
	// minCantoneseMarkers is how many marker characters a Cantonese call
	// has at least, spread over at least minCantoneseTurns turns, with at
	// least minCantoneseOnly different Cantonese-only ones among them.
	minCantoneseMarkers = 3
	minCantoneseTurns   = 2
	minCantoneseOnly    = 3
	// minTraditional and minTraditionalShare: a Traditional call has at
	// least this many characters that Traditional→Simplified conversion
	// changes, and they are at least this share of its Han characters
	// (about a quarter to a third in Traditional text, none in
	// Simplified text).
	minTraditional      = 3
	minTraditionalShare = 0.10
	// minLongTurn is how many Han characters a turn needs for the
	// speech-recognition test; shorter turns (好, 喂你好) often carry no
	// punctuation in any transcript.
	minLongTurn = 8
	// minLongTurns is how many long turns the speech-recognition test
	// needs at least.
	minLongTurns = 2
)

// cantoneseOnly are characters of written Cantonese that Mandarin text,
// and the Hakka, Xiang and Gan dialect writing that shares 唔 冇 佢 係 with
// Cantonese, hardly uses.
const cantoneseOnly = "嘅咗哋喺嗰噉咁乜嘢啲睇搵揾嚟咩啱"

// cantoneseShared are markers of written Cantonese that Hakka, Xiang (冇)
// and Gan writing use as well: they count towards the number of markers but
// not towards the different Cantonese-only ones.
const cantoneseShared = "唔冇佢"

// DetectVariety classifies a call by the original text of its turns as one
// of VarietyCantonese, VarietyTaiwan, VarietyASR or VarietyMandarin, in
// that order of precedence:
//
//   - cantonese: the turns hold at least 3 Cantonese marker characters, in
//     at least 2 turns, and at least 3 different Cantonese-only ones. The
//     markers are 嘅 咗 哋 喺 嗰 噉 咁 乜 嘢 啲 睇 搵/揾 嚟 咩 啱 (Cantonese
//     only), 唔 冇 佢 (also Hakka, Xiang and Gan dialect writing) and 係/系
//     where it is the Cantonese copula: next to 唔 or 咪 (係唔係, 唔係,
//     係咪) or after 就, 都, 又, 仲 or 亦 (就係, 都係), and never in 關係,
//     聯系, 系統 or the like. So Hakka-flavoured text with 係 唔 冇 佢 and
//     Hunanese 冇得 stay out;
//   - taiwan: Traditional characters (at least 3, and a tenth of the Han
//     characters, that OpenCC's Traditional→Simplified conversion
//     changes; 係 is not counted, as dialect writing in Simplified
//     characters uses it too) without enough Cantonese markers.
//     Simplified text converted to Traditional lands here too;
//   - asr: speech-recognition output: of the turns with at least 8 Han
//     characters (at least 2 such turns), more than half have no
//     punctuation at all. Commas and points between digits (8,650, 3.5,
//     9:30) and masking asterisks are not punctuation;
//   - mandarin: everything else.
//
// A call has exactly one variety: a Cantonese call from speech
// recognition is cantonese, Traditional speech-recognition text taiwan.
func DetectVariety(texts []string) string {
	switch {
	case isCantonese(texts):
		return VarietyCantonese
	case isTraditional(texts):
		return VarietyTaiwan
	case isASR(texts):
		return VarietyASR
	}
	return VarietyMandarin
}

// CallVariety is DetectVariety over the turns of c; "" when c is nil.
func CallVariety(c *corpus.Call) string {
	if c == nil {
		return ""
	}
	texts := make([]string, len(c.Turns))
	for i, t := range c.Turns {
		texts[i] = t.Text
	}
	return DetectVariety(texts)
}

func isCantonese(texts []string) bool {
	markers, turns := 0, 0
	only := make(map[rune]bool)
	for _, text := range texts {
		rs := []rune(text)
		inTurn := 0
		for i, r := range rs {
			switch {
			case strings.ContainsRune(cantoneseOnly, r):
				only[r] = true
				inTurn++
			case strings.ContainsRune(cantoneseShared, r):
				inTurn++
			case (r == '係' || r == '系') && cantoneseCopula(rs, i):
				inTurn++
			}
		}
		markers += inTurn
		if inTurn > 0 {
			turns++
		}
	}
	return markers >= minCantoneseMarkers && turns >= minCantoneseTurns && len(only) >= minCantoneseOnly
}

// cantoneseCopula reports whether 係 or 系 at rs[i] is the Cantonese
// copula ("to be") rather than part of a Mandarin word (关系, 联系, 系统,
// 体系, 系列 …): whether it stands next to 唔 or 咪 or after one of
// 就 都 又 仲 亦.
func cantoneseCopula(rs []rune, i int) bool {
	var prev, next rune
	if i > 0 {
		prev = rs[i-1]
	}
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	return strings.ContainsRune("唔咪就都又仲亦", prev) || strings.ContainsRune("唔咪", next)
}

func isTraditional(texts []string) bool {
	han, trad := 0, 0
	for _, text := range texts {
		simp := textnorm.ToSimplified(text)
		orig := []rune(text)
		conv := []rune(simp)
		sameLen := len(orig) == len(conv)
		for i, r := range orig {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			han++
			switch {
			case r == '係':
				// The copula of Cantonese and Hakka writing, used in
				// Simplified text as well.
			case sameLen:
				if conv[i] != r {
					trad++
				}
			case textnorm.ToSimplified(string(r)) != string(r):
				trad++
			}
		}
	}
	return trad >= minTraditional && float64(trad) >= minTraditionalShare*float64(han)
}

func isASR(texts []string) bool {
	long, bare := 0, 0
	for _, text := range texts {
		han := 0
		for _, r := range text {
			if unicode.Is(unicode.Han, r) {
				han++
			}
		}
		if han < minLongTurn {
			continue
		}
		long++
		if !hasPunctuation(text) {
			bare++
		}
	}
	return long >= minLongTurns && 2*bare > long
}

// hasPunctuation reports whether text has sentence punctuation: any
// Unicode punctuation except masking asterisks (redacted numbers) and the
// ASCII , . : - / ' that stand between two digits (8,650 3.5 9:30
// 2024-05-18).
func hasPunctuation(text string) bool {
	prev := rune(0)
	for i, r := range text {
		if !unicode.IsPunct(r) || r == '*' {
			prev = r
			continue
		}
		if strings.ContainsRune(",.:-/'", r) && isDigit(prev) {
			next, _ := utf8.DecodeRuneInString(text[i+utf8.RuneLen(r):])
			if isDigit(next) {
				prev = r
				continue
			}
		}
		return true
	}
	return false
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }
