package score

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

//go:embed default.yaml
var defaultYAML []byte

// Scorecard says how a call is scored: the weight of each task, step and
// extra required item, which violation categories fail a call outright,
// the pass mark, and the order the guides teach.
type Scorecard struct {
	Name, Version string
	PassMark      int
	// PracticePassMark, when set (HasPracticePassMark), is the pass mark
	// of practice calls (header `kind: practice`): trainees are held to
	// their own bar, apart from production calls.
	PracticePassMark    int
	HasPracticePassMark bool
	FailOn              []string
	Order               []string
	Items               map[string]ItemSpec
	// ItemOrder lists the item codes in file order.
	ItemOrder []string
	// Required is the pack of rules that detect the extra required items,
	// or nil; it must be loaded into the analyzer's rule set.
	Required *lexicon.Pack
	Source   string
}

// ItemSpec is one scored element as the scorecard describes it.
type ItemSpec struct {
	Name   string
	Weight int
	Advice string
	Kind   string // task, step or required
}

// PassMarkFor returns the pass mark for a call of the given kind (the
// header `kind`): the practice pass mark for practice calls when the
// scorecard sets one, the pass mark otherwise.
func (s *Scorecard) PassMarkFor(kind string) int {
	if kind == "practice" && s.HasPracticePassMark {
		return s.PracticePassMark
	}
	return s.PassMark
}

// Label is name@version.
func (s *Scorecard) Label() string { return s.Name + "@" + s.Version }

// Max is the most points a call can earn.
func (s *Scorecard) Max() int {
	n := 0
	for _, it := range s.Items {
		n += it.Weight
	}
	return n
}

// Default returns the built-in scorecard (score/default.yaml).
func Default() *Scorecard {
	sc, err := Parse("score/default.yaml", defaultYAML)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return sc
}

// LoadScorecard reads a scorecard file.
func LoadScorecard(path string) (*Scorecard, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scorecard: %w", err)
	}
	return Parse(path, data)
}

var (
	scorecardKeys = []string{"scorecard", "version", "pass_mark", "practice_pass_mark", "fail_on", "order", "items", "required"}
	itemKeys      = []string{"name", "weight", "advice"}
	yamlLineRe    = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// Parse reads a scorecard; every problem is reported as
// `file:line:col: what is wrong` (a lexicon.ErrorList).
func Parse(file string, data []byte) (*Scorecard, error) {
	var errs lexicon.ErrorList
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		line, msg := 0, err.Error()
		if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		} else if errors.Is(err, io.EOF) {
			msg = "empty scorecard"
		}
		errs.Add(file, line, 0, "", "%s", msg)
		return nil, errs.Err()
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		errs.Add(file, 0, 0, "", "a scorecard is a mapping of keys (scorecard, version, items, …)")
		return nil, errs.Err()
	}
	root := doc.Content[0]
	add := func(n *yaml.Node, format string, args ...any) {
		errs.Add(file, n.Line, n.Column, "", format, args...)
	}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if !contains(scorecardKeys, k.Value) {
			add(k, "unknown field %q (want one of %s)", k.Value, strings.Join(scorecardKeys, ", "))
			continue
		}
		fields[k.Value] = v
	}
	sc := &Scorecard{Source: file, Items: map[string]ItemSpec{}}
	str := func(key string) string {
		n := fields[key]
		if n == nil {
			return ""
		}
		if n.Kind != yaml.ScalarNode {
			add(n, "%s must be a single value", key)
			return ""
		}
		return strings.TrimSpace(n.Value)
	}
	list := func(key string) []string {
		n := fields[key]
		if n == nil {
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			add(n, "%s must be a list", key)
			return nil
		}
		var out []string
		for _, c := range n.Content {
			out = append(out, strings.TrimSpace(c.Value))
		}
		return out
	}
	sc.Name, sc.Version = str("scorecard"), str("version")
	if sc.Name == "" {
		add(root, "missing `scorecard` (the scorecard's name)")
	}
	if sc.Version == "" {
		add(root, "missing `version`")
	}
	if v := str("pass_mark"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			add(fields["pass_mark"], "pass_mark must be a whole number of points, got %q", v)
		}
		sc.PassMark = n
	}
	if v := str("practice_pass_mark"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			add(fields["practice_pass_mark"], "practice_pass_mark must be a whole number of points, got %q", v)
		}
		sc.PracticePassMark, sc.HasPracticePassMark = n, true
	}
	sc.FailOn = list("fail_on")
	for i, c := range sc.FailOn {
		if !result.IsViolation(c) {
			add(fields["fail_on"].Content[i], "fail_on: %q is not a violation category (want %s)", c, strings.Join(result.ViolationCategories, ", "))
		}
	}
	known := func(code string) string {
		switch {
		case contains(result.TaskCodes, code):
			return "task"
		case contains(result.StepCodes, code):
			return "step"
		}
		return ""
	}
	// Required items: the rules under `required`, read as a pack of
	// category required whose rules keep this file's line numbers.
	var requiredCodes []string
	if n := fields["required"]; n != nil {
		pack := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Content: []*yaml.Node{
			scalar("pack"), scalar(sc.Name + "-required"),
			scalar("version"), scalar(sc.Version),
			scalar("category"), scalar(lexicon.CategoryRequired),
			scalar("rules"), n,
		}}
		p, err := lexicon.ParseNode(file, pack)
		var el lexicon.ErrorList
		switch {
		case errors.As(err, &el):
			errs = append(errs, el...)
		case err != nil:
			add(n, "%v", err)
		default:
			sc.Required = p
			for _, r := range p.Rules {
				requiredCodes = append(requiredCodes, r.Code)
			}
		}
	}
	if n := fields["items"]; n == nil {
		add(root, "missing `items` (the weight of each task and step)")
	} else if n.Kind != yaml.MappingNode {
		add(n, "items must be a mapping of item code to {name, weight, advice}")
	} else {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			code := k.Value
			kind := known(code)
			if kind == "" && contains(requiredCodes, code) {
				kind = "required"
			}
			if kind == "" {
				add(k, "unknown item %q (a task, a step, or the code of a rule under required)", code)
				continue
			}
			if v.Kind != yaml.MappingNode {
				add(v, "item %s must be a mapping {name, weight, advice}", code)
				continue
			}
			spec := ItemSpec{Kind: kind}
			for j := 0; j+1 < len(v.Content); j += 2 {
				ik, iv := v.Content[j], v.Content[j+1]
				switch ik.Value {
				case "name":
					spec.Name = iv.Value
				case "advice":
					spec.Advice = iv.Value
				case "weight":
					w, err := strconv.Atoi(iv.Value)
					if err != nil || w < 0 || w > 1000 {
						add(iv, "item %s: weight must be a whole number from 0 to 1000, got %q", code, iv.Value)
					}
					spec.Weight = w
				default:
					add(ik, "item %s: unknown field %q (want one of %s)", code, ik.Value, strings.Join(itemKeys, ", "))
				}
			}
			if _, dup := sc.Items[code]; dup {
				add(k, "item %s given twice", code)
			}
			sc.Items[code] = spec
			sc.ItemOrder = append(sc.ItemOrder, code)
		}
		for _, c := range requiredCodes {
			if _, ok := sc.Items[c]; !ok {
				add(fields["required"], "required rule with code %q has no item under items (give it a name and weight)", c)
			}
		}
	}
	sc.Order = list("order")
	for i, c := range sc.Order {
		if _, ok := sc.Items[c]; ok {
			continue
		}
		kind := known(c)
		if kind == "" {
			add(fields["order"].Content[i], "order: unknown item %q", c)
			continue
		}
		// A task or step the order names but items does not weigh is
		// still reported and placed in the order, for 0 points.
		sc.Items[c] = ItemSpec{Kind: kind, Name: defaultName(c)}
		sc.ItemOrder = append(sc.ItemOrder, c)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// defaultName is the name the built-in scorecard gives a task or step,
// for an item a scorecard orders without naming it under items.
func defaultName(code string) string {
	defaultNames.Do(func() {
		var doc struct {
			Items map[string]struct {
				Name string `yaml:"name"`
			} `yaml:"items"`
		}
		if err := yaml.Unmarshal(defaultYAML, &doc); err != nil {
			panic(err) // the embedded file is tested
		}
		defaultNames.m = map[string]string{}
		for code, it := range doc.Items {
			defaultNames.m[code] = it.Name
		}
	})
	return defaultNames.m[code]
}

// defaultNames holds the names of score/default.yaml's items, read once.
var defaultNames struct {
	sync.Once
	m map[string]string
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
