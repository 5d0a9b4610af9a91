package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/review"
	"github.com/callqa/callqa/web"
)

// newUsersCmd is callqa users: the users file of callqa serve.
func newUsersCmd(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the users file of callqa serve (names, roles, token digests)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newUsersAddCmd(ios))
	return cmd
}

func newUsersAddCmd(ios *IOStreams) *cobra.Command {
	var file, role string
	cmd := &cobra.Command{
		Use:   "add --users FILE NAME --role viewer|reviewer|lead",
		Short: "Add a user (or give one a new role and token) and print its token once",
		Long: `Add a user to the users file of callqa serve --users, or give an existing
user a new role and a new token. The token, 32 random bytes in base64url,
is printed once on standard output: hand it to the user, who signs in with
it or sends it as "Authorization: Bearer TOKEN". The file keeps only its
SHA-256; it is created when missing and written with mode 0600.

Roles: a viewer reads; a reviewer confirms and dismisses findings, adds
missed violations and finishes call reviews; a lead does that too and opens
and resolves appeals.`,
		Example: `  callqa users add --users users.yaml wang --role reviewer`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return flagErrorf("--users FILE is required")
			}
			r, err := review.ParseRole(role)
			if err != nil || r == review.RoleAdmin {
				return flagErrorf("invalid --role %q: want viewer, reviewer or lead", role)
			}
			token, err := web.AddUser(file, args[0], r)
			if err != nil {
				return &exitError{code: exitTrouble, err: err}
			}
			fmt.Fprintln(ios.Out, token)
			fmt.Fprintf(ios.ErrOut, "callqa: %s (%s) is in %s; the token above is shown only this once\n", args[0], r, file)
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "users", "", "users `FILE` (YAML; created when missing)")
	cmd.Flags().StringVar(&role, "role", "", "viewer, reviewer or lead")
	return cmd
}
