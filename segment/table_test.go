package segment

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite zh_s.table from zh_s.dict.gz")

// TestPrebuiltTable proves that the embedded table is the one built by
// inserting every word of zh_s.dict.gz, as the segmenter used to at load
// time; with -update (go generate) it writes that table.
func TestPrebuiltTable(t *testing.T) {
	gz, err := os.ReadFile("zh_s.dict.gz")
	require.NoError(t, err)
	words, err := decodeWords(gz)
	require.NoError(t, err)
	d, err := decode(gz)
	require.NoError(t, err)
	built := marshalTable(d)
	if *update {
		require.NoError(t, os.WriteFile("zh_s.table", built, 0o644))
		t.Logf("zh_s.table: %d bytes", len(built))
		return
	}
	require.True(t, string(built) == tableData, "zh_s.table is not built from zh_s.dict.gz: run go generate ./segment")

	loaded, err := loadTable(tableData)
	require.NoError(t, err)
	require.Equal(t, d.freq, loaded.freq)
	require.Equal(t, d.total, loaded.total)
	require.Equal(t, d.maxUnits, loaded.maxUnits)
	require.Equal(t, d.tab.slots, loaded.tab.slots)
	require.Equal(t, d.tab.used, loaded.tab.used)
	require.Equal(t, d.tab.runs, loaded.tab.runs)
	// Every word is found with its first id.
	first := map[string]int32{}
	for i, w := range words {
		if _, ok := first[w]; !ok {
			first[w] = int32(i)
		}
	}
	for w, id := range first {
		require.Equal(t, id, loaded.tab.word(w), w)
	}
}

// TestTableGrows fills a table that starts small, so that it grows many
// times, and checks that every word and every prefix is still found.
func TestTableGrows(t *testing.T) {
	var tab table
	tab.init(1)
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []rune("是的了我你他还钱今天明天abc12")
	var words []string
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := 1 + rng.IntN(6); n > 0; n-- {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		words = append(words, b.String())
	}
	first := map[string]int32{}
	for i, w := range words {
		if _, ok := first[w]; !ok {
			first[w] = int32(i)
		}
		tab.addWord(w, int32(i))
	}
	require.Greater(t, len(tab.slots), 1024)
	for w, id := range first {
		require.Equal(t, id, tab.word(w), w)
	}
	require.Equal(t, int32(-1), tab.word("不在"))
	used := 0
	for _, s := range tab.slots {
		if s.parent != 0 {
			used++
		}
	}
	require.Equal(t, tab.used, used)
}

// TestGrowDropsUnreachableEdges damages a table (an edge in a cycle, one
// below an empty slot, one whose parent is out of range) and checks that
// growing it neither loops nor panics, and keeps every word the root
// reaches.
func TestGrowDropsUnreachableEdges(t *testing.T) {
	var tab table
	tab.init(8)
	tab.addWord("还钱", 1)
	tab.addWord("今天", 2)
	var free []int
	for i, s := range tab.slots {
		if s.parent == 0 {
			free = append(free, i)
		}
	}
	require.GreaterOrEqual(t, len(free), 5)
	a, b := free[0], free[1]
	tab.slots[a] = slot{parent: uint32(b+1) + 1, code: 'x', word: -1}            // a below b,
	tab.slots[b] = slot{parent: uint32(a+1) + 1, code: 'y', word: 3}             // b below a
	tab.slots[free[2]] = slot{parent: uint32(free[3]+1) + 1, code: 'z', word: 4} // below an empty slot
	tab.slots[free[4]] = slot{parent: 1 << 30, code: 'w', word: 5}               // no such parent
	tab.used += 4
	tab.grow(0)
	require.Equal(t, int32(1), tab.word("还钱"))
	require.Equal(t, int32(2), tab.word("今天"))
	require.Equal(t, 4, tab.used) // 还, 还钱, 今, 今天
	for w := 0; w < 50; w++ {
		tab.addWord(fmt.Sprint("词", w), int32(10+w))
	}
	require.Equal(t, int32(1), tab.word("还钱"))
	require.Equal(t, int32(59), tab.word("词49"))
}

// TestCodesKeepBytesApart checks that a byte that is not UTF-8 is not
// taken for U+FFFD, which the table compared as bytes before it compared
// codes.
func TestCodesKeepBytesApart(t *testing.T) {
	var tab table
	tab.init(4)
	tab.addWord("a\uFFFDb", 1)
	require.Equal(t, int32(1), tab.word("a\uFFFDb"))
	require.Equal(t, int32(-1), tab.word("a\xffb"))
	tab.addWord("a\xffb", 2)
	require.Equal(t, int32(2), tab.word("a\xffb"))
	require.Equal(t, int32(1), tab.word("a\uFFFDb"))
}

func TestLoadTableRejectsBadData(t *testing.T) {
	good := []byte(tableData)
	corrupt := func(at int, v uint32) string {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint32(b[at:], v)
		return string(b)
	}
	h := len(tableMagic)
	words, slots := int(u32(tableData, h)), int(u32(tableData, h+4))
	used := int(u32(tableData, h+8))
	// The first slot in use, past the run units.
	r := tableHeader
	for k := int(u32(tableData, h+16)); k > 0; k-- {
		r += 4 + int(u32(tableData, r))
	}
	for tableData[r:r+4] == "\x00\x00\x00\x00" {
		r += slotBytes
	}
	for name, data := range map[string]string{
		"empty":              "",
		"bad magic":          "something else\n" + tableData[16:],
		"truncated":          tableData[:len(tableData)-1],
		"header only":        tableData[:tableHeader],
		"too many words":     corrupt(h, uint32(words+1)),
		"slots not power":    corrupt(h+4, uint32(slots-1)),
		"too full":           corrupt(h+8, uint32(slots)),
		"used miscounted":    corrupt(h+8, uint32(used-1)),
		"run too long":       corrupt(tableHeader, 1<<30),
		"word out of range":  corrupt(r+8, uint32(words)),
		"word below minus 1": corrupt(r+8, 0xFFFFFFFE),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadTable(data)
			require.Error(t, err)
			require.Contains(t, err.Error(), "segment: dictionary")
		})
	}
}

// marshalTable writes d in the layout loadTable reads (table.go).
func marshalTable(d *Dict) []byte {
	var b []byte
	b = append(b, tableMagic...)
	le := binary.LittleEndian
	for _, v := range []int{len(d.freq), len(d.tab.slots), d.tab.used, d.maxUnits, len(d.tab.runList), 0} {
		b = le.AppendUint32(b, uint32(v))
	}
	b = le.AppendUint64(b, math.Float64bits(d.total))
	for _, u := range d.tab.runList {
		b = le.AppendUint32(b, uint32(len(u)))
		b = append(b, u...)
	}
	for _, s := range d.tab.slots {
		b = le.AppendUint32(b, s.parent)
		b = le.AppendUint32(b, s.code)
		b = le.AppendUint32(b, uint32(s.word))
	}
	for _, f := range d.freq {
		b = le.AppendUint32(b, f)
	}
	return b
}

// magic starts the uncompressed data of zh_s.dict.gz (./gen writes it).
const magic = "callqa-segment-dict-v1\n"

// decode reads zh_s.dict.gz and inserts its words one by one, as the
// segmenter did at load time before the table was prebuilt.
func decode(gz []byte) (*Dict, error) {
	words, freq, total, err := readDict(gz)
	if err != nil {
		return nil, err
	}
	d := &Dict{total: total, freq: freq}
	d.tab.init(len(words)) // about 1.4 nodes a word: under half full
	for i, w := range words {
		if n := d.tab.addWord(w, int32(i)); n > d.maxUnits {
			d.maxUnits = n
		}
	}
	return d, nil
}

// decodeWords returns the words of zh_s.dict.gz, in id order.
func decodeWords(gz []byte) ([]string, error) {
	words, _, _, err := readDict(gz)
	return words, err
}

// readDict reads zh_s.dict.gz: its words (front-coded there), their
// frequencies and gse's total.
func readDict(gz []byte) (words []string, freq []uint32, total float64, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("segment: dictionary: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("segment: dictionary: %w", err)
	}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, nil, 0, errors.New("segment: dictionary: bad header")
	}
	r := raw[len(magic):]
	bad := errors.New("segment: dictionary: truncated")
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(r)
		if n <= 0 {
			return 0, false
		}
		r = r[n:]
		return v, true
	}
	count, ok := next()
	if !ok || count > 1<<24 {
		return nil, nil, 0, bad
	}
	totalBits, ok := next()
	if !ok {
		return nil, nil, 0, bad
	}
	var prev string
	for i := uint64(0); i < count; i++ {
		shared, ok1 := next()
		rest, ok2 := next()
		if !ok1 || !ok2 || shared > uint64(len(prev)) || rest > uint64(len(r)) {
			return nil, nil, 0, bad
		}
		w := prev[:shared] + string(r[:rest])
		r = r[rest:]
		f, ok := next()
		if !ok || f > math.MaxUint32 {
			return nil, nil, 0, bad
		}
		words = append(words, w)
		freq = append(freq, uint32(f))
		prev = w
	}
	return words, freq, math.Float64frombits(totalBits), nil
}

// BenchmarkDecodeCompact is the load as it was before the table was
// prebuilt: zh_s.dict.gz decompressed and every word inserted.
func BenchmarkDecodeCompact(b *testing.B) {
	gz, err := os.ReadFile("zh_s.dict.gz")
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(gz); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew is what a process pays for a segmenter: the base table
// loaded, then the extra words added to it.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, err := New(extraWords, domainFreq)
		require.NoError(b, err)
	}
}
