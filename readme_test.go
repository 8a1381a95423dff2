package partnerapi_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

// The README's Go code is tested code. Each ```go block follows a marker
// line naming where it comes from, a path from the repository's root:
//
//	<!-- snippet: PATH -->            the whole file
//	<!-- snippet: PATH func NAME -->  the declaration of NAME (Type.Method for a method), with its doc comment
//	<!-- snippet: PATH NAME -->       the body of the function NAME (an Example's, with its // Output:)
//
// TestREADMESnippets fails when a block has no marker, when a marker names
// a file or function that does not exist, or when the block and its source
// differ once both are gofmt-ed. The sources are Examples (run by go test,
// their output checked), test files, or example programs whose tests run
// them. After changing a source,
//
//	go test -run TestREADMESnippets -update-readme .
//
// writes each marked block anew from its source.

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's marked Go blocks from their sources")

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	line   int    // the line of its opening fence, from 1
	end    int    // the line of its closing fence
	lang   string // the fence's info string: "go", "sh", "console", …
	marker string // the snippet marker's text before it, "" when none
	text   string
}

var snippetMarker = regexp.MustCompile(`^<!-- snippet: (.+?) -->$`)

// readmeBlocks reads the fenced code blocks of the README at path.
func readmeBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		blocks   []readmeBlock
		cur      *readmeBlock
		body     strings.Builder
		lastLine string // the last non-blank line outside a block
	)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{line: n, lang: strings.TrimSpace(strings.TrimPrefix(line, "```"))}
			if m := snippetMarker.FindStringSubmatch(lastLine); m != nil {
				cur.marker = m[1]
			}
			body.Reset()
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.text, cur.end = body.String(), n
			blocks = append(blocks, *cur)
			cur, lastLine = nil, line
		case cur != nil:
			body.WriteString(line)
			body.WriteByte('\n')
		case strings.TrimSpace(line) != "":
			lastLine = strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: a code block that is never closed", path, cur.line)
	}
	return blocks
}

func TestREADMESnippets(t *testing.T) {
	blocks := readmeBlocks(t, "README.md")
	if *updateREADME {
		rewriteREADME(t, "README.md", blocks)
		blocks = readmeBlocks(t, "README.md")
	}
	snippets := 0
	for _, b := range blocks {
		if b.lang != "go" {
			if b.marker != "" {
				t.Errorf("README.md:%d: a snippet marker before a %q block: only Go blocks are compared", b.line, b.lang)
			}
			continue
		}
		snippets++
		if b.marker == "" {
			t.Errorf("README.md:%d: a Go block without a snippet marker before it (<!-- snippet: PATH [func] [NAME] -->): every Go snippet must come from tested code", b.line)
			continue
		}
		want, err := snippetSource(b.marker)
		if err != nil {
			t.Errorf("README.md:%d: %v", b.line, err)
			continue
		}
		got, err := gofmtSnippet(b.text, b.marker)
		if err != nil {
			t.Errorf("README.md:%d: the block is not Go that gofmt reads (%v):\n%s", b.line, err, b.text)
			continue
		}
		if got != want {
			t.Errorf("README.md:%d: the block differs from its source %s (-README +source):\n%s",
				b.line, b.marker, cmp.Diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
		}
	}
	if snippets == 0 {
		t.Fatal("no Go block found in README.md")
	}
}

// snippetSource returns what marker names, gofmt-ed as gofmtSnippet
// formats the README's block.
func snippetSource(marker string) (string, error) {
	fields := strings.Fields(marker)
	path := fields[0]
	src, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return "", fmt.Errorf("snippet %s: %v", marker, err)
	}
	if len(fields) == 1 {
		return gofmtSnippet(string(src), marker)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return "", fmt.Errorf("snippet %s: %v", marker, err)
	}
	whole := fields[1] == "func"
	name := fields[len(fields)-1]
	if len(fields) != 2 && !(whole && len(fields) == 3) {
		return "", fmt.Errorf("snippet %s: want PATH, PATH func NAME or PATH NAME", marker)
	}
	fn := findFunc(f, name)
	if fn == nil {
		return "", fmt.Errorf("snippet %s: %s declares no function %s", marker, path, name)
	}
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	var text string
	if whole {
		start := fn.Pos()
		if fn.Doc != nil {
			start = fn.Doc.Pos()
		}
		text = string(src[offset(start):offset(fn.End())])
	} else {
		// The README shows a body one tab to the left, raw strings
		// included, which gofmt does not indent.
		body := string(src[offset(fn.Body.Lbrace)+1 : offset(fn.Body.Rbrace)])
		var b strings.Builder
		for line := range strings.Lines(body) {
			b.WriteString(strings.TrimPrefix(line, "\t"))
		}
		text = b.String()
	}
	return gofmtSnippet(text, marker)
}

// findFunc returns the function or method declared in f as name (Type.Method
// for a method), or nil.
func findFunc(f *ast.File, name string) *ast.FuncDecl {
	recv, method, isMethod := strings.Cut(name, ".")
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if !isMethod && fn.Recv == nil && fn.Name.Name == name {
			return fn
		}
		if isMethod && fn.Recv != nil && fn.Name.Name == method && receiverName(fn.Recv.List[0].Type) == recv {
			return fn
		}
	}
	return nil
}

func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr: // a generic receiver
		return receiverName(e.X)
	}
	return ""
}

// gofmtSnippet formats text, of the kind marker names, as gofmt would in
// its place: a whole file as it is, a declaration in a file, a function's
// body inside a function.
func gofmtSnippet(text, marker string) (string, error) {
	fields := strings.Fields(marker)
	var prefix, suffix string
	switch {
	case len(fields) == 1:
	case fields[1] == "func":
		prefix = "package p\n\n"
	default:
		prefix, suffix = "package p\n\nfunc _() {\n", "\n}\n"
	}
	out, err := format.Source([]byte(prefix + strings.TrimSpace(text) + suffix))
	if err != nil {
		return "", err
	}
	s := strings.TrimPrefix(string(out), prefix)
	if suffix != "" {
		s = strings.TrimSuffix(s, "}\n")
	}
	return strings.TrimSpace(s), nil
}

// rewriteREADME replaces each marked Go block of the README at path by its
// source, as the README shows it: a function's body one tab to the left.
func rewriteREADME(t *testing.T, path string, blocks []readmeBlock) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	for i := len(blocks) - 1; i >= 0; i-- { // from the end, so that line numbers hold
		blk := blocks[i]
		if blk.lang != "go" || blk.marker == "" {
			continue
		}
		src, err := snippetSource(blk.marker)
		if err != nil {
			t.Fatalf("README.md:%d: %v", blk.line, err)
		}
		if f := strings.Fields(blk.marker); len(f) == 2 && f[1] != "func" {
			var dedented strings.Builder
			for line := range strings.Lines(src) {
				dedented.WriteString(strings.TrimPrefix(line, "\t"))
			}
			src = dedented.String()
		}
		src = strings.TrimSuffix(src, "\n") + "\n"
		lines = slices.Concat(lines[:blk.line], []string{src}, lines[blk.end-1:])
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestREADMEInstallVersion: the version the README tells a program of its
// own to require is the SDK's Version.
func TestREADMEInstallVersion(t *testing.T) {
	want := "github.com/partnerapi/go-partnerapi v" + partnerapi.Version
	found := false
	for _, b := range readmeBlocks(t, "README.md") {
		for line := range strings.Lines(b.text) {
			f := strings.Fields(line)
			if len(f) == 3 && f[0] == "require" && f[1] == "github.com/partnerapi/go-partnerapi" {
				found = true
				if got := f[1] + " " + f[2]; got != want {
					t.Errorf("README.md:%d: %q, want %q (partnerapi.Version)", b.line, strings.TrimSpace(line), "require "+want)
				}
			}
		}
	}
	if !found {
		t.Errorf("README.md shows no go.mod line %q", "require "+want)
	}
}

// TestREADMENewClient runs the README's newClient: with both keys in the
// environment it makes a Client (sending nothing); with either missing it
// is an argument error, as its comment says.
func TestREADMENewClient(t *testing.T) {
	t.Setenv("BIGINTERVIEW_KEY", "935d85189822bf96c28c4fa79d3d8f31")
	t.Setenv("TICKETSCLOUD_KEY", "48de25a3c7f84996bc3c183c640f9948")
	if c, err := newClient(); err != nil || c == nil {
		t.Fatalf("newClient() = %v, %v; want a Client", c, err)
	}
	for _, unset := range []string{"BIGINTERVIEW_KEY", "TICKETSCLOUD_KEY"} {
		t.Run(unset, func(t *testing.T) {
			t.Setenv(unset, "")
			if _, err := newClient(); !errors.Is(err, partnerapi.ErrInvalidArgument) {
				t.Errorf("newClient() without %s: %v, want ErrInvalidArgument", unset, err)
			}
		})
	}
}

// TestREADMENamesExamplesThatExist: every Example the README names (in
// backquotes) is a function of a test file of this module.
func TestREADMENamesExamplesThatExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." {
			if strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .git, .ci
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range regexp.MustCompile(`(?m)^func (Example\w*)\(\)`).FindAllSubmatch(src, -1) {
			declared[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`(Example\\w*)`").FindAllSubmatch(readme, -1)
	if len(named) == 0 {
		t.Fatal("README.md names no Example")
	}
	for _, m := range named {
		if !declared[string(m[1])] {
			t.Errorf("README.md names %s, which no test file of this module declares", m[1])
		}
	}
}
