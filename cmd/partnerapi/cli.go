package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// Exit codes.
const (
	exitOK     = 0 // success
	exitFailed = 1 // the operation failed, or some rows of a sync failed
	exitUsage  = 2 // bad usage or configuration; nothing was attempted
)

// app is one invocation's environment: its streams and environment
// variables. It holds no state of its own between invocations.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stderrTTY: stderr is a terminal (progress draws a bar), judged on
	// the stream itself, before main wraps it.
	stderrTTY bool
	// transport carries the CLI's requests; nil means a clone of
	// http.DefaultTransport. Tests set it.
	transport http.RoundTripper
	// redactor scrubs the credentials of this invocation from everything
	// the CLI writes: stdout, stderr and files.
	redactor *redactor
}

// command is one CLI command: its words ("keys", "rotate"), its
// positional arguments, its own flags and what it does.
type command struct {
	words   []string // e.g. {"keys", "rotate"}
	args    []string // names of the positional arguments, e.g. {"ID"}
	summary string   // one line for the command list
	details string   // more help, printed by --help
	json    bool     // the command has --json
	conn    connNeed // what configuration it needs
	flags   func(fs *flag.FlagSet, o *options)
	run     func(ctx context.Context, inv *invocation) error
}

// invocation is what a command runs with: the parsed options, its
// positional arguments and the app's streams.
type invocation struct {
	*app
	cmd  *command
	opts *options
	args []string
	// abort ends the command's context with a cause that replaces the
	// command's own error: a failure no retry can mend (see cliTransport).
	abort context.CancelCauseFunc
}

// options holds every flag of one invocation; each command registers only
// the flags it accepts.
type options struct {
	settings // configuration: org, key, partner, base URL, --mock, --timeout

	json bool

	// users sync
	dryRun      bool
	deriveIDs   bool
	concurrency int
	mapOut      string

	// users report
	interviews bool
	htmlOut    string

	// sso-link
	redirectTo, returnURL      string
	firstName, lastName, email string

	// keys rotate
	name string
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// exitError carries an exit code for a failure already reported in full
// (a sync's failed rows), with a one-line summary.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func (a *app) main(ctx context.Context, args []string) int {
	// Everything the CLI prints goes through the redactor, from here on.
	a.stderrTTY = isTerminal(a.stderr, a.getenv)
	a.redactor = newRedactor(args, a.getenv)
	stdout, stderr := a.redactor.writer(a.stdout), a.redactor.writer(a.stderr)
	a.stdout, a.stderr = stdout, stderr
	defer stderr.Flush()
	defer stdout.Flush()
	return a.dispatch(ctx, args)
}

// dispatch finds the command in args, parses its flags and runs it.
func (a *app) dispatch(ctx context.Context, args []string) int {
	cmds := commands()
	if len(args) > 0 && args[0] == "help" { // "help keys rotate" is "keys rotate --help"
		args = append(append([]string{}, args[1:]...), "--help")
	}
	words, rest, stray, err := splitCommand(cmds, args)
	if err != nil {
		return a.fail(err)
	}
	if len(words) == 0 {
		if wantsHelp(rest) {
			printOverview(a.stdout, cmds)
			return exitOK
		}
		return a.fail(usagef("no command given; run partnerapi --help"))
	}
	cmd, group := findCommand(cmds, words)
	if cmd == nil {
		if group != "" && stray == "" && wantsHelp(rest) {
			printOverview(a.stdout, groupCommands(cmds, group))
			return exitOK
		}
		return a.fail(unknownCommand(cmds, words, stray))
	}

	opts := &options{}
	fs := flag.NewFlagSet("partnerapi "+strings.Join(cmd.words, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by us, in one line
	registerSettings(fs, &opts.settings, cmd.conn)
	if cmd.json {
		fs.BoolVar(&opts.json, "json", false, jsonUsage)
	}
	if cmd.flags != nil {
		cmd.flags(fs, opts)
	}
	name := strings.Join(cmd.words, " ")
	pos, err := parseInterleaved(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(a.stdout, cmd, fs)
		return exitOK
	}
	if err != nil {
		return a.fail(usagef("%s: %s (see partnerapi %s --help)", name, flagError(err), name))
	}
	if len(pos) != len(cmd.args) {
		return a.fail(usagef("%s takes %d argument(s) (%s), got %d; see partnerapi %s --help",
			name, len(cmd.args), strings.Join(cmd.args, " "), len(pos), name))
	}
	if cmd.conn != connNone {
		opts.settings.fromEnv(a.getenv)
	}
	if opts.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.timeout)
		defer cancel()
	}
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	err = cmd.run(ctx, &invocation{app: a, cmd: cmd, opts: opts, args: pos, abort: abort})
	if err != nil {
		var ce *configError
		if errors.As(context.Cause(ctx), &ce) { // an abort: its cause is the whole story
			err = ce
		}
		return a.fail(err)
	}
	return exitOK
}

// fail prints err as one line on stderr and returns its exit code.
func (a *app) fail(err error) int {
	code := exitFailed
	var ue *usageError
	var ce *configError
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case errors.As(err, &ue), errors.As(err, &ce), errors.Is(err, partnerapi.ErrInvalidArgument):
		code = exitUsage
	}
	a.say("partnerapi: %s", errText(err))
	return code
}

// say prints a message on stderr: one line, terminal-safe (it may quote
// the server).
func (a *app) say(format string, args ...any) {
	fmt.Fprintln(a.stderr, printable(oneLine(fmt.Sprintf(format, args...))))
}

// refusedStatus reports whether err is the server refusing the key (401
// or 403: a wrong key, or one that may not use the API), and its status.
func refusedStatus(err error) (int, bool) {
	var apiErr *partnerapi.Error
	if (errors.Is(err, partnerapi.ErrUnauthorized) || errors.Is(err, partnerapi.ErrForbidden)) && errors.As(err, &apiErr) {
		return apiErr.StatusCode, true
	}
	return 0, false
}

// errText is err's message on one line without the "partnerapi: " prefix
// that the SDK's errors carry, wherever a wrapped SDK error put it: the
// CLI's own lines say "partnerapi: " once, at their start.
func errText(err error) string {
	return oneLine(strings.ReplaceAll(err.Error(), "partnerapi: ", ""))
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// splitCommand takes the command words out of args, wherever the flags
// are: the first positional arguments that name a command. Flags that take
// a value (--org x) are skipped with their value, so that the value is not
// mistaken for a command word. stray is the positional argument that
// followed words without completing a command ("track" in "users track
// u1"), or "" when words name a command or nothing followed them.
func splitCommand(cmds []*command, args []string) (words, rest []string, stray string, err error) {
	valueFlags := map[string]bool{}
	for _, c := range cmds { // each command's flags in a set of its own: names repeat across commands
		probe := flag.NewFlagSet("probe", flag.ContinueOnError)
		var o options
		registerSettings(probe, &o.settings, connUsers|connKeys)
		if c.flags != nil {
			c.flags(probe, &o)
		}
		probe.VisitAll(func(f *flag.Flag) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				valueFlags[f.Name] = true
			}
		})
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if len(arg) > 1 && arg[0] == '-' {
			rest = append(rest, arg)
			name := strings.TrimLeft(arg, "-")
			if !strings.Contains(name, "=") && valueFlags[name] && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		if isCommandPrefix(cmds, append(words, arg)) {
			words = append(words, arg)
			continue
		}
		if len(words) == 0 {
			return nil, nil, "", unknownCommand(cmds, []string{arg}, "")
		}
		if c, _ := findCommand(cmds, words); c == nil {
			stray = arg
		}
		rest = append(rest, arg)
		// Once a positional argument that is not a command word appears,
		// the command is complete.
		rest = append(rest, args[i+1:]...)
		break
	}
	return words, rest, stray, nil
}

func isCommandPrefix(cmds []*command, words []string) bool {
	for _, c := range cmds {
		if len(c.words) >= len(words) && slices.Equal(c.words[:len(words)], words) {
			return true
		}
	}
	return false
}

// findCommand returns the command named by words, or nil and, when words
// name a group ("keys"), the group.
func findCommand(cmds []*command, words []string) (*command, string) {
	for _, c := range cmds {
		if slices.Equal(c.words, words) {
			return c, ""
		}
	}
	if len(words) == 1 {
		return nil, words[0]
	}
	return nil, ""
}

func groupCommands(cmds []*command, group string) []*command {
	var out []*command
	for _, c := range cmds {
		if c.words[0] == group {
			out = append(out, c)
		}
	}
	return out
}

// unknownCommand explains a command line whose words name no command:
// which words it got, the closest command if one is close, and the valid
// choices at that point.
func unknownCommand(cmds []*command, words []string, stray string) error {
	got := strings.Join(words, " ")
	var choices []string // the words that may follow words[:len(words)-1], or the group's subcommands
	prefix := words[:len(words)-1]
	if stray != "" || isCommandPrefix(cmds, words) {
		prefix = words
	}
	for _, c := range cmds {
		if len(c.words) > len(prefix) && slices.Equal(c.words[:len(prefix)], prefix) && !slices.Contains(choices, c.words[len(prefix)]) {
			choices = append(choices, c.words[len(prefix)])
		}
	}
	group := strings.Join(prefix, " ")
	if stray == "" && isCommandPrefix(cmds, words) {
		return usagef("%s needs a subcommand: %s; run partnerapi %s --help", group, strings.Join(choices, ", "), group)
	}
	typed := words[len(words)-1]
	if stray != "" {
		typed, got = stray, got+" "+stray
	}
	msg := fmt.Sprintf("unknown command %q", shorten(got))
	if near := closest(typed, choices); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", strings.TrimSpace(group+" "+near))
	}
	if group == "" {
		return usagef("%s; the commands are %s; run partnerapi --help", msg, strings.Join(choices, ", "))
	}
	return usagef("%s; %s takes %s; run partnerapi %s --help", msg, group, strings.Join(choices, ", "), group)
}

// closest returns the choice nearest to typed - one it starts, one that
// starts it, or one at most two edits away - or "" if none is.
func closest(typed string, choices []string) string {
	best, bestDist := "", 3
	for _, c := range choices {
		d := editDistance(typed, c)
		if len(typed) >= 3 && (strings.HasPrefix(c, typed) || strings.HasPrefix(typed, c)) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// flagError rewrites an error of the flag package so that flags are
// spelled as the help and the README spell them, --name, not -name.
func flagError(err error) string {
	msg := err.Error()
	for _, pre := range []string{"flag provided but not defined: -", "flag needs an argument: -"} {
		if strings.HasPrefix(msg, pre) {
			return pre + "-" + msg[len(pre):]
		}
	}
	for _, mid := range []string{" for flag -", " for -"} {
		if i := strings.LastIndex(msg, mid); i >= 0 {
			// A value whose own error names its flag ("--concurrency
			// must be from 1 to 256, got 0") is that error alone.
			name, cause, _ := strings.Cut(msg[i+len(mid):], ": ")
			if strings.HasPrefix(cause, "--"+name+" ") {
				return cause
			}
			return msg[:i+len(mid)] + "-" + msg[i+len(mid):]
		}
	}
	return msg
}

// shorten bounds how much of the user's input a message repeats.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// parseInterleaved parses flags wherever they are among the positional
// arguments, which it returns in order. Go's flag package stops at the
// first positional argument, so parsing resumes after each one. After
// "--" everything is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
