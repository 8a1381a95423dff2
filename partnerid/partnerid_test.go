package partnerid

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// oracle is the documented rule, written independently of Validate.
var oracle = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

func isAllowed(b byte) bool {
	return oracle.MatchString(string([]byte{b}))
}

func TestValidateAccepts(t *testing.T) {
	for _, id := range []string{
		"a", "Z", "0", "9", "-", "_", // length 1, each class
		"abcdefghijklmnopqrstuvwxyz",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"0123456789",
		"abc123def", // the Getting Started example
		"anon_abc123",
		"f47ac10b-58cc-4372-a567-0e02b2c3d479", // a UUID, as anonymous users get
		"--__--",
		strings.Repeat("x", 63),
		strings.Repeat("x", MaxLen),
		strings.Repeat("-", MaxLen),
		"anonymous", // valid by the rules; the SDK refuses it elsewhere
	} {
		if err := Validate(id); err != nil {
			t.Errorf("Validate(%q) = %v; want nil", id, err)
		}
	}
}

func TestValidateLength(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"", false},
		{"a", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{strings.Repeat("a", 1000), false},
		{strings.Repeat("é", 32), false}, // 64 bytes, but not allowed bytes
		{strings.Repeat("é", 33), false}, // 66 bytes: the length is what is reported
	} {
		err := Validate(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%d bytes) = %v; want ok %v", len(tc.id), err, tc.ok)
		}
	}
	for _, id := range []string{"", strings.Repeat("a", 65), strings.Repeat("é", 33)} {
		var e *Error
		if err := Validate(id); !errors.As(err, &e) || e.Index != -1 || e.ID != id {
			t.Errorf("Validate(%d bytes) = %#v; want a length *Error with Index -1", len(id), err)
		}
	}
}

func TestValidateEveryByte(t *testing.T) {
	// Every byte value, at the start, in the middle and at the end of an
	// otherwise valid id: allowed exactly when the oracle allows it, and the
	// Index points at it.
	for b := 0; b < 256; b++ {
		for _, tc := range []struct {
			id    string
			index int
		}{
			{string([]byte{byte(b)}), 0},
			{"ab" + string([]byte{byte(b)}) + "cd", 2},
			{strings.Repeat("z", 63) + string([]byte{byte(b)}), 63},
		} {
			err := Validate(tc.id)
			if isAllowed(byte(b)) {
				if err != nil {
					t.Errorf("byte %#02x: Validate(%q) = %v; want nil", b, tc.id, err)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("byte %#02x: Validate(%q) = %v; want a *Error", b, tc.id, err)
				continue
			}
			if e.Index != tc.index || e.ID != tc.id || e.Reason == "" {
				t.Errorf("byte %#02x: %#v; want Index %d", b, e, tc.index)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("byte %#02x: %v does not match ErrInvalid", b, err)
			}
		}
	}
}

func TestValidateMultiByte(t *testing.T) {
	for _, tc := range []struct {
		id    string
		index int
	}{
		{"ü", 0},
		{"aü", 1},
		{"abc€", 3},
		{"日本", 0},
		{"a\u00a0b", 1},  // no-break space
		{"a\u200bb", 1},  // zero-width space
		{"ａｂｃ", 0},       // full-width letters are not a-z
		{"abc\xff", 3},   // invalid UTF-8
		{"abc\u0131", 3}, // dotless i
		{"K\u212a", 1},   // Kelvin sign, folds to K
		{"user@example.com", 4},
		{"a b", 1},
		{"a/b", 1},
		{"../x", 0},
		{"a%2Fb", 1},
		{"a.b", 1},
		{"a+b", 1},
		{"a~b", 1},
	} {
		var e *Error
		err := Validate(tc.id)
		if !errors.As(err, &e) || e.Index != tc.index {
			t.Errorf("Validate(%q) = %#v; want Index %d", tc.id, err, tc.index)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := Validate("a b")
	if got := err.Error(); !strings.Contains(got, `"a b"`) || !strings.Contains(got, "index 1") {
		t.Errorf("message %q should name the id and the index", got)
	}
	huge := strings.Repeat("x", 1<<20) + " "
	if got := Validate(huge).Error(); len(got) > 300 {
		t.Errorf("a 1 MiB id gave a %d-byte message", len(got))
	}
	// Cut inside a multi-byte character, the message is still valid UTF-8.
	long := strings.Repeat("é", 100)
	if got := Validate(long).Error(); !utf8.ValidString(got) {
		t.Errorf("message %q is not valid UTF-8", got)
	}
	var e *Error
	if !errors.As(fmt.Errorf("wrapped: %w", Validate("")), &e) || !errors.Is(fmt.Errorf("w: %w", Validate("")), ErrInvalid) {
		t.Error("a wrapped error loses its *Error or ErrInvalid")
	}
	if errors.Is(errors.New("invalid partner_id"), ErrInvalid) {
		t.Error("an unrelated error matches ErrInvalid")
	}
}

func TestDeriveGolden(t *testing.T) {
	// partner_ids are stored by partners: Derive must give the same answer
	// in every release. These are fixed.
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])[:20]
	}
	long := strings.Repeat("abcdefghij", 10)
	for _, tc := range []struct{ in, want string }{
		{"jane.doe@example.com", "jane-doe-example-com_" + hash("jane.doe@example.com")},
		{"", hash("")},
		{"@@@", hash("@@@")},
		{"-", hash("-")},
		{"abc123def", "abc123def_" + hash("abc123def")},
		{"Zoë Smith", "Zo-Smith_" + hash("Zoë Smith")},
		{long, long[:43] + "_" + hash(long)},
		{"a..b", "a-b_" + hash("a..b")},
		{"a.", "a_" + hash("a.")},
	} {
		if got := Derive(tc.in); got != tc.want {
			t.Errorf("Derive(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	// The same, as literals (computed with sha256sum).
	for in, want := range map[string]string{
		"jane.doe@example.com": "jane-doe-example-com_86e0b9e56c17cc4d1238",
		"":                     "e3b0c44298fc1c149afb",
	} {
		if got := Derive(in); got != want {
			t.Errorf("Derive(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestDeriveValidStableDistinct(t *testing.T) {
	inputs := []string{
		"", " ", "a", "A", "-", "_", "@", "é", "e\u0301", "\x00", "\xff",
		"a@b", "a#b", "a b", "a..b", "a-b", "a_b", "a--b",
		"jane.doe@example.com", "Jane.Doe@example.com", "jane.doe@example.com ",
		strings.Repeat("x", 64), strings.Repeat("x", 65), strings.Repeat("x", 10000),
		strings.Repeat("é", 500), "日本語のユーザー", "🙂🙃",
	}
	// Long inputs sharing a long prefix, differing only at the end.
	prefix := strings.Repeat("p", 200)
	for i := 0; i < 500; i++ {
		inputs = append(inputs, fmt.Sprintf("%s%d", prefix, i))
	}
	for i := 0; i < 2000; i++ {
		inputs = append(inputs, fmt.Sprintf("user%d@example.com", i), fmt.Sprintf("user%d", i), fmt.Sprintf("USER%d", i))
	}
	for i := 0; i < 300; i++ {
		inputs = append(inputs, string(rune(0x100+i)), strings.Repeat(string(rune('a'+i%26)), i))
	}
	seen := make(map[string]string, len(inputs))
	for _, in := range inputs {
		got := Derive(in)
		if err := Validate(got); err != nil {
			t.Errorf("Derive(%.40q) = %q is invalid: %v", in, got, err)
		}
		if again := Derive(in); again != got {
			t.Errorf("Derive(%.40q) is not stable: %q then %q", in, got, again)
		}
		if prev, ok := seen[got]; ok && prev != in {
			t.Errorf("Derive(%.40q) = Derive(%.40q) = %q", in, prev, got)
		}
		seen[got] = in
	}
	if len(seen) < 5000 {
		t.Errorf("only %d distinct inputs checked", len(seen))
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"", "a", "abc123def", "a b", "ü", "../x", strings.Repeat("a", 64), strings.Repeat("a", 65), "\xff", "-_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := Validate(id)
		if want := oracle.MatchString(id); (err == nil) != want {
			t.Fatalf("Validate(%q) = %v; the oracle says valid = %v", id, err, want)
		}
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || e.ID != id {
			t.Fatalf("Validate(%q) = %#v; want a *Error matching ErrInvalid", id, err)
		}
		if len(id) == 0 || len(id) > MaxLen {
			if e.Index != -1 {
				t.Fatalf("Validate(%q): Index %d for a length error", id, e.Index)
			}
		} else {
			first := -1
			for i := 0; i < len(id); i++ {
				if !isAllowed(id[i]) {
					first = i
					break
				}
			}
			if e.Index != first {
				t.Fatalf("Validate(%q): Index %d; the first bad byte is at %d", id, e.Index, first)
			}
		}
		if msg := err.Error(); len(msg) > 400 || !utf8.ValidString(msg) {
			t.Fatalf("Validate(%q): message of %d bytes, valid UTF-8 %v", id, len(msg), utf8.ValidString(msg))
		}
	})
}

func FuzzDerive(f *testing.F) {
	for _, s := range []string{"", "jane.doe@example.com", "a@b", "a#b", strings.Repeat("x", 100), "🙂", "\xff\xfe"} {
		f.Add(s, s+"x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		da := Derive(a)
		if err := Validate(da); err != nil {
			t.Fatalf("Derive(%q) = %q: %v", a, da, err)
		}
		if Derive(a) != da {
			t.Fatalf("Derive(%q) is not deterministic", a)
		}
		if a != b && Derive(b) == da {
			t.Fatalf("Derive(%q) = Derive(%q) = %q", a, b, da)
		}
	})
}

func ExampleValidate() {
	fmt.Println(Validate("abc123def"))
	err := Validate("jane doe")
	var e *Error
	if errors.As(err, &e) {
		fmt.Println(errors.Is(err, ErrInvalid), e.Index)
	}
	fmt.Println(Validate(strings.Repeat("a", 65)).(*Error).Index)
	// Output:
	// <nil>
	// true 4
	// -1
}

func ExampleDerive() {
	id := Derive("jane.doe@example.com")
	fmt.Println(id)
	fmt.Println(Validate(id) == nil, len(id) <= MaxLen, Derive("jane.doe@example.com") == id)
	// Output:
	// jane-doe-example-com_86e0b9e56c17cc4d1238
	// true true true
}
