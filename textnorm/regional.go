package textnorm

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Regional-variety tables map written Cantonese, Taiwan usage and common
// regional words to the Mandarin forms the rule packs are written in
// (唔→不, 佢→他, 冇→没有, 地检署→检察院, 劳保→社保 …), so that one rule
// matches every variety. They are applied after Traditional→Simplified,
// and every output rune keeps the offset of the original phrase it came
// from, so evidence still quotes what was said.
//
// The tables are data (regional/*.tsv, embedded): one `from<TAB>to` a
// line, `#` comments, keys in Simplified as OpenCC's t2s leaves them. A
// line whose `to` equals its `from` protects a word from shorter keys
// inside it (联系 keeps 系 from the Cantonese 系→是). The longest key wins
// at each position.
//
// A directive line `#! certain` or `#! lexical` sets the kind of the
// entries below it, up to the next such line; a file starts lexical.
// Certain entries are grammar (pronouns, negation, the copula, aspect and
// sentence particles, demonstratives, question words) and everyday words
// with one Mandarin equivalent (咗→了, 唔→不, 佢→他, 睇→看): the rewrite
// says the same thing. Lexical entries approximate a word that shifts
// meaning across the border (地检署→检察院, 健保→医保, 差佬→警察), and
// Normalized.Regional reports only rewrites that went through one, so
// that a match resting on them can be reviewed. `#! markers:` lists the
// Cantonese marker characters; any other `#!` directive is a load error.
//
//   - general.tsv: Taiwan and mainland regional words, applied to all text;
//   - opencc_tw.tsv: generated from OpenCC's TWPhrasesRev and
//     TWVariantsRevPhrases (Apache-2.0; see NOTICE), applied to all text;
//   - cantonese.tsv: Cantonese grammar words, applied only to text that
//     holds one of the Cantonese marker characters listed in its
//     `#! markers:` line (唔 嘅 咗 …), so that Mandarin text with 系 or 点
//     is never rewritten.
//
//go:generate go run ./internal/regionalgen
//go:embed regional/*.tsv
var regionalFS embed.FS

// regionalTable is a longest-match rune trie.
type regionalTable struct {
	nodes []regionalNode
	// first marks the runes a key starts with (Basic Multilingual Plane
	// bitset); text with none of them is left alone without a trie walk.
	first [1 << 16 / 64]uint64
	// one marks the runes that are keys by themselves; second the runes a
	// key of two or more runes has second (Basic Multilingual Plane
	// bitsets; a rune outside it is looked up in the trie): keyAt tests
	// them before walking the trie's maps.
	one, second [1 << 16 / 64]uint64
	size        int
}

type regionalNode struct {
	next  map[rune]int32
	to    []rune
	isKey bool
	// certain marks an entry whose rewrite keeps the meaning (a
	// `#! certain` line); the others are lexical approximations.
	certain bool
}

func newRegionalTable() *regionalTable {
	return &regionalTable{nodes: []regionalNode{{}}}
}

func (t *regionalTable) add(from, to string, certain bool) {
	node := int32(0)
	for _, r := range from {
		child, ok := t.nodes[node].next[r]
		if !ok {
			child = int32(len(t.nodes))
			t.nodes = append(t.nodes, regionalNode{})
			if t.nodes[node].next == nil {
				t.nodes[node].next = map[rune]int32{}
			}
			t.nodes[node].next[r] = child
		}
		node = child
	}
	if !t.nodes[node].isKey {
		t.size++
	}
	t.nodes[node].isKey = true
	t.nodes[node].to = []rune(to)
	t.nodes[node].certain = certain
	r, size := utf8.DecodeRuneInString(from)
	if r < 1<<16 {
		t.first[r/64] |= 1 << (r % 64)
	}
	if size == len(from) && r < 1<<16 {
		t.one[r/64] |= 1 << (r % 64)
	}
	if r2, _ := utf8.DecodeRuneInString(from[size:]); size < len(from) && r2 < 1<<16 {
		t.second[r2/64] |= 1 << (r2 % 64)
	}
}

// bmpHas reports whether the bitset marks r; runes outside the Basic
// Multilingual Plane count as marked.
func bmpHas(set *[1 << 16 / 64]uint64, r rune) bool {
	return r >= 1<<16 || set[r/64]&(1<<(r%64)) != 0
}

func (t *regionalTable) mayStart(r rune) bool {
	return r >= 1<<16 || t.first[r/64]&(1<<(r%64)) != 0
}

// rewriteLog records the rewrites of one text: lexical[m-1] says whether
// rewrite m (a mark) is a lexical approximation.
type rewriteLog struct{ lexical []bool }

// add records a rewrite and returns its mark.
func (l *rewriteLog) add(lexical bool) int32 {
	l.lexical = append(l.lexical, lexical)
	return int32(len(l.lexical))
}

// isLexical reports whether mark m (0: none) is a lexical rewrite.
func (l rewriteLog) isLexical(m int32) bool {
	return m > 0 && l.lexical[m-1]
}

// apply rewrites rs with the table; src[i] is the original rune index of
// rs[i] (nil: i itself), and mark[i] the rewrite rs[i] came from (0: none;
// nil: none yet), recorded in log. A rewrite is lexical when its entry is,
// or when a rune it rewrites came from a lexical rewrite of an earlier
// pass. It returns the new runes, their sources and marks, and whether
// anything changed. Untouched text is returned as is, with no allocation.
func (t *regionalTable) apply(rs []rune, src []int, mark []int32, log *rewriteLog) ([]rune, []int, []int32, bool) {
	var out []rune
	var outSrc []int
	var outMark []int32
	changed := false
	for i := 0; i < len(rs); {
		end, to, certain := t.longest(rs, i)
		if end < 0 {
			if out != nil {
				out = append(out, rs[i])
				outSrc = append(outSrc, srcAt(src, i))
				outMark = append(outMark, markAt(mark, i))
			}
			i++
			continue
		}
		same := end-i == len(to)
		for k := 0; same && k < len(to); k++ {
			same = to[k] == rs[i+k]
		}
		if same {
			if out != nil {
				for k := i; k < end; k++ {
					out = append(out, rs[k])
					outSrc = append(outSrc, srcAt(src, k))
					outMark = append(outMark, markAt(mark, k))
				}
			}
			i = end
			continue
		}
		if out == nil {
			// The first change: copy what came before it.
			out = append(make([]rune, 0, len(rs)+8), rs[:i]...)
			outSrc = make([]int, 0, len(rs)+8)
			outMark = make([]int32, 0, len(rs)+8)
			for k := range i {
				outSrc = append(outSrc, srcAt(src, k))
				outMark = append(outMark, markAt(mark, k))
			}
		}
		changed = true
		lexical := !certain
		for k := i; k < end && !lexical; k++ {
			lexical = log.isLexical(markAt(mark, k))
		}
		m := log.add(lexical)
		for k := range to {
			outMark = append(outMark, m)
			out = append(out, to[k])
			// Each output rune comes from the original rune at the same
			// place in the phrase, or from its last rune.
			outSrc = append(outSrc, srcAt(src, min(i+k, end-1)))
		}
		i = end
	}
	if !changed {
		return rs, src, mark, false
	}
	return out, outSrc, outMark, true
}

// markAt is mark[i], or 0 when mark is nil (nothing rewritten yet).
func markAt(mark []int32, i int) int32 {
	if mark == nil {
		return 0
	}
	return mark[i]
}

// srcAt is src[i], or i itself when src is nil (nothing rewritten yet).
func srcAt(src []int, i int) int {
	if src == nil {
		return i
	}
	return src[i]
}

// longest returns the end of the longest key that starts at rs[i], its
// replacement and whether it is certain, or -1.
// keyAt reports whether a key of the table starts at byte i of s.
func (t *regionalTable) keyAt(s string, i int) bool {
	if r, size := utf8.DecodeRuneInString(s[i:]); r < 1<<16 {
		if t.one[r/64]&(1<<(r%64)) != 0 {
			return true
		}
		if r2, _ := utf8.DecodeRuneInString(s[i+size:]); i+size >= len(s) || !bmpHas(&t.second, r2) {
			return false
		}
	}
	node := int32(0)
	for _, r := range s[i:] {
		next, ok := t.nodes[node].next[r]
		if !ok {
			return false
		}
		node = next
		if t.nodes[node].isKey {
			return true
		}
	}
	return false
}

func (t *regionalTable) longest(rs []rune, i int) (int, []rune, bool) {
	if !t.mayStart(rs[i]) {
		return -1, nil, false
	}
	node, end := int32(0), -1
	var to []rune
	certain := false
	for j := i; j < len(rs); j++ {
		next, ok := t.nodes[node].next[rs[j]]
		if !ok {
			break
		}
		node = next
		if t.nodes[node].isKey {
			end, to, certain = j+1, t.nodes[node].to, t.nodes[node].certain
		}
	}
	return end, to, certain
}

var (
	regionalAll       *regionalTable // general and OpenCC Taiwan entries
	regionalCantonese *regionalTable
	// cantoneseMarkers marks the marker characters (all in the Basic
	// Multilingual Plane).
	cantoneseMarkers [1 << 16 / 64]uint64
)

// buildRegional builds the regional tables from the embedded files.
func buildRegional() {
	var err error
	var markers string
	regionalAll, regionalCantonese, markers, err = loadRegional()
	if err != nil {
		panic(err) // embedded data; TestRegionalTablesLoad keeps it valid
	}
	for _, r := range markers {
		if r < 1<<16 {
			cantoneseMarkers[r/64] |= 1 << (r % 64)
		}
	}
}

// loadRegional reads the embedded tables.
func loadRegional() (all, canto *regionalTable, markers string, err error) {
	all, canto = newRegionalTable(), newRegionalTable()
	entries, err := regionalFS.ReadDir("regional")
	if err != nil {
		return nil, nil, "", err
	}
	for _, e := range entries {
		name := path.Join("regional", e.Name())
		data, err := regionalFS.ReadFile(name)
		if err != nil {
			return nil, nil, "", err
		}
		t := all
		if e.Name() == "cantonese.tsv" {
			t = canto
		}
		m, err := parseRegional(name, data, t)
		if err != nil {
			return nil, nil, "", err
		}
		markers += m
	}
	return all, canto, markers, nil
}

// parseRegional reads one table into t and returns its marker characters.
// Its entries are lexical up to a `#! certain` line.
func parseRegional(name string, data []byte, t *regionalTable) (string, error) {
	var markers string
	certain := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if d, ok := strings.CutPrefix(text, "#!"); ok {
			if m, ok := strings.CutPrefix(d, " markers:"); ok {
				markers += strings.Join(strings.Fields(m), "")
				continue
			}
			switch strings.TrimSpace(d) {
			case "certain":
				certain = true
			case "lexical":
				certain = false
			default:
				return "", fmt.Errorf("%s:%d: unknown directive %q (want `#! certain`, `#! lexical` or `#! markers:`)", name, line, text)
			}
			continue
		}
		if i := strings.Index(text, "#"); i >= 0 {
			text = text[:i]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		from, to, ok := strings.Cut(text, "\t")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" || strings.Contains(to, "\t") {
			return "", fmt.Errorf("%s:%d: want `from<TAB>to`, got %q", name, line, sc.Text())
		}
		t.add(from, to, certain)
	}
	return markers, sc.Err()
}

// hasCantonese reports whether s holds a Cantonese marker character.
func hasCantonese(s string) bool {
	if asciiOnly(s) {
		return false
	}
	for _, r := range s {
		if r < 1<<16 && cantoneseMarkers[r/64]&(1<<(r%64)) != 0 {
			return true
		}
	}
	return false
}

// maxRegionalPasses bounds the rewriting; a table whose output feeds
// another key settles in two.
const maxRegionalPasses = 4

// toMandarin applies the regional tables to the Simplified runes rs of
// the original text s, src giving each rune's original rune index. It
// returns the runes, their sources, per rune the regional rewrite it came
// from (1, 2, …; 0 for a rune no table rewrote; nil when no table rewrote
// anything), and the log that says which rewrites are lexical.
func toMandarin(s string, rs []rune, src []int) ([]rune, []int, []int32, rewriteLog) {
	canto := hasCantonese(s)
	var mark []int32
	var log rewriteLog
	for range maxRegionalPasses {
		var c1, c2 bool
		rs, src, mark, c1 = regionalAll.apply(rs, src, mark, &log)
		if canto {
			rs, src, mark, c2 = regionalCantonese.apply(rs, src, mark, &log)
		}
		if !c1 && !c2 {
			break
		}
	}
	return rs, src, mark, log
}
