// Package htmlreport writes the trainers' batch report: one self-contained
// HTML file with the totals of a batch of scored calls, charts of the
// violations by category, agent and team and of task coverage, a sortable
// table of the calls, and one view per call with its turns, the violations
// highlighted in the text, the task evidence marked and the coaching hints
// beside the turns.
//
// The file needs nothing but a browser: CSS, the charts (SVG) and the few
// lines of JavaScript that sort the table are inline, and Chinese renders
// with the system's CJK fonts. Every text that comes from a transcript or a
// rule pack goes through html/template, so a transcript that contains
// <script> shows as text and never runs:
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
