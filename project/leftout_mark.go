package project

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/fsutil"
)

// LeftOutMarkFileName is the mark, in the CA folder, of the hosts rtdev
// last said it left out of a certificate of that CA. A CA's constraints
// are fixed when it is made, so what it cannot cover stays the same from
// run to run: said on every init, serve and proxy it is noise that hides
// the lines that change.
const LeftOutMarkFileName = "left-out.json"

// leftOutMark is the mark's content: the CA it is about, and a digest of
// the left-out set last said (hosts and where they came from), so a mark
// stays small whatever a committed rtdev.toml names.
type leftOutMark struct {
	CA      string `json:"ca"`
	LeftOut string `json:"left_out"`
}

// LeftOutToSay returns what of left the developer should be told: all of
// it when this CA has not said this very set before (a host joined or
// went, or the CA is new), nothing when it has. It then marks the set as
// said. A run with nothing left out leaves the mark alone, so a set that
// goes away and comes back (a laptop leaving a network and joining it
// again) is not said again.
//
// When the mark cannot be read or written, it returns all of left with
// the error: saying a warning twice is better than never.
func LeftOutToSay(c *ca.CA, left []LeftOut) ([]LeftOut, error) {
	if len(left) == 0 {
		return nil, nil
	}
	path := filepath.Join(c.Dir, LeftOutMarkFileName)
	want := leftOutMark{CA: c.Fingerprint(), LeftOut: leftOutDigest(left)}
	if data, err := os.ReadFile(path); err == nil {
		var have leftOutMark
		if json.Unmarshal(data, &have) == nil && have == want {
			return nil, nil
		}
	}
	data, err := json.Marshal(want)
	if err != nil {
		return left, err
	}
	if err := fsutil.WriteFileAtomic(path, append(data, '\n'), 0o644); err != nil {
		return left, fmt.Errorf("mark the hosts left out as said: %w", err)
	}
	return left, nil
}

// leftOutDigest identifies a left-out set by its hosts and their sources,
// in any order; the reasons follow from those and the CA.
func leftOutDigest(left []LeftOut) string {
	keys := make([][2]string, 0, len(left))
	for _, l := range left {
		keys = append(keys, [2]string{l.Host.Name, l.Host.Source})
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	// JSON keeps a name holding a separator apart from two names.
	data, _ := json.Marshal(keys)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
