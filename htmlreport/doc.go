// Package htmlreport writes the trainers' batch report: one self-contained
// HTML file with the totals of a batch of scored calls (compliance with the
// red lines apart from the task score), charts of the violations by
// category, agent and team and of task coverage, a table of the calls, and
// one view per call with its turns, the violations highlighted in the text,
// the task evidence marked and the coaching hints beside the turns. Every
// code shows as a Chinese label with the English beside it (labels.go).
// The turns, their marks, evidence and hints, the charts and the base
// style come from package callview, which the web console draws from too.
//
// The file needs nothing but a browser: CSS, the charts (SVG) and the
// script are inline, and Chinese renders with the system's CJK fonts. The
// overview and the charts are HTML. The calls are embedded once as JSON in
// a <script type="application/json"> element, and the page's script draws
// the table a page at a time (sorted over every call) and a call's view
// only when it is opened (#call-ID), so a report of 10,000 calls opens in
// seconds. The JSON is written with <, > and & escaped, so no text can end
// the element, and the script sets every text from it with textContent,
// never as HTML: a transcript that contains <script> shows as text and
// never runs. A Content-Security-Policy meta tag makes that hold even if
// text did get in as HTML: nothing may load (default-src 'none'), and the
// only script that may run is the page's own, listed by its SHA-256 hash,
// computed from the embedded script when the package loads:
//
//	calls := make([]*score.CallScore, 0, len(results))
//	for _, res := range results {
//		calls = append(calls, score.Score(res, sc))
//	}
//	err := htmlreport.Write(f, calls, htmlreport.Options{Scorecard: sc.Label()})
//
// Violations are counted as report.Summary counts them: once per category
// per turn, as policy.md labels them.
package htmlreport
