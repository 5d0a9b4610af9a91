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
	size  int
}

type regionalNode struct {
	next  map[rune]int32
	to    []rune
	isKey bool
}

func newRegionalTable() *regionalTable {
	return &regionalTable{nodes: []regionalNode{{}}}
}

func (t *regionalTable) add(from, to string) {
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
	r, _ := utf8.DecodeRuneInString(from)
	if r < 1<<16 {
		t.first[r/64] |= 1 << (r % 64)
	}
}

func (t *regionalTable) mayStart(r rune) bool {
	return r >= 1<<16 || t.first[r/64]&(1<<(r%64)) != 0
}

// apply rewrites rs with the table; src[i] is the original rune index of
// rs[i] (nil: i itself), and mark[i] the rewrite rs[i] came from (0: none;
// nil: none yet), counted on from *last. It returns the new runes, their
// sources and marks, and whether anything changed. Untouched text is
// returned as is, with no allocation.
func (t *regionalTable) apply(rs []rune, src []int, mark []int32, last *int32) ([]rune, []int, []int32, bool) {
	var out []rune
	var outSrc []int
	var outMark []int32
	changed := false
	for i := 0; i < len(rs); {
		end, to := t.longest(rs, i)
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
		*last++
		for k := range to {
			outMark = append(outMark, *last)
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

// longest returns the end of the longest key that starts at rs[i] and its
// replacement, or -1.
func (t *regionalTable) longest(rs []rune, i int) (int, []rune) {
	if !t.mayStart(rs[i]) {
		return -1, nil
	}
	node, end := int32(0), -1
	var to []rune
	for j := i; j < len(rs); j++ {
		next, ok := t.nodes[node].next[rs[j]]
		if !ok {
			break
		}
		node = next
		if t.nodes[node].isKey {
			end, to = j+1, t.nodes[node].to
		}
	}
	return end, to
}

var (
	regionalAll       *regionalTable // general and OpenCC Taiwan entries
	regionalCantonese *regionalTable
	// cantoneseMarkers marks the marker characters (all in the Basic
	// Multilingual Plane).
	cantoneseMarkers [1 << 16 / 64]uint64
)

func init() {
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
func parseRegional(name string, data []byte, t *regionalTable) (string, error) {
	var markers string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if m, ok := strings.CutPrefix(text, "#! markers:"); ok {
			markers += strings.Join(strings.Fields(m), "")
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
		t.add(from, to)
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
// returns the runes, their sources, and per rune the regional rewrite it
// came from (1, 2, …; 0 for a rune no table rewrote), nil when no table
// rewrote anything.
func toMandarin(s string, rs []rune, src []int) ([]rune, []int, []int32) {
	canto := hasCantonese(s)
	var mark []int32
	var last int32
	for range maxRegionalPasses {
		var c1, c2 bool
		rs, src, mark, c1 = regionalAll.apply(rs, src, mark, &last)
		if canto {
			rs, src, mark, c2 = regionalCantonese.apply(rs, src, mark, &last)
		}
		if !c1 && !c2 {
			break
		}
	}
	return rs, src, mark
}
