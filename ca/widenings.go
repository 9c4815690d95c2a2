package ca

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// WideningsFileName is the record, in the CA folder, of which host and
// which source asked for each constraint beyond the built-ins. The
// certificate holds the constraints but not who asked for them, and doctor
// needs that to tell a developer's own --host from a name a committed file
// slipped in.
const WideningsFileName = "widenings.json"

// widenings is the file's content.
type widenings struct {
	Widened []Widening `json:"widened"`
}

// saveWidenings records the plan's widenings for a new constrained CA; a
// CA without widenings gets an empty record, so "no file" means "made
// before rtdev kept the record".
func saveWidenings(dir string, o CreateOptions) error {
	w := widenings{Widened: []Widening{}}
	if !o.Unconstrained {
		plan, err := PlanConstraints(o)
		if err != nil {
			return err
		}
		w.Widened = append(w.Widened, plan.Widened...)
	}
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(dir, WideningsFileName), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("save the CA's widenings: %w", err)
	}
	return nil
}

// LoadWidenings reads the record of who asked for each of the CA's
// constraints. recorded is false for a CA made before the record was kept.
func LoadWidenings(dir string) (w []Widening, recorded bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, WideningsFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var f widenings
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, false, fmt.Errorf("read %s: %w", filepath.Join(dir, WideningsFileName), err)
	}
	return f.Widened, true, nil
}
