// Package index stores analyzed calls and their findings in a Bleve index
// on disk and searches them.
//
// Two kinds of documents live in one index: a call (type "call", id
// "call/<call_id>") with its metadata, score, violation categories, task
// coverage and every turn's text, and a finding (type "finding", id
// "finding/<call_id>/<turn>/<category>") with the call's agent, team and
// date copied in, so findings can be filtered and exported on their own.
//
// Chinese text is analyzed by the "callqa_zh" analyzer: the analyzer
// package's normalization (Traditional → Simplified, full-width →
// half-width, lower case) and gse segmentation with the built-in domain
// vocabulary. It is registered in Bleve's registry, so an index reopens in
// any process that imports this package.
//
//	ix, err := index.Open("callqa.bleve", index.Options{})
//	...
//	outcome, err := ix.Add(result) // added, updated or unchanged
//	err = ix.Close()               // commits the last batch
//
//	res, err := index.Search(ix.Bleve(), index.Query{Text: "坐牢", Team: "M1-A"})
//
// A process killed at any point (SIGKILL, a crash) leaves an index that
// opens, with no lock held, and that holds whole calls only: a call and
// its findings (and the removal of the findings it no longer has) are in
// one batch, and a batch is on disk as a whole or not at all once Flush
// returns. Creating an index, which Bleve does in several steps, goes
// through a marker file (create.go), so that a creation cut short is
// redone by the next writer instead of leaving a folder that does not
// open. e2e's TestCrashIndex kills `callqa index` many times to check it.
//
// A long-running reader (callqa serve) opens its indexes with OpenLive,
// which searches snapshots of them and holds no lock between them, so that
// a writer can add calls meanwhile; Refresh swaps in what was added. A
// damaged index (a segment file missing or emptied, a broken root.bolt or
// index_meta.json) gives a *CorruptError that says what to do, and Bleve's
// log lines are kept off stderr.
//
// A call document also keeps its local day ("2006-01-02", for charts per
// day) and the role and label of each turn and the party the transcript
// gave, so that Call can give back a whole call for display or to analyze
// again (callqa backtest); IDs pages through a search cheaply, and Count counts
// facets of calls or violations without loading any document:
//
//	res, err := index.Call(bi, "S02")              // res.Call holds the turns
//	ids, total, err := index.IDs(bi, index.Query{Team: "M1-A", Offset: 19, Limit: 3})
//	n, facets, err := index.Count(bi, index.Query{Findings: true}, 100, "day", "rule")
package index
