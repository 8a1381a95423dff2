// Command partnerapi is the admin CLI for the two partner APIs: it syncs a
// roster of users from a CSV file, reports where every user of a roster
// stands (CSV, JSON, an HTML summary), reads a user's tracks and
// interviews, mints SSO login links, and manages (and safely rotates) API
// keys.
//
//	partnerapi users sync roster.csv [--dry-run] [--derive-ids] [--concurrency N]
//	partnerapi users report roster.csv [--interviews] [--json] [--html FILE] [--concurrency N]
//	partnerapi users tracks ID [--json]
//	partnerapi users interviews ID [--json]
//	partnerapi sso-link ID [--redirect-to PATH]
//	partnerapi keys list [--json]
//	partnerapi keys create NAME
//	partnerapi keys rename ID NAME
//	partnerapi keys delete ID
//	partnerapi keys rotate ID
//
// Configuration comes from flags or the environment: --org
// (PARTNERAPI_ORG), --key (PARTNERAPI_KEY), --keys-key
// (PARTNERAPI_KEYS_KEY), --partner (PARTNERAPI_PARTNER) and --base-url
// (PARTNERAPI_BASE_URL); a flag wins over the environment. --mock runs
// against an embedded fake (package mockserver) seeded with a demo
// partner, for trying the CLI without credentials.
//
// Flags may come before or after a command's arguments. Results go to
// stdout, messages and progress to stderr. Exit codes: 0 success, 1 the
// operation failed (or, for users sync and users report, some rows
// failed), 2 a usage or configuration error. Errors are one line on
// stderr. Run "partnerapi COMMAND --help" for each command's flags.
//
// Nothing the CLI writes - results, messages, errors, progress, files -
// holds a configured credential, wherever the configuration put it (a key
// in PARTNERAPI_ORG, in the base URL, as the partner): one redactor
// (redact.go) scrubs every stream and file. Text from a server reaches the
// terminal with its control characters replaced (termsafe.go), and every
// CSV cell it writes is safe from spreadsheet formulas (csvwrite.go). The
// roster CSV is read a row at a time in bounded memory (roster.go over
// csvread.go).
package main

import (
	"context"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	flushLog := redirectStandardLog(os.Args[1:], os.Getenv, os.Stderr)
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	flushLog()
	os.Exit(code)
}

// redirectStandardLog writes the standard logger's output to w through the
// redactor of args and getenv, and returns what writes out the rest. net/http
// logs a few diagnostics of its own there, quoting bytes a server sent (an
// answer on an idle connection), which a hostile server may fill with a
// key it was given.
func redirectStandardLog(args []string, getenv func(string) string, w io.Writer) (flush func()) {
	rw := newRedactor(args, getenv).writer(w)
	log.SetOutput(rw)
	return func() { _ = rw.Flush() }
}

// run is the whole CLI for one invocation: it parses args, runs the
// command and returns the exit code. It keeps no state between calls, so
// tests may call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return app.main(ctx, args)
}

// commands is every command of the CLI, in the order help lists them.
func commands() []*command {
	var cmds []*command
	cmds = append(cmds, usersCommands()...)
	cmds = append(cmds, ssoCommands()...)
	cmds = append(cmds, keysCommands()...)
	return cmds
}
