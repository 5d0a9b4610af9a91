package pgindex_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

var (
	benchOnce    sync.Once
	benchResults []*result.Result
)

// BenchmarkWriterLoad loads 2,000 synthetic calls into an empty database
// (analysis excluded) and reports calls/s.
func BenchmarkWriterLoad(b *testing.B) {
	const calls = 2000
	_, version := writerSetup(b)
	benchOnce.Do(func() { benchResults = synthResults(b, 0, calls) })
	url := pgtest.NewDatabase(b)
	openWriter(b, url, pgindex.Options{}).Close() // the schema
	var total time.Duration
	for range b.N {
		b.StopTimer()
		db := openWriter(b, url, pgindex.Options{})
		if _, err := db.Pool().Exec(context.Background(), `TRUNCATE calls, turns, findings, call_tasks, rule_versions`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		load(b, db, version, benchResults)
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(calls*b.N)/total.Seconds(), "calls/s")
}
