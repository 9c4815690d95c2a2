package closest

import (
	"sort"
	"strings"
)

// Candidate is a name the user may have meant, with the other spellings
// (aliases) that lead to it.
type Candidate struct {
	Name    string
	Aliases []string
}

// Find returns up to n candidate names nearest to typed by edit distance
// over names and aliases, best first (ties by name). A name that is a
// prefix of a candidate (or the other way round) counts as near. Case and
// surrounding space are ignored.
func Find(typed string, n int, cands []Candidate) []string {
	typed = strings.ToLower(strings.TrimSpace(typed))
	if n <= 0 || typed == "" {
		return nil
	}
	limit := maxDistance(typed)
	best := map[string]int{} // candidate name -> smallest distance
	for _, c := range cands {
		for _, spelling := range append([]string{c.Name}, c.Aliases...) {
			spelling = strings.ToLower(spelling)
			d := levenshtein(typed, spelling)
			if strings.HasPrefix(spelling, typed) || strings.HasPrefix(typed, spelling) {
				d = min(d, 1)
			}
			if d > limit {
				continue
			}
			if old, ok := best[c.Name]; !ok || d < old {
				best[c.Name] = d
			}
		}
	}
	out := make([]string, 0, len(best))
	for k := range best {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if best[out[i]] != best[out[j]] {
			return best[out[i]] < best[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// maxDistance allows about one typo per three letters, and at least two.
func maxDistance(s string) int {
	return max(2, len(s)/3)
}

// levenshtein is the edit distance between a and b (insert, delete, substitute).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
