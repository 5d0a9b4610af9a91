// Package web is the supervisors' web console and JSON API over a callqa
// index: `callqa serve`.
//
// Pages are rendered on the server with html/template, which escapes every
// piece of transcript text; the templates, the style sheet and a little
// plain JavaScript (nice-to-haves only: every page works without it) are
// embedded in the binary and served from /static/. The Content-Security-Policy
// allows scripts and styles from the server's own files only, so text that
// slipped through as markup still could not run.
//
// The console is Chinese first: every code it shows (category, party, kind
// of call, role, severity, task, step, hint) is shown by its Chinese name
// from the tables of labels.go, the code beside it in smaller text. A call
// shows its compliance with the red lines (合规/违规: what the index keeps
// as pass) apart from its task score, which is not applicable (不适用) on a
// call with a third party, and the call page adds the verdict under the
// scorecard with its reasons. The call view (its turns, the marks in their
// text, the evidence and the hints), the bar charts and the base style
// (served first in app.css) come from package callview, which the HTML
// report draws from too.
//
// Routes:
//
//	GET  /                 search: q, category, team, agent, party, pass, from, to, sort, page
//	GET  /calls/{id}       one call as a conversation, with the previous and next hit of the search in its query
//	GET  /analyze          paste or upload a transcript ...
//	POST /analyze          ... and see the same call view, without indexing it
//	GET  /dashboard        violations per day and category, pass rate by team, top rules (SVG)
//	GET  /login, POST /login, POST /logout   only when a token is set
//	GET  /api/search       the search as JSON (index.Results), plus limit and offset
//	GET  /api/calls/{id}   the stored result.Result (formats.md §4)
//	POST /api/analyze      a transcript in any supported format → result.Result
//	GET  /api/stats        ?by=team|agent|month|category → index.Stats rows
//	GET  /healthz          {"ok":true,"calls":N}, without authentication
//
// Under load and attack: transcripts posted for analysis go through a
// bounded queue (Config.Workers parse and analyze, Config.Queue more wait
// with their bodies read, the rest get 503 with Retry-After at once), and
// one whose client went away is dropped; a POST that a browser sends from
// another site is refused (403); sign-in allows a few wrong tokens per
// client address, then one a second (429); sessions are kept on the server
// and signing out ends them; a URL over MaxURL gets 414.
//
// A server is built once and shared by every request:
//
//	srv, err := web.New(web.Config{Index: bi, Analyzer: an, Token: token})
//	...
//	http.Serve(listener, srv)
package web
