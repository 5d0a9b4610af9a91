package segment

import (
	"errors"
	"math"
	"slices"
	"unicode/utf8"
)

// table is a trie of the dictionary's words over units, stored as an
// open-addressing hash table of its edges. A node is the slot of the edge
// that leads to it: its id is the slot's index + 1, the root's is 0, and
// the edge's key is (parent id, unit code). The segmenter walks the units
// of a text from each position, one look-up a unit, and stops as soon as
// an edge is missing. Each look-up reads one slot (a run of them while
// probing), which holds the word id too: a step costs one cache miss in
// a table too large for the cache, where a table keyed by the prefix
// string costs three (the slot, the node, the key's bytes).
//
// A unit's code is its rune when it is one character; a run of two or
// more letters or digits (a Latin word, a number) has a code of its own
// from runs, numbered from runBase, for the runs that occur in the words.
type table struct {
	slots []slot
	mask  uint32
	used  int
	runs  map[string]uint32 // run unit → code
	// runList is runs in code order: runList[code-runBase].
	runList []string
}

// slot is one edge of the trie, and the node it leads to.
type slot struct {
	parent uint32 // the parent's id + 1; 0 marks an empty slot
	code   uint32 // the unit's code
	word   int32  // the id of the word ending at this node, or -1
}

// runBase is the first code of a run unit: above every rune.
const runBase = utf8.MaxRune + 1

// noCode is the code of a unit no word holds; badByteCode|b is that of a
// byte b that is not UTF-8.
const (
	noCode      = math.MaxUint32
	badByteCode = 0xFFFF0000
)

// edgeHash spreads an edge's key over the table (Fibonacci hashing).
func edgeHash(parent, code uint32) uint32 {
	return uint32((uint64(parent)<<32 | uint64(code)) * 0x9E3779B97F4A7C15 >> 32)
}

func (t *table) init(nodes int) {
	size := uint32(16)
	for size < uint32(nodes)*2 {
		size <<= 1
	}
	t.slots = make([]slot, size)
	t.mask = size - 1
	t.used = 0
	t.runs = map[string]uint32{}
	t.runList = nil
}

// code returns the code of unit, or noCode if no word holds it. A byte
// that is not UTF-8 has a code of its own, apart from U+FFFD's.
func (t *table) code(unit string) uint32 {
	r, size := utf8.DecodeRuneInString(unit)
	if size == len(unit) {
		if r == utf8.RuneError && size == 1 {
			return badByteCode | uint32(unit[0])
		}
		return uint32(r)
	}
	if c, ok := t.runs[unit]; ok {
		return c
	}
	return noCode
}

// child returns the id of the node below parent by the unit code, and
// the word ending there (-1 for none); id 0 when there is no such node.
func (t *table) child(parent, code uint32) (uint32, int32) {
	p := parent + 1
	for i := edgeHash(p, code) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.parent == p && s.code == code {
			return i + 1, s.word
		}
		if s.parent == 0 {
			return 0, -1
		}
	}
}

// word returns the id of the word key, or -1.
func (t *table) word(key string) int32 {
	node, w := uint32(0), int32(-1)
	for i := 0; i < len(key); {
		end := unitEnd(key, i)
		c := t.code(key[i:end])
		if c == noCode {
			return -1
		}
		if node, w = t.child(node, c); node == 0 {
			return -1
		}
		i = end
	}
	return w
}

// addWord adds key as word id, with a node for every unit of it, and
// returns its number of units. A word already present keeps its first
// id, as in gse.
func (t *table) addWord(key string, id int32) int {
	node, units := uint32(0), 0
	for i := 0; i < len(key); {
		end := unitEnd(key, i)
		unit := key[i:end]
		c := t.code(unit)
		if c == noCode {
			c = runBase + uint32(len(t.runList))
			t.runs[unit] = c
			t.runList = append(t.runList, unit)
		}
		node = t.insert(node, c)
		units++
		i = end
	}
	if units > 0 && t.slots[node-1].word < 0 {
		t.slots[node-1].word = id
	}
	return units
}

// insert returns the id of the node below parent by code, adding it if it
// is missing. The table grows at three quarters full.
func (t *table) insert(parent, code uint32) uint32 {
	if id, _ := t.child(parent, code); id != 0 {
		return id
	}
	if (t.used+1)*4 > len(t.slots)*3 {
		parent = t.grow(parent)
	}
	p := parent + 1
	i := edgeHash(p, code) & t.mask
	for t.slots[i].parent != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i] = slot{parent: p, code: code, word: -1}
	t.used++
	return i + 1
}

// grow doubles the table. Node ids are slot positions, so every edge is
// placed again with its parent's new id, parents first; grow returns the
// new id of the node keep. An edge that no walk from the root reaches (in
// a damaged table: one below an empty slot, or in a cycle) is dropped, so
// that bad data never makes it loop or panic.
func (t *table) grow(keep uint32) uint32 {
	old := t.slots
	depth := reachDepths(old)
	var order []int
	for i, d := range depth {
		if d > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(depth[a] - depth[b]) })
	t.slots = make([]slot, 2*len(old))
	t.mask = uint32(len(t.slots) - 1)
	t.used = 0
	newID := make([]uint32, len(old)+1) // by old id; the root stays 0
	for _, i := range order {
		s := old[i]
		p := newID[s.parent-1] + 1
		j := edgeHash(p, s.code) & t.mask
		for t.slots[j].parent != 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = slot{parent: p, code: s.code, word: s.word}
		t.used++
		newID[i+1] = j + 1
	}
	return newID[keep]
}

// reachDepths returns, for each slot, the depth below the root of the
// node it holds (1 for a child of the root), or -1 for an empty slot or
// an edge no walk from the root reaches.
func reachDepths(slots []slot) []int32 {
	depth := make([]int32, len(slots)) // 0: not known yet
	var path []int
	for i := range slots {
		if depth[i] != 0 {
			continue
		}
		// Walk up to the root or to a known edge, marking the way (-1).
		path = path[:0]
		d := int32(-1)
		for j := i; ; {
			if slots[j].parent == 0 {
				break // empty: unreachable
			}
			path = append(path, j)
			depth[j] = -1
			p := slots[j].parent - 1 // the parent's id
			if p == 0 {
				d = 1
				break
			}
			k := int(p - 1)
			if k >= len(slots) || depth[k] < 0 {
				break // no such node, or unreachable, or a cycle
			}
			if depth[k] > 0 {
				d = depth[k] + 1
				break
			}
			j = k
		}
		if slots[i].parent == 0 {
			depth[i] = -1
		}
		for n := len(path) - 1; n >= 0; n-- {
			depth[path[n]] = d
			if d > 0 {
				d++
			}
		}
	}
	return depth
}

// The prebuilt table (zh_s.table, written by TestPrebuiltTable -update
// from zh_s.dict.gz) is, little-endian:
//
//	tableMagic
//	uint32 words, slots (a power of two), used slots, max units, runs, 0
//	uint64 total frequency (float64 bits)
//	per run unit, in code order: uint32 length, its bytes
//	per slot: uint32 parent + 1, code, word (int32, -1 for none)
//	per word: uint32 frequency
//
// Loading it reads the slots in place: no key is hashed or compared.
const (
	tableMagic  = "callqa-segment-table-v2\n"
	tableHeader = len(tableMagic) + 6*4 + 8
	slotBytes   = 12
)

// loadTable reads a prebuilt table, checking that every word id is in
// range and that the table has room, so that bad data is an error and
// never a panic or an endless probe later.
func loadTable(data string) (*Dict, error) {
	bad := errors.New("segment: dictionary: truncated or inconsistent table")
	if len(data) < tableHeader || data[:len(tableMagic)] != tableMagic {
		return nil, errors.New("segment: dictionary: bad header")
	}
	h := data[len(tableMagic):]
	words, slots, used, maxUnits, runs := int(u32(h, 0)), int(u32(h, 4)), int(u32(h, 8)), int(u32(h, 12)), int(u32(h, 16))
	total := math.Float64frombits(uint64(u32(h, 24)) | uint64(u32(h, 28))<<32)
	if words > 1<<24 || slots > 1<<28 || slots < 16 || slots&(slots-1) != 0 || used*4 > slots*3 || runs > 1<<20 {
		return nil, bad
	}
	r := data[tableHeader:]
	d := &Dict{total: total, maxUnits: maxUnits, freq: make([]uint32, words)}
	d.tab.runs = make(map[string]uint32, runs)
	for k := 0; k < runs; k++ {
		if len(r) < 4 {
			return nil, bad
		}
		n := int(u32(r, 0))
		if n < 2 || n > len(r)-4 {
			return nil, bad
		}
		unit := r[4 : 4+n]
		d.tab.runs[unit] = runBase + uint32(k)
		d.tab.runList = append(d.tab.runList, unit)
		r = r[4+n:]
	}
	if len(r) != slots*slotBytes+words*4 {
		return nil, bad
	}
	d.tab.slots = make([]slot, slots)
	d.tab.mask = uint32(slots - 1)
	n := 0
	for i := range d.tab.slots {
		s := slot{parent: u32(r, 0), code: u32(r, 4), word: int32(u32(r, 8))}
		r = r[slotBytes:]
		if s.word < -1 || int(s.word) >= words {
			return nil, bad
		}
		if s.parent != 0 {
			n++
		}
		d.tab.slots[i] = s
	}
	if n != used {
		return nil, bad
	}
	d.tab.used = used
	for i := range d.freq {
		d.freq[i] = u32(r, 4*i)
	}
	return d, nil
}

// u32 reads the little-endian uint32 at s[i:].
func u32(s string, i int) uint32 {
	_ = s[i+3]
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}
