// Package report writes scan results for people and for other tools.
//
// A Writer takes one analyzer.Result at a time, in input order, and writes
// it at once, so a scan of many calls streams instead of holding the batch
// in memory. Close ends the output with a Summary, which a Tally
// accumulates while the results go by:
//
//	w, err := report.New("jsonl", os.Stdout)
//	if err != nil {
//		return err
//	}
//	var t report.Tally
//	for _, r := range results {
//		t.Add(r)
//		if err := w.Write(r); err != nil {
//			return err
//		}
//	}
//	return w.Close(t.Summary())
//
// The formats are:
//
//   - jsonl: one JSON object per call, the stable output contract of
//     formats.md §4. It has no summary.
//   - json: one indented object {"calls": [...], "summary": {...}}.
//   - table: a plain-text report for people, one block per call and a
//     summary at the end.
//   - csv: for Excel. One row per finding (one row for a call without
//     findings), with a UTF-8 byte order mark and CRLF line ends so that
//     Excel opens it as UTF-8. Columns: the call (with its party), the
//     finding with a scored column (true for a violation, false for
//     customer_abuse, which is reported but never scored), the coverage of
//     each task and step, and last started_at_original, the start time as
//     the input wrote it; started_at itself is written 2006-01-02 15:04:05
//     in the call's own time zone, which Excel reads as a date and time.
//     Text from the input that starts with = + - @, a tab or a carriage
//     return gets a single quote in front (OWASP's advice against CSV
//     injection), so a spreadsheet shows it rather than running it as a
//     formula; this holds for text that looks like a number, such as -5 or
//     +86…, too. The headers are the column codes, or Chinese with
//     Options.Lang "zh".
//
// JSON output never escapes HTML characters, so Chinese and punctuation such
// as 「」 and & stay readable, and lists are written as [] rather than null.
package report
