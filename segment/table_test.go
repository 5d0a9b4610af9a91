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
	"os"
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
	require.Equal(t, d.tab.keys, loaded.tab.keys)
	require.Equal(t, d.tab.nodes, loaded.tab.nodes)
	require.Equal(t, len(d.tab.slots), len(loaded.tab.slots))
	// Every node is where a lookup finds it.
	for k, n := range loaded.tab.nodes {
		key := string(loaded.tab.keys[n.off : n.off+n.len])
		require.Equal(t, k, loaded.tab.find(fnvAdd(fnvOffset, key), key), key)
	}
}

func TestLoadTableRejectsBadData(t *testing.T) {
	good := []byte(tableData)
	corrupt := func(at int, v uint32) string {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint32(b[at:], v)
		return string(b)
	}
	words := int(u32(tableData, len(tableMagic)))
	keyLen := int(u32(tableData, len(tableMagic)+8))
	firstNode := tableHeader + keyLen
	for name, data := range map[string]string{
		"empty":             "",
		"bad magic":         "something else\n" + tableData[16:],
		"truncated":         tableData[:len(tableData)-1],
		"header only":       tableData[:tableHeader],
		"too many words":    corrupt(len(tableMagic), uint32(words+1)),
		"slots not power":   corrupt(len(tableMagic)+12, 3_000_000),
		"key out of range":  corrupt(firstNode, uint32(keyLen)),
		"word out of range": corrupt(firstNode+12, uint32(words)),
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
	for _, v := range []int{len(d.freq), len(d.tab.nodes), len(d.tab.keys), len(d.tab.slots), d.maxUnits, 0} {
		b = le.AppendUint32(b, uint32(v))
	}
	b = le.AppendUint64(b, math.Float64bits(d.total))
	b = append(b, d.tab.keys...)
	for _, n := range d.tab.nodes {
		b = le.AppendUint32(b, n.off)
		b = le.AppendUint32(b, n.len)
		b = le.AppendUint32(b, n.hash)
		b = le.AppendUint32(b, uint32(n.word))
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
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("segment: dictionary: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("segment: dictionary: %w", err)
	}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, errors.New("segment: dictionary: bad header")
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
		return nil, bad
	}
	totalBits, ok := next()
	if !ok {
		return nil, bad
	}
	d := &Dict{total: math.Float64frombits(totalBits), freq: make([]uint32, 0, count)}
	// Words are stored front-coded; the keys go into one byte slice that
	// the table's nodes point into.
	keys := make([]byte, 0, len(raw)*2)
	d.tab.init(int(count) * 3 / 2)
	var prevOff, prevLen int
	for i := uint64(0); i < count; i++ {
		shared, ok1 := next()
		rest, ok2 := next()
		if !ok1 || !ok2 || shared > uint64(prevLen) || rest > uint64(len(r)) {
			return nil, bad
		}
		off := len(keys)
		keys = append(keys, keys[prevOff:prevOff+int(shared)]...)
		keys = append(keys, r[:rest]...)
		r = r[rest:]
		f, ok := next()
		if !ok || f > math.MaxUint32 {
			return nil, bad
		}
		prevOff, prevLen = off, len(keys)-off
		d.freq = append(d.freq, uint32(f))
		d.tab.keys = keys
		if n := d.tab.addWord(off, prevLen, int32(i)); n > d.maxUnits {
			d.maxUnits = n
		}
	}
	d.tab.keys = keys
	return d, nil
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
