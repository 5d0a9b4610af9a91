// Package synth generates a deterministic synthetic corpus of Chinese
// debt-collection calls for benchmarks: realistic in shape (6–20 turns,
// about 23 characters a turn on average, a roster of 60 agents in 10 teams,
// dates over twelve months, about 40% of calls with a violation of one of
// the four categories, 14% with a third party, 16% in Traditional
// characters), built from template fragments with random names and
// amounts.
//
// Every person name is a random surname and given name, every company an
// invented brand; no text holds a phone, ID or card number.
//
//	calls := synth.Generate(20000, 1)
//	err := synth.WriteJSONL(w, calls) // readable by corpus.ReadJSONL
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/longbridgeapp/opencc"

	"github.com/callqa/callqa/corpus"
)

// Source is the file name generated calls claim to come from: call i
// (0-based) has Source "synth.jsonl#<i+1>", which is what corpus.ReadJSONL
// gives when the output of WriteJSONL is read back under that name.
const Source = "synth.jsonl"

// Teams are the ten teams of the roster. TW-1 speaks Taiwan Traditional
// and HK-1 half Hong Kong Traditional.
var Teams = []string{"M1-A", "M1-B", "M1-C", "M2-A", "M2-B", "M3-A", "M3-B", "M4-A", "TW-1", "HK-1"}

// MinTurns and MaxTurns bound the length of a call.
const (
	MinTurns = 6
	MaxTurns = 20
)

// AgentsPerTeam is the size of a team; the roster has 60 agents.
const AgentsPerTeam = 6

// Start is the first day of the twelve months the calls are spread over.
var Start = time.Date(2025, 12, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Violation categories the generator injects (policy.md).
const (
	Insult     = "insult"
	Threat     = "threat"
	FalseLegal = "false_legal_claim"
	Disclosure = "third_party_disclosure"
)

// Agent is one member of the roster.
type Agent struct {
	Name, Short, Team string
	// Weight is how many calls the agent makes relative to the others,
	// Risk the probability that one of their calls holds a violation.
	Weight, Risk float64
}

// Roster returns the 60 agents for a seed, in team order.
func Roster(seed int64) []Agent {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	seen := map[string]bool{}
	var out []Agent
	for _, team := range Teams {
		for range AgentsPerTeam {
			var name string
			for name == "" || seen[name] {
				name = personName(r)
			}
			seen[name] = true
			short := pick(r, []string{"小" + firstRune(name), firstRune(name) + "专员", name})
			out = append(out, Agent{
				Name: name, Short: short, Team: team,
				Weight: 0.5 + r.Float64(),
				// Mean 0.43: most agents are careful, a few are not.
				Risk: 0.12 + 0.62*r.Float64(),
			})
		}
	}
	return out
}

// Generate returns n calls for a seed with the default options. The same
// (n, seed) gives the same calls; call i is the same whatever n is.
func Generate(n int, seed int64) []*corpus.Call {
	g := NewGenerator(seed, Options{})
	calls := make([]*corpus.Call, n)
	for i := range calls {
		calls[i] = g.Call(i)
	}
	return calls
}

// Options change the shape of generated calls. The zero value is the
// default: MinTurns to MaxTurns turns, no ASR-style text.
type Options struct {
	// MinTurns and MaxTurns bound the number of turns of a call (0: the
	// package defaults). MaxTurns must leave room for a call's fixed
	// opening and ending: at least MinTurns+8.
	MinTurns, MaxTurns int
	// ASR is the share of calls written the way speech recognition
	// writes: no punctuation, fillers (嗯, 呃, 那个), repeated words.
	ASR float64
}

// Generator makes calls one at a time, so that a large corpus can be
// written without holding it in memory. It is safe for concurrent use.
type Generator struct {
	seed   int64
	opts   Options
	roster []Agent
	total  float64
}

// NewGenerator returns a generator for a seed.
func NewGenerator(seed int64, opts Options) *Generator {
	if opts.MinTurns <= 0 {
		opts.MinTurns = MinTurns
	}
	if opts.MaxTurns <= 0 {
		opts.MaxTurns = MaxTurns
	}
	opts.MaxTurns = max(opts.MaxTurns, opts.MinTurns+8)
	g := &Generator{seed: seed, opts: opts, roster: Roster(seed)}
	for _, a := range g.roster {
		g.total += a.Weight
	}
	return g
}

// Call returns call i (0-based): the same for the same seed, options and i.
func (g *Generator) Call(i int) *corpus.Call {
	r := rand.New(rand.NewPCG(uint64(g.seed), uint64(i)+1))
	return generate(r, i, g.roster, g.total, g.opts)
}

// generate builds call i.
func generate(r *rand.Rand, i int, roster []Agent, total float64, o Options) *corpus.Call {
	x := r.Float64() * total
	agent := roster[len(roster)-1]
	for _, a := range roster {
		if x -= a.Weight; x < 0 {
			agent = a
			break
		}
	}
	g := &gen{r: r, agent: agent, minTurns: o.MinTurns, maxTurns: o.MaxTurns}
	g.debtor = personName(r)
	g.title = pick(r, []string{"先生", "女士"})
	g.small = amount(r, 200, 3000)
	g.days = days(r)
	g.he = pick(r, []string{"他", "她"})
	g.relation = pick(r, relations)
	g.company = pick(r, companies)
	g.product = pick(r, products)
	g.amount = amount(r, 800, 98000)

	c := &corpus.Call{
		ID:        fmt.Sprintf("SYN%06d", i+1),
		Agent:     agent.Name,
		Team:      agent.Team,
		StartedAt: startedAt(r).Format(time.RFC3339),
		Source:    fmt.Sprintf("%s#%d", Source, i+1),
	}
	switch x := r.Float64(); {
	case x < 0.05:
		c.Kind = "practice"
	case x < 0.50:
		c.Kind = "first_call"
	default:
		c.Kind = "follow_up"
	}
	thirdParty := r.Float64() < 0.14
	violate := r.Float64() < agent.Risk
	// Bridging turns can overshoot the target length: draw again then.
	for len(g.turns) < o.MinTurns || len(g.turns) > o.MaxTurns {
		g.turns = nil
		if thirdParty {
			g.thirdParty(violate)
		} else {
			g.debtorCall(violate)
		}
	}
	switch x := r.Float64(); {
	case thirdParty && x < 0.6:
		c.Party = "third_party"
	case !thirdParty && x < 0.5:
		c.Party = "debtor"
	}
	trad := ""
	switch {
	case agent.Team == "TW-1":
		trad = "s2tw"
	case agent.Team == "HK-1" && r.Float64() < 0.5:
		trad = "s2hk"
	}
	other := corpus.RoleCustomer
	if thirdParty && r.Float64() < 0.5 {
		other = corpus.RoleThirdParty
	}
	asr := o.ASR > 0 && r.Float64() < o.ASR
	for j, t := range g.turns {
		role := corpus.RoleAgent
		if !t.agent {
			role = other
		}
		text := t.text
		if trad != "" {
			text = toTraditional(trad, text)
		}
		if asr {
			text = asrStyle(r, text)
		}
		c.Turns = append(c.Turns, corpus.Turn{N: j + 1, Role: role, Label: string(role), Text: text})
	}
	return c
}

// startedAt is a working-hours moment in the twelve months from Start,
// Sundays less often.
func startedAt(r *rand.Rand) time.Time {
	days := Start.AddDate(1, 0, 0).Sub(Start).Hours() / 24
	for {
		d := Start.AddDate(0, 0, r.IntN(int(days)))
		if d.Weekday() == time.Sunday && r.Float64() < 0.7 {
			continue
		}
		hour := 9 + r.IntN(11)
		return d.Add(time.Duration(hour)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	}
}

type turn struct {
	agent bool
	text  string
}

// gen builds one call's turns.
type gen struct {
	r                               *rand.Rand
	agent                           Agent
	debtor, title, company, product string
	amount, small, days, he         string
	relation                        string
	minTurns, maxTurns              int
	turns                           []turn
}

func (g *gen) a(options []string) { g.say(true, pick(g.r, options)) }
func (g *gen) c(options []string) { g.say(false, pick(g.r, options)) }

// fill replaces the {placeholders} of a fragment.
func (g *gen) fill(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	r := g.r
	rep := []string{
		"{name}", g.debtor,
		"{surname}", firstRune(g.debtor),
		"{title}", g.title,
		"{company}", g.company,
		"{product}", g.product,
		"{amount}", g.amount,
		"{agent}", g.agent.Short,
		"{days}", g.days,
		"{small}", g.small,
		"{deadline}", pick(r, deadlines),
		"{channel}", pick(r, channels),
		"{relation}", g.relation,
		"{he}", g.he,
		"{date}", fmt.Sprintf("%d月%d号", 1+r.IntN(12), 1+r.IntN(28)),
		"{reason}", pick(r, reasons),
	}
	return strings.NewReplacer(rep...).Replace(s)
}

// say adds a turn; when the same side spoke last, a short bridging turn
// of the other side comes first, so that speakers alternate.
func (g *gen) say(agent bool, format string) {
	if n := len(g.turns); n > 0 && g.turns[n-1].agent == agent {
		bridge := customerBridges
		if !agent {
			bridge = agentBridges
		}
		g.turns = append(g.turns, turn{agent: !agent, text: g.fill(pick(g.r, bridge))})
	}
	text := g.fill(format)
	switch x := g.r.Float64(); {
	case !agent && x < 0.7:
		text += pick(g.r, customerTails)
	case agent && x < 0.35:
		text += pick(g.r, agentTails)
	}
	g.turns = append(g.turns, turn{agent: agent, text: text})
}

// debtorCall: verify, introduce and state the debt, a few exchanges
// (reason, consequences, instalments…), a demand and a commitment, and a
// closing; with violate, one or two agent turns break the rules.
func (g *gen) debtorCall(violate bool) {
	r := g.r
	target := g.minTurns + r.IntN(g.maxTurns-g.minTurns-1)
	g.a(greetings)
	g.c(confirms)
	g.say(true, pick(r, openers)+pick(r, intros)+pick(r, debtStatements))
	var cats []string
	if violate {
		cats = []string{pick(r, []string{Insult, Threat, FalseLegal})}
		if r.Float64() < 0.25 {
			second := pick(r, []string{Insult, Threat, FalseLegal})
			if second != cats[0] {
				cats = append(cats, second)
			}
		}
	}
	// The end takes three turns, each violation two.
	for len(g.turns)+3+2*len(cats) < target {
		for _, t := range exchanges[r.IntN(len(exchanges))] {
			g.say(t.agent, pick(r, t.options))
		}
		if len(cats) > 0 && r.Float64() < 0.5 {
			g.violation(cats[0])
			cats = cats[1:]
		}
	}
	for _, cat := range cats {
		g.violation(cat)
	}
	g.say(true, pick(r, openers)+pick(r, demands))
	if r.Float64() < 0.75 {
		g.c(commitments)
	} else {
		g.c(refusals)
	}
	g.a(closings)
	if r.Float64() < 0.4 {
		g.c(byes)
	}
}

// thirdParty: someone else answers; a careful agent asks for a call back,
// a careless one tells them about the debt.
func (g *gen) thirdParty(violate bool) {
	r := g.r
	target := g.minTurns + r.IntN(max(g.maxTurns-g.minTurns-6, 1))
	g.a(greetings)
	g.c(thirdPartyAnswers)
	if violate {
		g.violation(Disclosure)
	} else {
		g.a(thirdPartyCareful)
	}
	for len(g.turns)+2 < target {
		g.c(thirdPartyRemarks)
		if violate && r.Float64() < 0.5 {
			g.violation(pick(r, []string{Disclosure, Disclosure, Threat, Insult}))
		} else {
			g.a(thirdPartyReplies)
		}
	}
	g.a(thirdPartyClosings)
	g.c(byes)
}

// violation adds an agent turn with a violation of cat and the other
// party's reaction.
func (g *gen) violation(cat string) {
	g.say(true, pick(g.r, openersBad)+pick(g.r, violations[cat]))
	g.c(reactions)
}

func pick[T any](r *rand.Rand, options []T) T { return options[r.IntN(len(options))] }

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func personName(r *rand.Rand) string {
	name := pick(r, surnames) + pick(r, givenChars)
	if r.Float64() < 0.7 {
		name += pick(r, givenChars)
	}
	return name
}

// amount is a sum of money in one of the ways agents say it.
func amount(r *rand.Rand, lo, hi int) string {
	n := lo + r.IntN(hi-lo)
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%d元", n)
	case 1:
		return fmt.Sprintf("%d块钱", n/10*10)
	case 2:
		return fmt.Sprintf("%d.%02d元", n, r.IntN(100))
	default:
		return chineseAmount(n)
	}
}

var digits = []string{"零", "一", "两", "三", "四", "五", "六", "七", "八", "九"}

// chineseAmount says n yuan the way people do: 三万二, 八千五百块, 九百块.
func chineseAmount(n int) string {
	switch {
	case n >= 10000:
		s := digits[n/10000] + "万"
		k, h := n%10000/1000, n%1000/100
		switch {
		case k > 0 && h > 0:
			return s + digits[k] + "千" + digits[h] + "百块"
		case k > 0:
			return s + digits[k] // 三万二
		}
		return s + "块"
	case n >= 1000:
		s := digits[n/1000] + "千"
		if h := n % 1000 / 100; h > 0 {
			s += digits[h] + "百"
		}
		return s + "块"
	default:
		return digits[max(n/100, 1)] + "百块"
	}
}

func days(r *rand.Rand) string {
	n := 3 + r.IntN(180)
	if r.IntN(2) == 0 {
		return fmt.Sprintf("%d", n)
	}
	if n < 20 {
		return digits[min(n, 9)]
	}
	return fmt.Sprintf("%d", n)
}

var (
	ccMu sync.Mutex
	cc   = map[string]*opencc.OpenCC{}
)

// toTraditional converts Simplified text with an OpenCC profile (s2tw,
// s2hk); on any error the text stays Simplified.
func toTraditional(profile, s string) string {
	ccMu.Lock()
	defer ccMu.Unlock()
	c, ok := cc[profile]
	if !ok {
		var err error
		if c, err = opencc.New(profile); err != nil {
			c = nil
		}
		cc[profile] = c
	}
	if c == nil {
		return s
	}
	out, err := c.Convert(s)
	if err != nil {
		return s
	}
	return out
}

// asrStyle rewrites a turn the way speech recognition writes it:
// punctuation gone (a pause becomes a space, or nothing), a filler now and
// then, a word said twice.
func asrStyle(r *rand.Rand, s string) string {
	var b strings.Builder
	if r.Float64() < 0.3 {
		b.WriteString(pick(r, []string{"嗯", "呃", "那个", "就是"}))
	}
	prev := ""
	for _, c := range s {
		switch {
		case strings.ContainsRune("，。？！,.?!；;：:、", c):
			if r.Float64() < 0.5 {
				b.WriteString(" ")
			}
			if r.Float64() < 0.1 {
				b.WriteString(pick(r, []string{"嗯", "呃"}))
			}
			prev = ""
			continue
		case r.Float64() < 0.01 && prev != "":
			b.WriteString(prev) // a character said twice
		}
		b.WriteRune(c)
		prev = string(c)
	}
	return strings.TrimSpace(b.String())
}
