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
package index
