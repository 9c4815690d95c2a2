package trust

import "strings"

// manual renders command lines for a user to run by hand, joined with &&,
// with sudo in front of those that need root when rtdev is not root and
// sudo is installed. Without sudo the lines stay bare: "sudo cp" cannot work
// there, and the caller says to run them as root instead.
type manual struct {
	env   Env
	steps []string
}

func (m *manual) add(asRoot bool, name string, args ...string) *manual {
	line := m.env.display(name, args...)
	if asRoot {
		line = m.env.sudoWord() + line
	}
	m.steps = append(m.steps, line)
	return m
}

func (m *manual) String() string { return strings.Join(m.steps, " && ") }
