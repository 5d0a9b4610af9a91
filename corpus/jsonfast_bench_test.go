package corpus_test

import (
	"bytes"
	"testing"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/synth"
)

// BenchmarkReadJSONL reads 200 generated calls (callqa gen's generator,
// as bench/scanbench writes them) from JSONL with the fast path
// (ReadJSONL) and with the positioned reader alone.
func BenchmarkReadJSONL(b *testing.B) {
	var buf bytes.Buffer
	w, err := synth.NewWriter(&buf, "jsonl")
	if err != nil {
		b.Fatal(err)
	}
	g := synth.NewGenerator(1, synth.Options{ASR: 0.15})
	const calls = 200
	for i := range calls {
		if err := w.Write(g.Call(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for _, bm := range []struct {
		name string
		read func(string, []byte) ([]*corpus.Call, []error)
	}{
		{"fast", corpus.ReadJSONL},
		{"positioned", corpus.ReadJSONLPositioned},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				got, errs := bm.read("calls.jsonl", data)
				if len(got) != calls || len(errs) > 0 {
					b.Fatalf("%d calls, errors %v", len(got), errs)
				}
			}
		})
	}
}
