// Package eval measures scan results against gold labels.
//
// Gold labels are one JSON object per call (formats.md §3):
//
//	{"call_id": "D0007", "party": "debtor",
//	 "violations": [{"category": "threat", "turn": 9}],
//	 "tasks": {"demand_payment": true, "ask_reason": true,
//	           "explain_consequences": false, "get_commitment": true},
//	 "steps": {"self_introduce": true, "verify_identity": true},
//	 "notes": "turn 9 says 你出门小心点"}
//
// ReadLabels reads such a file; Evaluate compares results with it:
//
//	labels, err := eval.ReadLabels("labels.jsonl")
//	if err != nil {
//		return err
//	}
//	rep := eval.Evaluate(results, labels)
//	if err := rep.WriteTable(os.Stdout, false); err != nil {
//		return err
//	}
//	return rep.MinF1(0.8)
//
// What is counted:
//
//   - Violations, turn level: a hit is the same call, turn and category.
//     Each (call, turn, category) counts once however many findings or gold
//     entries name it. Only the four violation categories of policy.md
//     count; customer_abuse and other non-violation findings are ignored.
//     The micro average sums TP, FP and FN over the four categories.
//   - Violations, call level: per category, whether the call has any
//     finding of it against whether the gold has any.
//   - Clean calls that failed: calls whose gold has no violation but whose
//     result has pass=false.
//   - Party: result party against label party, where the label has one.
//   - Tasks and steps: accuracy over the calls whose label has the code
//     (a code the label leaves out is skipped), and precision and recall
//     of "covered".
//
// Calls scanned without a label are listed and left out of every figure.
// Labels without a scanned call are listed and count as all missed: their
// gold violations are false negatives (turn and call level); they are left
// out of the party, clean-call, task and step figures, which need a result.
//
// Selecting and grouping (`callqa eval --only`, `--by`, `--tags`):
// ParseIDs reads lists of call ids and ranges (DEV001..DEV170) into an
// IDSet, whose Labels and Results methods keep only the selected calls.
// GroupBy splits the scored calls by the value of a field (FieldValue: a
// label field, including extra keys kept in Label.Extra and tags merged
// with MergeTags from a ReadTags file; a transcript header field; or the
// variety DetectVariety finds in the text) and scores each group as
// Evaluate scores the whole; Report.By holds the breakdowns.
//
// Precision, recall and F1 are never undefined. When a ratio has a zero
// denominator, it is 1 if there was nothing to find and nothing was
// predicted (TP+FP+FN == 0) and 0 otherwise; F1 is 0 when precision and
// recall are both 0. So a category with no gold items and no predictions
// scores 1, and one with false positives but no gold items scores 0.
package eval
