// Command gen writes segment's compact dictionary (zh_s.dict.gz) from gse's
// embedded Simplified dictionary, exactly as gse loads it: the words in
// gse's own normalized form (lower-case letters, first of any duplicates
// kept), their frequencies, and gse's total frequency as a check.
//
// Run it through go generate in the segment package:
//
//	go generate ./segment
//
// The file only changes when the gse version does; the segment tests
// compare the segmenter with gse itself on real text.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/go-ego/gse"
)

func main() {
	out := flag.String("o", "zh_s.dict.gz", "output `FILE`")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	seg, err := gse.NewEmbed("zh_s")
	if err != nil {
		return err
	}
	type entry struct {
		key  string
		freq uint64
	}
	toks := seg.Dict.Tokens
	entries := make([]entry, 0, len(toks))
	for i := range toks {
		f := toks[i].Freq()
		if f < 1 || f != math.Trunc(f) || f > math.MaxUint32 {
			return fmt.Errorf("word %q: frequency %v is not a whole number the format can hold", toks[i].Text(), f)
		}
		entries = append(entries, entry{toks[i].Text(), uint64(f)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })

	// Format (before gzip): magic, uvarint word count, float64 total
	// frequency bits, then per word in byte order: uvarint bytes shared
	// with the previous word, uvarint length of the rest, the rest,
	// uvarint frequency.
	var buf bytes.Buffer
	buf.WriteString(magic)
	var tmp [binary.MaxVarintLen64]byte
	put := func(v uint64) { buf.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	put(uint64(len(entries)))
	put(math.Float64bits(seg.Dict.TotalFreq()))
	prev := ""
	for _, e := range entries {
		n := 0
		for n < len(prev) && n < len(e.key) && prev[n] == e.key[n] {
			n++
		}
		put(uint64(n))
		put(uint64(len(e.key) - n))
		buf.WriteString(e.key[n:])
		put(e.freq)
		prev = e.key
	}

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	if _, err := zw.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("%d words, %d bytes raw, max %d units\n", len(entries), buf.Len(), seg.Dict.MaxTokenLen())
	return nil
}

// magic starts the uncompressed data; segment checks it.
const magic = "callqa-segment-dict-v1\n"
