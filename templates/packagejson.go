package templates

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// packageJSON is the part of a project's package.json rtdev reads: the
// dependencies Detect maps to targets, and the scripts the onboarding
// script names as the app's dev server.
type packageJSON struct {
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Scripts         map[string]string `json:"scripts"`
}

// readPackageJSON reads dir/package.json; nil, nil when there is none.
func readPackageJSON(dir string) (*packageJSON, error) {
	b, err := readOptional(filepath.Join(dir, "package.json"))
	if err != nil || b == nil {
		return nil, err
	}
	var pkg packageJSON
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, fmt.Errorf("parse package.json: %w", err)
	}
	return &pkg, nil
}
