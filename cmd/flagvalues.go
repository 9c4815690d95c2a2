package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// msDuration is a duration flag that also takes peerjs-server's bare
// milliseconds (--expire_timeout 5000), so commands copied from its docs work.
type msDuration struct{ d *time.Duration }

func (m msDuration) String() string {
	if m.d == nil || *m.d == 0 {
		return "" // so help shows no "(default 0s)": the default lives in rtdev.toml
	}
	return m.d.String()
}

func (m msDuration) Set(s string) error {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < 0 {
			return fmt.Errorf("%q is negative", s)
		}
		*m.d = time.Duration(ms) * time.Millisecond
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not a duration: use 5s, 90s or milliseconds such as 5000", s)
	}
	*m.d = d
	return nil
}

func (m msDuration) Type() string { return "duration" }

// underscoresAsDashes lets every flag be spelled as peerjs-server spells it
// (--allow_discovery, --expire_timeout) as well as with dashes.
func underscoresAsDashes(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
}
