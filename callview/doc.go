// Package callview is what the web console (package web) and the HTML
// report (package htmlreport) both draw a call and its charts from, so a
// call looks the same in both and a fix lands once:
//
//   - Build lays out a scored call: its turns cut into parts where findings
//     mark the text (Segments, Parts), the task evidence and the coaching
//     hints of each turn, the call-level hints, the items in the order of
//     the first call, and the violations counted once per category per
//     turn (ViolatingTurns), as policy.md labels them.
//   - NewBarChart lays out a horizontal bar chart, and BarChart.SVG draws
//     it as inline SVG (presentation attributes and classes only, which a
//     Content-Security-Policy allows).
//   - Width, Shorten, Percent and DisplayDate are the number, width and
//     date helpers both show.
//   - BaseCSS is the style both pages start from: the colours, the fonts,
//     the marks in the text, the evidence tags and the charts.
//
// Each renderer keeps its own page: the console renders the model on the
// server with html/template, the report embeds it as JSON and its script
// draws a call when it is opened. Every text of the model is plain text,
// never HTML.
package callview
