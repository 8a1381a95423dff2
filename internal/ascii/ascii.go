// Package ascii holds the byte-wise text helpers that the SDK and the fake
// both need.
package ascii

// Lower returns s with its ASCII letters lowered and every other byte as it
// is, so that byte offsets into s hold in the result (strings.ToLower may
// change the length of non-ASCII text). It returns s itself when there is
// nothing to lower.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
