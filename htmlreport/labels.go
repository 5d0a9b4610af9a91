package htmlreport

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/callqa/callqa/analyzer"
)

// Label is what the report shows for a code: Chinese first, and English
// beside it in smaller text.
type Label struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Groups of codes in labels.
const (
	groupParty    = "party"    // who the agent talked to
	groupKind     = "kind"     // the kind of call
	groupCategory = "category" // violation categories and customer abuse
	groupItem     = "item"     // the scorecard's steps, tasks and required items
	groupItemKind = "itemKind" // task, step, required
	groupRole     = "role"     // a turn's speaker
	groupHint     = "hint"     // the kinds of coaching hints
	groupUI       = "ui"       // headings and the words of the page
)

// labels is the report's one mapping from codes to what the reader sees,
// by group. The page's server-rendered parts read it through label, and
// the page's script reads the same mapping from the embedded data, so the
// call list and the call views say the same.
var labels = map[string]map[string]Label{
	groupParty: {
		"debtor":      {"债务人本人", "debtor"},
		"third_party": {"第三方", "third party"},
		"":            {"未知", "unknown"},
	},
	groupKind: {
		"first_call": {"首次催收", "first call"},
		"follow_up":  {"跟进催收", "follow-up"},
		"practice":   {"练习", "practice"},
	},
	groupCategory: {
		analyzer.CategoryInsult:        {"辱骂", "insult"},
		analyzer.CategoryThreat:        {"威胁", "threat"},
		analyzer.CategoryFalseLegal:    {"虚假法律陈述", "false legal claim"},
		analyzer.CategoryDisclosure:    {"向第三方透露债务", "third-party disclosure"},
		analyzer.CategoryCustomerAbuse: {"客户辱骂", "customer abuse"},
	},
	groupItem: {
		"demand_payment":       {"要求今天还款", "demand payment today"},
		"ask_reason":           {"了解逾期原因", "ask the reason"},
		"explain_consequences": {"陈述利弊得失", "explain the consequences"},
		"get_commitment":       {"得到还款承诺", "get a commitment"},
		"self_introduce":       {"表明自己身份", "introduce yourself"},
		"verify_identity":      {"确认对方身份", "verify identity"},
		"recording_notice":     {"告知通话录音", "recording notice"},
	},
	groupItemKind: {
		"task":     {"任务", "task"},
		"step":     {"步骤", "step"},
		"required": {"必备", "required"},
	},
	groupRole: {
		"agent":       {"坐席", "agent"},
		"customer":    {"客户", "customer"},
		"third_party": {"第三方", "third party"},
		"":            {"未知", "unknown"},
	},
	groupHint: {
		"open_question":         {"开放式提问", "open question"},
		"too_soft":              {"催款没有时限", "no deadline"},
		"vague_accepted":        {"接受了含糊承诺", "vague promise accepted"},
		"no_verification":       {"未核实身份就谈欠款", "debt before identity check"},
		"no_introduction":       {"未表明身份就谈欠款", "debt before introduction"},
		"threat_as_consequence": {"以威胁代替后果", "threat as consequence"},
		"violation":             {"违规", "violation"},
		"missing":               {"缺少", "missing"},
		"":                      {"辅导", "coaching"},
	},
	groupUI: {
		"report":            {"质检报告", "callqa report"},
		"generated":         {"生成于", "generated"},
		"scorecard":         {"评分卡", "scorecard"},
		"calls":             {"通话", "calls"},
		"overview":          {"概览", "overview"},
		"charts":            {"违规与任务覆盖", "violations and coverage"},
		"passed":            {"通过", "passed"},
		"failed":            {"不通过", "failed"},
		"passRate":          {"通过率", "pass rate"},
		"compliant":         {"合规", "compliant"},
		"nonCompliant":      {"违规", "violation"},
		"complianceRate":    {"合规率", "compliance rate"},
		"avgScore":          {"平均任务得分", "average task score"},
		"violations":        {"违规次数", "violations"},
		"byCategory":        {"各类违规", "violations by category"},
		"byAgent":           {"各坐席违规", "violations by agent"},
		"byTeam":            {"各团队违规", "violations by team"},
		"coverage":          {"任务与步骤完成率", "task and step coverage"},
		"noAgent":           {"（无坐席）", "(no agent)"},
		"noTeam":            {"（无团队）", "(no team)"},
		"noData":            {"无数据", "no data"},
		"call":              {"通话", "call"},
		"agent":             {"坐席", "agent"},
		"team":              {"团队", "team"},
		"date":              {"日期", "date"},
		"party":             {"通话对象", "party"},
		"kind":              {"类型", "kind"},
		"source":            {"文件", "source"},
		"compliance":        {"合规", "compliance"},
		"score":             {"任务得分", "task score"},
		"result":            {"结果", "result"},
		"pass":              {"通过", "pass"},
		"fail":              {"不通过", "fail"},
		"notApplicable":     {"不适用", "N/A"},
		"notApplicableWhy":  {"第三方通话不计任务得分", "no task applies on a call with a third party"},
		"passMark":          {"及格线", "pass mark"},
		"practicePassMark":  {"练习及格线", "practice pass mark"},
		"whyFailed":         {"不通过的原因", "why it failed"},
		"items":             {"步骤与任务", "steps and tasks"},
		"item":              {"项目", "item"},
		"done":              {"完成", "done"},
		"missingItem":       {"缺少", "missing"},
		"turns":             {"轮次", "turns"},
		"points":            {"得分", "points"},
		"max":               {"满分", "max"},
		"noItems":           {"没有计分项目。", "no scored items"},
		"findings":          {"违规", "violations"},
		"noFindings":        {"没有违规。", "no violations"},
		"turn":              {"第 %d 轮", "turn %d"},
		"order":             {"首次催收的顺序", "order of the first call"},
		"never":             {"未出现", "never"},
		"orderOK":           {"符合指南的顺序。", "follows the order the guides teach"},
		"transcript":        {"通话记录", "transcript"},
		"noTurns":           {"没有轮次。", "no turns"},
		"afterTurn":         {"针对第 %d 轮", "after turn %d"},
		"toCalls":           {"↑ 通话列表", "calls"},
		"noCalls":           {"没有通话。", "no calls"},
		"callsNote":         {"点击列标题排序，点击通话查看详情。", "click a column header to sort, a call to open it"},
		"chartsNote":        {"违规按每轮每类计一次，与催收政策的标注方式一致；完成率是各步骤和核心任务在通话中完成的比例。", "violations count once per category per turn; coverage is the share of calls in which each step and task was done"},
		"previous":          {"上一页", "previous"},
		"next":              {"下一页", "next"},
		"pageOf":            {"第 %d–%d 条，共 %d 条", "%d–%d of %d"},
		"noScript":          {"通话列表和通话详情需要启用 JavaScript；概览和图表无需 JavaScript。", "the call list and the call views need JavaScript; the overview and the charts do not"},
		"selfContained":     {"本文件由 callqa 生成，完全独立，不从网络加载任何内容。", "made by callqa; this file is self-contained and loads nothing from the network"},
		"inCalls":           {"%d / %d 通通话", "in %d of %d calls"},
		"moreNotShown":      {"另有 %d 项未显示（违规较少）", "%d more not shown (fewer violations)"},
		"scoreNotCounted":   {"%d 通第三方通话不计", "%d third-party calls not counted"},
		"violationsInCalls": {"%d 次，%d 通通话", "%d in %d calls"},
		"sections":          {"目录", "sections"},
	},
}

// label returns the label of code in group. A code the mapping does not
// know shows as itself; a hint kind missing_<item> is "缺少 missing".
func label(group, code string) Label {
	if l, ok := labels[group][code]; ok {
		return l
	}
	if group == groupHint {
		if strings.HasPrefix(code, "missing_") {
			return labels[groupHint]["missing"]
		}
		return labels[groupHint][""]
	}
	return Label{ZH: code}
}

// bilingual writes a label as HTML: the Chinese, then the English in
// smaller text (none when the label has no English or says the same).
func bilingual(l Label) template.HTML {
	var b strings.Builder
	b.WriteString(`<span class="zh">`)
	b.WriteString(template.HTMLEscapeString(l.ZH))
	b.WriteString(`</span>`)
	if l.EN != "" && l.EN != l.ZH {
		b.WriteString(` <small class="en" lang="en">`)
		b.WriteString(template.HTMLEscapeString(l.EN))
		b.WriteString(`</small>`)
	}
	return template.HTML(b.String())
}

// text is a label as plain text, "辱骂 insult", for tooltips and
// accessible names.
func (l Label) text() string {
	if l.EN == "" || l.EN == l.ZH {
		return l.ZH
	}
	return l.ZH + " " + l.EN
}

// format fills the label's %d verbs with args, in both languages.
func (l Label) format(args ...any) Label {
	return Label{ZH: fmt.Sprintf(l.ZH, args...), EN: fmt.Sprintf(l.EN, args...)}
}
