// Package e2e holds the end-to-end tests of callqa: they build the real
// binary, run it on the sample calls and check what it writes in a real
// headless Chromium (Debian's chromium package, driven with chromedp).
//
// The tests are behind the build tag e2e, so that `go test ./...` stays fast:
//
//	go test -tags e2e ./e2e/... -v
//
// Under the tag a missing browser fails the tests; it does not skip them.
// CALLQA_SCREENSHOT=1 also writes the report's screenshot to docs/report.png,
// the picture in the README.
package e2e
