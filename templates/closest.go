package templates

import (
	"sort"
	"strings"
)

// Closest returns up to n target names nearest to name by edit distance over
// names and aliases, for "unknown target" messages. A name that is a prefix
// of a target (or the other way round) counts as near.
func Closest(name string, n int) []string {
	name = strings.ToLower(strings.TrimSpace(name))
	if n <= 0 || name == "" {
		return nil
	}
	limit := maxDistance(name)
	best := map[string]int{} // target name -> smallest distance
	for _, t := range registry {
		for _, cand := range append([]string{t.Name}, t.Aliases...) {
			d := levenshtein(name, cand)
			if strings.HasPrefix(cand, name) || strings.HasPrefix(name, cand) {
				d = min(d, 1)
			}
			if d > limit {
				continue
			}
			if old, ok := best[t.Name]; !ok || d < old {
				best[t.Name] = d
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
