package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"
)

// writeJSON prints v as indented JSON: the bare value, no envelope.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
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

// printOverview prints the list of commands.
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
	fmt.Fprintln(w, "Configuration: --org/"+envOrg+", --key/"+envKey+", --partner/"+envPartner+",")
	fmt.Fprintln(w, "--base-url/"+envBaseURL+", --keys-key/"+envKeysKey+"; --mock for a demo against an embedded fake.")
	fmt.Fprintln(w, "Flags may come before or after arguments. Results go to stdout, messages to stderr.")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 failed (some rows failed), 2 usage or configuration error.")
	fmt.Fprintln(w, "Run partnerapi COMMAND --help for a command's flags.")
}

// printCommandHelp prints one command's usage, details and flags.
func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: partnerapi %s [FLAGS]\n\n%s\n", strings.Join(append(append([]string{}, c.words...), c.args...), " "), c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.details))
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// cell is text from the server as a table shows it: on one line, and
// unable to drive the terminal (see printable).
func cell(s string) string { return printable(oneLine(s)) }

// printable replaces every character that a terminal would act on rather
// than show - C0 controls (ESC, BEL, tab, ...), DEL, C1 controls, line and
// paragraph separators and the bidirectional overrides and isolates - and
// every byte that is not UTF-8, by U+FFFD. Text from the server or the
// roster goes through it before it reaches a terminal in table or message
// form; --json output does not need it (encoding/json escapes controls).
func printable(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether a terminal could act on r instead of showing
// it: a C0 or C1 control or DEL (unicode.IsControl), U+2028/U+2029, or a
// bidirectional embedding, override or isolate (text that reorders what
// follows it).
func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u2028', r == '\u2029':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
