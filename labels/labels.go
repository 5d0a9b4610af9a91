// Package labels names callqa's codes for people: each category, party,
// kind of call, role, severity, task and step, kind of scored item and
// kind of coaching hint, in Chinese first and in English. The console,
// the HTML report and the command line read the names from here, so a
// code is called the same everywhere and a new code is named once.
package labels

// Label is a code's name in Chinese and in English.
type Label struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

var (
	// Categories are the violation categories of policy.md, and the other
	// party's abuse, which is no violation of the agent's.
	Categories = map[string]Label{
		"insult":                 {"辱骂", "insult"},
		"threat":                 {"威胁", "threat"},
		"false_legal_claim":      {"虚假法律陈述", "false legal claim"},
		"third_party_disclosure": {"向第三方透露债务", "third-party disclosure"},
		"customer_abuse":         {"客户辱骂", "customer abuse"},
	}
	// Parties are who the agent talks to.
	Parties = map[string]Label{
		"debtor":      {"债务人", "debtor"},
		"third_party": {"第三方", "third party"},
	}
	// Kinds are the kinds of call (the transcript header `kind`).
	Kinds = map[string]Label{
		"first_call": {"首次催收", "first call"},
		"follow_up":  {"跟进催收", "follow-up"},
		"practice":   {"练习", "practice"},
	}
	// Roles are who speaks a turn.
	Roles = map[string]Label{
		"agent":       {"坐席", "agent"},
		"customer":    {"客户", "customer"},
		"third_party": {"第三方", "third party"},
	}
	// Severities are the rules' severities.
	Severities = map[string]Label{
		"critical": {"严重", "critical"},
		"major":    {"较重", "major"},
		"minor":    {"轻微", "minor"},
		"info":     {"提示", "info"},
	}
	// Items are the core tasks and the steps of a first call (policy.md),
	// for a scorecard that does not name them.
	Items = map[string]Label{
		"demand_payment":       {"要求今天还款", "demand payment today"},
		"ask_reason":           {"了解逾期原因", "ask the reason"},
		"explain_consequences": {"陈述利弊得失", "explain the consequences"},
		"get_commitment":       {"得到还款承诺", "get a commitment"},
		"self_introduce":       {"表明自己身份", "introduce yourself"},
		"verify_identity":      {"确认对方身份", "verify identity"},
	}
	// ItemKinds are the kinds of scored item.
	ItemKinds = map[string]Label{
		"task":     {"任务", "task"},
		"step":     {"步骤", "step"},
		"required": {"必备项", "required"},
	}
	// Hints are the kinds of coaching hint (policy.md), and a violation's
	// advice; a call-level remark missing_<item> is named by Missing.
	Hints = map[string]Label{
		"open_question":         {"开放式提问", "open question"},
		"too_soft":              {"催款没有时限", "no deadline"},
		"vague_accepted":        {"接受了含糊承诺", "vague promise accepted"},
		"no_verification":       {"未核实身份就谈欠款", "debt before identity check"},
		"no_introduction":       {"未表明身份就谈欠款", "debt before introduction"},
		"threat_as_consequence": {"以威胁代替后果", "threat as consequence"},
		"violation":             {"违规", "violation"},
	}
	// Missing names a call-level remark that an item is missing.
	Missing = Label{"缺少", "missing"}
)

// ZH returns code's Chinese name in m, or the code itself when m has none.
func ZH(m map[string]Label, code string) string {
	if l, ok := m[code]; ok {
		return l.ZH
	}
	return code
}

// Names returns the Chinese names of m, by code.
func Names(m map[string]Label) map[string]string {
	out := make(map[string]string, len(m))
	for code, l := range m {
		out[code] = l.ZH
	}
	return out
}
