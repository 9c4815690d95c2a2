package shell

import "strings"

// safe are the bytes a POSIX shell word may hold unquoted: none of them is
// special anywhere in a word (POSIX 2.2, "Quoting", lists the ones that
// are). Everything else, including non-ASCII, gets quoted, since what is
// safe there depends on the shell and the locale.
const safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-"

// Quote returns s as one POSIX shell word: bare when every byte is safe,
// otherwise single-quoted, each inner single quote written as: end quote,
// \', reopen (POSIX 2.2.2: nothing is special inside single quotes).
func Quote(s string) string {
	if s != "" && strings.Trim(s, safe) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each word and joins them with spaces: a command line as a
// user would type it.
func Join(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}
