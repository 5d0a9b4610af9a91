package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/lexicon"
)

// RulesOptions are the inputs of `callqa rules list` and `rules test`.
type RulesOptions struct {
	IO      *IOStreams
	Rules   []string
	Verbose bool
}

func newRulesCmd(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the loaded rules, run their examples or check their health",
		Long: `Rules live in YAML rule packs: the built-in ones (lexicon/packs) and any
given with --rules FILE|DIR. A user rule with a built-in id replaces it;
a pack's disable: [id, ...] switches rules off.`,
		// Without a subcommand: the help; with an unknown one: a usage
		// error (cobra would print the help and exit 0).
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return flagErrorf("unknown command %q for %q (want list, test or health)", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newRulesListCmd(ios, nil), newRulesTestCmd(ios, nil), newRulesHealthCmd(ios, nil))
	return cmd
}

func newRulesListCmd(ios *IOStreams, runF func(*RulesOptions) error) *cobra.Command {
	return newRulesSubcmd(ios, runF, runRulesList, "list",
		"Print the effective rules: id, category, severity, source",
		"also say which rules were replaced or disabled")
}

func newRulesTestCmd(ios *IOStreams, runF func(*RulesOptions) error) *cobra.Command {
	return newRulesSubcmd(ios, runF, runRulesTest, "test",
		"Run every rule's match / no_match examples; exit 1 on a failure",
		"list every rule with its example count")
}

// newRulesSubcmd builds a rules subcommand: both take the same flags and
// differ only in what they run.
func newRulesSubcmd(ios *IOStreams, runF, run func(*RulesOptions) error, name, short, verbose string) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	if runF == nil {
		runF = run
	}
	cmd := &cobra.Command{
		Use:   name + " [--rules PATH]...",
		Short: short,
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runF(opts) },
	}
	cmd.Flags().StringArrayVar(&opts.Rules, "rules", nil, "extra rule pack `FILE|DIR` (repeatable; same id replaces)")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, verbose)
	return cmd
}

func runRulesList(opts *RulesOptions) error {
	set, err := lexicon.LoadSet(opts.Rules)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	w := termtab.NewWriter(opts.IO.Out, 2, 0)
	fmt.Fprintln(w, "ID\tCATEGORY\tSEVERITY\tPACK\tSOURCE\tDESCRIPTION")
	for _, r := range set.Rules {
		cat := r.Category
		if r.Code != "" {
			cat += ":" + r.Code
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s@%s\t%s\t%s\n", r.ID, cat, r.Severity, r.Pack.Name, r.Pack.Version, r.Source(), r.Description)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%d rules in %d packs\n", len(set.Rules), len(set.Packs))
	if len(set.ClassNames) > 0 {
		fmt.Fprintln(opts.IO.Out)
		w = termtab.NewWriter(opts.IO.Out, 2, 0)
		fmt.Fprintln(w, "CLASS\tMEMBERS\tSOURCE\tDESCRIPTION")
		for _, name := range set.ClassNames {
			c := set.Classes[name]
			src := c.Source()
			if n := len(c.Decls) - 1; n > 0 {
				src += fmt.Sprintf(" (+%d extension)", n)
			}
			fmt.Fprintf(w, "$%s\t%d\t%s\t%s\n", name, len(c.Members), src, c.Description)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "%d classes\n", len(set.ClassNames))
	}
	if opts.Verbose {
		for _, n := range set.Notes {
			fmt.Fprintln(opts.IO.Out, n)
		}
	}
	return nil
}

func runRulesTest(opts *RulesOptions) error {
	set, err := lexicon.LoadSet(opts.Rules)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	an, err := analyzer.New(set, analyzer.Options{})
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	examples := 0
	for _, r := range set.Rules {
		examples += len(r.Examples.Match) + len(r.Examples.NoMatch)
	}
	classExamples := 0
	for _, name := range set.ClassNames {
		for _, d := range set.Classes[name].Decls {
			classExamples += len(d.Examples.Match) + len(d.Examples.NoMatch)
		}
	}
	failures := an.CheckExamples(nil)
	for _, f := range failures {
		fmt.Fprintln(opts.IO.ErrOut, f.Error())
	}
	classFailures := an.CheckClassExamples(nil)
	for _, f := range classFailures {
		fmt.Fprintln(opts.IO.ErrOut, f.Error())
	}
	if opts.Verbose {
		for _, r := range set.Rules {
			fmt.Fprintf(opts.IO.Out, "%s: %d match, %d no_match (%s)\n", r.ID, len(r.Examples.Match), len(r.Examples.NoMatch), r.Source())
		}
	}
	fmt.Fprintf(opts.IO.Out, "%d rules, %d examples; %d classes, %d examples\n", len(set.Rules), examples, len(set.ClassNames), classExamples)
	total, failed := examples+classExamples, len(failures)+len(classFailures)
	fmt.Fprintf(opts.IO.Out, "%d passed, %d failed\n", total-failed, failed)
	if failed > 0 {
		return &exitError{code: exitViolation}
	}
	return nil
}

// loadAnalyzer loads the built-in packs and the user packs, builds the
// analyzer, and runs the examples of every rule a user pack defines: a
// pack that fails its own examples never scans a call.
//
// extra packs (a scorecard's required items) are added last.
func loadAnalyzer(rules []string, opts analyzer.Options, extra ...*lexicon.Pack) (*analyzer.Analyzer, error) {
	set, err := lexicon.LoadSet(rules)
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		if set, err = lexicon.NewSet(append(set.Packs, extra...)); err != nil {
			return nil, err
		}
	}
	an, err := analyzer.New(set, opts)
	if err != nil {
		return nil, err
	}
	var user []*lexicon.Rule
	for _, r := range set.Rules {
		if r.Pack != nil && !r.Pack.Builtin {
			user = append(user, r)
		}
	}
	var errs []error
	if len(user) > 0 {
		for _, f := range an.CheckExamples(user) {
			errs = append(errs, f)
		}
	}
	userClass := func(c *lexicon.Class) bool { return c.Pack != nil && !c.Pack.Builtin }
	for _, f := range an.CheckClassExamples(userClass) {
		errs = append(errs, f)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("user rule examples failed (run `callqa rules test` for details):\n%w", errors.Join(errs...))
	}
	return an, nil
}
