package closest

import (
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	cands := []Candidate{
		{Name: "port"}, {Name: "path"}, {Name: "key"}, {Name: "route"},
		{Name: "nginx"}, {Name: "next", Aliases: []string{"nextjs"}},
	}
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"prot", 3, []string{"port"}},
		{"Port ", 3, []string{"port"}},       // case and space ignored
		{"ngnix", 1, []string{"nginx"}},      // transposition: distance 2
		{"nextj", 3, []string{"next"}},       // prefix of an alias
		{"k", 3, []string{"key"}},            // prefix of a name
		{"pat", 3, []string{"path", "port"}}, // nearest first
		{"zzzzzzzz", 3, nil},
		{"port", 0, nil},
		{"", 3, nil},
	}
	for _, tt := range tests {
		got := Find(tt.in, tt.n, cands)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Find(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"vite", "vite", 0}, {"ünï", "uni", 2},
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
