package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// writeJSON prints v as indented JSON: the bare value, no envelope, and
// terminal-safe (see jsonTerminalSafe).
func writeJSON(w io.Writer, v any) error {
	b, err := newJSONEncoder("  ").encode(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// jsonEncoder encodes values as the CLI prints JSON: < > & as they are,
// and terminal-safe (see jsonTerminalSafe). One buffer and encoder serve
// every value it encodes.
type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// newJSONEncoder returns a jsonEncoder that indents by indent, or writes
// each value on one line if indent is "".
func newJSONEncoder(indent string) *jsonEncoder {
	e := &jsonEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetIndent("", indent)
	e.enc.SetEscapeHTML(false)
	return e
}

// encode returns v as JSON ending in a line feed, valid until the next
// call.
func (e *jsonEncoder) encode(v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return jsonTerminalSafe(e.buf.Bytes()), nil
}

// rowCount counts n roster rows in words: "1 row", "2 rows".
func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// newTable returns a tabwriter for aligned columns; Flush it when done.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// maskKey shows the first four characters of a key and hides the rest:
// enough to tell keys apart, too little to use one.
func maskKey(key string) string {
	if len(key) < 8 {
		return "…"
	}
	return key[:4] + "…"
}

// formatTime prints a time in UTC to the second, or "-" when zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// jsonUsage is the help line of --json, which every read command has.
const jsonUsage = "print the result as JSON: the bare value (an array for lists), no envelope"

// printOverview prints the list of commands and the flags they share.
func printOverview(w io.Writer, cmds []*command) {
	fmt.Fprintln(w, "usage: partnerapi COMMAND [ARGS] [FLAGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Admin CLI for the Big Interview partner API and the TicketsCloud API keys.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	tw := newTable(w)
	for _, c := range cmds {
		fmt.Fprintf(tw, "  %s\t%s\n", strings.Join(append(append([]string{}, c.words...), c.args...), " "), c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Global flags (a flag wins over its environment variable):")
	global := flag.NewFlagSet("global", flag.ContinueOnError)
	var o options
	registerSettings(global, &o.settings, connUsers|connKeys)
	var withJSON []string // the commands listed that have --json
	for _, c := range cmds {
		if c.json {
			withJSON = append(withJSON, strings.Join(c.words, " "))
		}
	}
	if len(withJSON) > 0 {
		global.BoolVar(&o.json, "json", false, "("+strings.Join(withJSON, ", ")+") "+jsonUsage)
	}
	printFlags(w, global)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags may come before or after arguments; -- ends them. Results go to stdout,")
	fmt.Fprintln(w, "messages to stderr. Exit codes: 0 ok, 1 failed (or some rows failed), 2 usage")
	fmt.Fprintln(w, "or configuration error. Run partnerapi COMMAND --help for a command's flags.")
}

// printCommandHelp prints one command's usage, details and flags.
func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: partnerapi %s [FLAGS]\n\n%s\n", strings.Join(append(append([]string{}, c.words...), c.args...), " "), c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.details))
	}
	fmt.Fprintln(w, "\nFlags:")
	printFlags(w, fs)
}

// printFlags lists the flags of fs as the README spells them: --name, its
// value's name, what it does and its default.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := newTable(w)
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		spec := "--" + f.Name
		if value != "" {
			spec += " " + value
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", spec, usage)
	})
	fmt.Fprintf(tw, "  %s\t%s\n", "-h, --help", "show this help")
	tw.Flush()
}
