package web

import (
	"strings"

	"github.com/callqa/callqa/labels"
	"github.com/callqa/callqa/score"
)

// The console is Chinese first: every code it shows (a category, a party,
// a kind of call, a role, a severity, a task or step, a kind of hint) is
// shown by its Chinese name, the code beside it in smaller text. The names
// come from package labels, which the report and the command line share.
var (
	categoryNames = labels.Names(labels.Categories)
	partyNames    = labels.Names(labels.Parties)
	kindNames     = labels.Names(labels.Kinds)
	roleNames     = labels.Names(labels.Roles)
	severityNames = labels.Names(labels.Severities)
	itemNames     = labels.Names(labels.Items)
	itemKindNames = labels.Names(labels.ItemKinds)
	hintNames     = labels.Names(labels.Hints)
)

// label is a code as the console shows it: its Chinese name, and the code
// beside it in smaller text. A code without a name is shown as it is,
// once (Code empty).
type label struct {
	ZH, Code string
}

// String is the label as plain text, for an option or a tooltip:
// "辱骂 insult".
func (l label) String() string {
	if l.Code == "" {
		return l.ZH
	}
	return l.ZH + " " + l.Code
}

// labelIn names code from a table.
func labelIn(names map[string]string, code string) label {
	if n, ok := names[code]; ok {
		return label{ZH: n, Code: code}
	}
	return label{ZH: code}
}

func categoryLabel(code string) label { return labelIn(categoryNames, code) }
func partyLabel(code string) label    { return labelIn(partyNames, code) }
func kindLabel(code string) label     { return labelIn(kindNames, code) }
func severityLabel(code string) label { return labelIn(severityNames, code) }
func itemKindLabel(code string) label { return labelIn(itemKindNames, code) }

// roleLabel names a turn's speaker; a turn whose speaker is not known is
// 未知.
func roleLabel(role string) label {
	if role == "" {
		return label{ZH: "未知", Code: "unknown"}
	}
	return labelIn(roleNames, role)
}

// itemName is a task's or step's name: the scorecard's, else the
// console's, else its code.
func itemName(sc *score.Scorecard, code string) string {
	if sc != nil {
		if n := sc.Items[code].Name; n != "" {
			return n
		}
	}
	if n, ok := itemNames[code]; ok {
		return n
	}
	return code
}

// hintLabel names a hint's kind; a call-level remark missing_<item> is
// 缺少：<item name>.
func hintLabel(sc *score.Scorecard, kind string) label {
	if item, ok := strings.CutPrefix(kind, "missing_"); ok {
		return label{ZH: labels.Missing.ZH + "：" + itemName(sc, item), Code: kind}
	}
	return labelIn(hintNames, kind)
}
