package segment

import (
	"errors"
	"math"
)

// table is an open-addressing hash table of every word and every prefix of
// a word that ends between two units. Walking the units of a text, the
// segmenter stops as soon as a prefix is missing, as a trie walk would.
// Keys live in one byte slice; nodes and slots hold offsets, so the table
// is a handful of flat slices the garbage collector does not scan.
type table struct {
	keys  []byte
	nodes []node
	slots []uint32 // node index + 1; 0 is empty
	mask  uint32
}

type node struct {
	off  uint32 // key = keys[off : off+len]
	len  uint32
	hash uint32
	word int32 // word id, or -1 for a prefix only
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnvAdd(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

func fnvAddBytes(h uint32, s []byte) uint32 {
	for _, c := range s {
		h ^= uint32(c)
		h *= fnvPrime
	}
	return h
}

func (t *table) init(words int) {
	size := uint32(1)
	for size < uint32(words)*2 {
		size <<= 1
	}
	t.slots = make([]uint32, size)
	t.mask = size - 1
	t.nodes = make([]node, 0, words)
}

// extraRoom is the room, in key bytes, a loaded table leaves for the
// extra words New adds in place (a node for about every four).
const extraRoom = 1 << 18

// find returns the node of key (whose hash is h), or -1.
func (t *table) find(h uint32, key string) int {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			return -1
		}
		n := &t.nodes[s-1]
		if n.hash == h && int(n.len) == len(key) && string(t.keys[n.off:n.off+n.len]) == key {
			return int(s - 1)
		}
	}
}

// word returns the id of the word key, or -1.
func (t *table) word(key string) int32 {
	if n := t.find(fnvAdd(fnvOffset, key), key); n >= 0 {
		return t.nodes[n].word
	}
	return -1
}

// addWord adds keys[off:off+n] as word id, with a prefix node at every
// unit boundary inside it, and returns its number of units. A word already
// present keeps its first id, as in gse.
func (t *table) addWord(off, n int, id int32) int {
	h := uint32(fnvOffset)
	units := 0
	for start := 0; start < n; {
		end := unitEnd(t.keys[off:off+n], start)
		h = fnvAddBytes(h, t.keys[off+start:off+end])
		i := t.insert(h, off, end)
		units++
		if end == n && t.nodes[i].word < 0 {
			t.nodes[i].word = id
		}
		start = end
	}
	return units
}

// insert returns the node of keys[off:off+n], adding it as a prefix if it
// is missing.
func (t *table) insert(h uint32, off, n int) int {
	if len(t.nodes)*2 >= len(t.slots) {
		t.grow()
	}
	key := t.keys[off : off+n]
	i := h & t.mask
	for ; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			break
		}
		nd := &t.nodes[s-1]
		if nd.hash == h && int(nd.len) == n && string(t.keys[nd.off:nd.off+nd.len]) == string(key) {
			return int(s - 1)
		}
	}
	t.nodes = append(t.nodes, node{off: uint32(off), len: uint32(n), hash: h, word: -1})
	t.slots[i] = uint32(len(t.nodes))
	return len(t.nodes) - 1
}

func (t *table) grow() {
	size := uint32(len(t.slots)) * 2
	t.slots = make([]uint32, size)
	t.mask = size - 1
	for k := range t.nodes {
		i := t.nodes[k].hash & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = uint32(k + 1)
	}
}

// The prebuilt table (zh_s.table, written by TestPrebuiltTable -update
// from zh_s.dict.gz) is, little-endian:
//
//	tableMagic
//	uint32 words, nodes, key bytes, slots (a power of two), max units, 0
//	uint64 total frequency (float64 bits)
//	the key bytes
//	per node: uint32 off, len, hash, word (int32, -1 for a prefix only)
//	per word: uint32 frequency
//
// Loading it copies the keys, decodes the nodes and frequencies in one
// pass and places the nodes in the slots by their stored hash.
const (
	tableMagic  = "callqa-segment-table-v1\n"
	tableHeader = len(tableMagic) + 6*4 + 8
	nodeBytes   = 16
)

// loadTable reads a prebuilt table, checking that every offset, length
// and word id is in range, so that bad data is an error and never a panic
// later.
func loadTable(data string) (*Dict, error) {
	bad := errors.New("segment: dictionary: truncated or inconsistent table")
	if len(data) < tableHeader || data[:len(tableMagic)] != tableMagic {
		return nil, errors.New("segment: dictionary: bad header")
	}
	h := data[len(tableMagic):]
	words, nodes, keyLen, slots, maxUnits := int(u32(h, 0)), int(u32(h, 4)), int(u32(h, 8)), int(u32(h, 12)), int(u32(h, 16))
	total := math.Float64frombits(uint64(u32(h, 24)) | uint64(u32(h, 28))<<32)
	if words > 1<<24 || nodes > 1<<26 || keyLen > 1<<30 || slots > 1<<28 || slots&(slots-1) != 0 || slots < 2*nodes ||
		len(data) != tableHeader+keyLen+nodes*nodeBytes+words*4 {
		return nil, bad
	}
	d := &Dict{total: total, maxUnits: maxUnits, freq: make([]uint32, words)}
	r := data[tableHeader:]
	// Room for the extra words New adds in place.
	d.tab.keys = append(make([]byte, 0, keyLen+extraRoom), r[:keyLen]...)
	r = r[keyLen:]
	d.tab.nodes = make([]node, nodes, nodes+extraRoom/4)
	d.tab.slots = make([]uint32, slots)
	d.tab.mask = uint32(slots - 1)
	for k := range d.tab.nodes {
		n := node{off: u32(r, 0), len: u32(r, 4), hash: u32(r, 8), word: int32(u32(r, 12))}
		r = r[nodeBytes:]
		if uint64(n.off)+uint64(n.len) > uint64(keyLen) || n.word < -1 || int(n.word) >= words {
			return nil, bad
		}
		d.tab.nodes[k] = n
		i := n.hash & d.tab.mask
		for d.tab.slots[i] != 0 {
			i = (i + 1) & d.tab.mask
		}
		d.tab.slots[i] = uint32(k + 1)
	}
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
