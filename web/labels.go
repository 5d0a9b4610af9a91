package web

import (
	"strings"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/score"
)

// The console is Chinese first: every code it shows (a category, a party,
// a kind of call, a role, a severity, a task or step, a kind of hint) is
// shown by its Chinese name, the code beside it in smaller text. These
// tables are the one place the names are kept.
var (
	// categoryNames are the violation categories of policy.md, and the
	// customer's abuse, which is no violation of the agent's.
	categoryNames = map[string]string{
		analyzer.CategoryInsult:        "辱骂",
		analyzer.CategoryThreat:        "威胁",
		analyzer.CategoryFalseLegal:    "虚假法律陈述",
		analyzer.CategoryDisclosure:    "向第三方透露债务",
		analyzer.CategoryCustomerAbuse: "客户辱骂",
	}
	// partyNames are who the agent talks to.
	partyNames = map[string]string{
		"debtor":      "债务人",
		"third_party": "第三方",
	}
	// kindNames are the kinds of call (the header `kind`).
	kindNames = map[string]string{
		"first_call": "首次催收",
		"follow_up":  "跟进",
		"practice":   "练习",
	}
	// roleNames are who speaks a turn.
	roleNames = map[string]string{
		"agent":       "坐席",
		"customer":    "客户",
		"third_party": "第三方",
	}
	// severityNames are the rules' severities.
	severityNames = map[string]string{
		"critical": "严重",
		"major":    "较重",
		"minor":    "轻微",
		"info":     "提示",
	}
	// itemNames are the core tasks and steps of a first call, for a
	// scorecard that does not name them.
	itemNames = map[string]string{
		"demand_payment":       "要求今天还款",
		"ask_reason":           "了解逾期原因",
		"explain_consequences": "陈述利弊得失",
		"get_commitment":       "得到还款承诺",
		"self_introduce":       "表明自己身份",
		"verify_identity":      "确认对方身份",
	}
	// itemKindNames are the kinds of scored item.
	itemKindNames = map[string]string{
		"task":     "任务",
		"step":     "步骤",
		"required": "必备项",
	}
	// hintNames are the kinds of coaching hint (policy.md); a call-level
	// remark missing_<item> is named by missingLabel.
	hintNames = map[string]string{
		"open_question":         "开放式提问",
		"too_soft":              "催款没有时限",
		"vague_accepted":        "接受了含糊承诺",
		"no_verification":       "未核实身份就谈欠款",
		"no_introduction":       "未表明身份就谈欠款",
		"threat_as_consequence": "以威胁代替后果",
		"violation":             "违规",
	}
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
		return label{ZH: "缺少：" + itemName(sc, item), Code: kind}
	}
	return labelIn(hintNames, kind)
}
