package htmlreport

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/callqa/callqa/labels"
)

// Label is what the report shows for a code: Chinese first, and English
// beside it in smaller text (package labels holds the names of codes).
type Label = labels.Label

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

// names is the report's one mapping from codes to what the reader sees,
// by group. The page's server-rendered parts read it through label, and
// the page's script reads the same mapping from the embedded data, so the
// call list and the call views say the same.
var names = map[string]map[string]Label{
	groupParty:    with(labels.Parties, map[string]Label{"": {ZH: "未知", EN: "unknown"}}),
	groupKind:     labels.Kinds,
	groupCategory: labels.Categories,
	groupItem:     with(labels.Items, map[string]Label{"recording_notice": {ZH: "告知通话录音", EN: "recording notice"}}),
	groupItemKind: labels.ItemKinds,
	groupRole:     with(labels.Roles, map[string]Label{"": {ZH: "未知", EN: "unknown"}}),
	groupHint:     with(labels.Hints, map[string]Label{"missing": labels.Missing, "": {ZH: "辅导", EN: "coaching"}}),
	groupUI: {
		"report":            {ZH: "质检报告", EN: "callqa report"},
		"generated":         {ZH: "生成于", EN: "generated"},
		"scorecard":         {ZH: "评分卡", EN: "scorecard"},
		"calls":             {ZH: "通话", EN: "calls"},
		"overview":          {ZH: "概览", EN: "overview"},
		"charts":            {ZH: "违规与任务覆盖", EN: "violations and coverage"},
		"passed":            {ZH: "通过", EN: "passed"},
		"failed":            {ZH: "不通过", EN: "failed"},
		"passRate":          {ZH: "通过率", EN: "pass rate"},
		"compliant":         {ZH: "合规", EN: "compliant"},
		"nonCompliant":      {ZH: "违规", EN: "violation"},
		"complianceRate":    {ZH: "合规率", EN: "compliance rate"},
		"avgScore":          {ZH: "平均任务得分", EN: "average task score"},
		"violations":        {ZH: "违规次数", EN: "violations"},
		"byCategory":        {ZH: "各类违规", EN: "violations by category"},
		"byAgent":           {ZH: "各坐席违规", EN: "violations by agent"},
		"byTeam":            {ZH: "各团队违规", EN: "violations by team"},
		"coverage":          {ZH: "任务与步骤完成率", EN: "task and step coverage"},
		"noAgent":           {ZH: "（无坐席）", EN: "(no agent)"},
		"noTeam":            {ZH: "（无团队）", EN: "(no team)"},
		"noData":            {ZH: "无数据", EN: "no data"},
		"call":              {ZH: "通话", EN: "call"},
		"agent":             {ZH: "坐席", EN: "agent"},
		"team":              {ZH: "团队", EN: "team"},
		"date":              {ZH: "日期", EN: "date"},
		"party":             {ZH: "通话对象", EN: "party"},
		"kind":              {ZH: "类型", EN: "kind"},
		"source":            {ZH: "文件", EN: "source"},
		"compliance":        {ZH: "合规", EN: "compliance"},
		"score":             {ZH: "任务得分", EN: "task score"},
		"result":            {ZH: "结果", EN: "result"},
		"pass":              {ZH: "通过", EN: "pass"},
		"fail":              {ZH: "不通过", EN: "fail"},
		"notApplicable":     {ZH: "不适用", EN: "N/A"},
		"notApplicableWhy":  {ZH: "第三方通话不计任务得分", EN: "no task applies on a call with a third party"},
		"passMark":          {ZH: "及格线", EN: "pass mark"},
		"practicePassMark":  {ZH: "练习及格线", EN: "practice pass mark"},
		"whyFailed":         {ZH: "不通过的原因", EN: "why it failed"},
		"items":             {ZH: "步骤与任务", EN: "steps and tasks"},
		"item":              {ZH: "项目", EN: "item"},
		"done":              {ZH: "完成", EN: "done"},
		"missingItem":       {ZH: "缺少", EN: "missing"},
		"turns":             {ZH: "轮次", EN: "turns"},
		"points":            {ZH: "得分", EN: "points"},
		"max":               {ZH: "满分", EN: "max"},
		"noItems":           {ZH: "没有计分项目。", EN: "no scored items"},
		"findings":          {ZH: "违规", EN: "violations"},
		"noFindings":        {ZH: "没有违规。", EN: "no violations"},
		"turn":              {ZH: "第 %d 轮", EN: "turn %d"},
		"order":             {ZH: "首次催收的顺序", EN: "order of the first call"},
		"never":             {ZH: "未出现", EN: "never"},
		"orderOK":           {ZH: "符合指南的顺序。", EN: "follows the order the guides teach"},
		"transcript":        {ZH: "通话记录", EN: "transcript"},
		"noTurns":           {ZH: "没有轮次。", EN: "no turns"},
		"afterTurn":         {ZH: "针对第 %d 轮", EN: "after turn %d"},
		"toCalls":           {ZH: "↑ 通话列表", EN: "calls"},
		"noCalls":           {ZH: "没有通话。", EN: "no calls"},
		"callsNote":         {ZH: "点击列标题排序，点击通话查看详情。", EN: "click a column header to sort, a call to open it"},
		"chartsNote":        {ZH: "违规按每轮每类计一次，与催收政策的标注方式一致；完成率是各步骤和核心任务在通话中完成的比例。", EN: "violations count once per category per turn; coverage is the share of calls in which each step and task was done"},
		"previous":          {ZH: "上一页", EN: "previous"},
		"next":              {ZH: "下一页", EN: "next"},
		"pageOf":            {ZH: "第 %d–%d 条，共 %d 条", EN: "%d–%d of %d"},
		"noScript":          {ZH: "通话列表和通话详情需要启用 JavaScript；概览和图表无需 JavaScript。", EN: "the call list and the call views need JavaScript; the overview and the charts do not"},
		"selfContained":     {ZH: "本文件由 callqa 生成，完全独立，不从网络加载任何内容。", EN: "made by callqa; this file is self-contained and loads nothing from the network"},
		"inCalls":           {ZH: "%d / %d 通通话", EN: "in %d of %d calls"},
		"moreNotShown":      {ZH: "另有 %d 项未显示（违规较少）", EN: "%d more not shown (fewer violations)"},
		"scoreNotCounted":   {ZH: "%d 通第三方通话不计", EN: "%d third-party calls not counted"},
		"violationsInCalls": {ZH: "%d 次，%d 通通话", EN: "%d in %d calls"},
		"sections":          {ZH: "目录", EN: "sections"},
	},
}

// with returns the names of m and extra together.
func with(m, extra map[string]Label) map[string]Label {
	out := make(map[string]Label, len(m)+len(extra))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// label returns the label of code in group. A code the mapping does not
// know shows as itself; a hint kind missing_<item> is "缺少 missing".
func label(group, code string) Label {
	if l, ok := names[group][code]; ok {
		return l
	}
	if group == groupHint {
		if strings.HasPrefix(code, "missing_") {
			return names[groupHint]["missing"]
		}
		return names[groupHint][""]
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
func text(l Label) string {
	if l.EN == "" || l.EN == l.ZH {
		return l.ZH
	}
	return l.ZH + " " + l.EN
}

// format fills the label's %d verbs with args, in both languages.
func format(l Label, args ...any) Label {
	return Label{ZH: fmt.Sprintf(l.ZH, args...), EN: fmt.Sprintf(l.EN, args...)}
}
