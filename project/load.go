package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/rtdev/rtdev/internal/run"
)

// LocalConfigFileName is the developer's own settings file beside
// rtdev.toml. init adds it to .gitignore. It may hold what the committed
// file may not (lan = true, a backend on another machine, a public name for
// the CA), but only while git ignores it: a committed one was written by
// someone else, like rtdev.toml.
const LocalConfigFileName = "rtdev.local.toml"

// Settings are the project's settings: rtdev.toml, then rtdev.local.toml
// over it, with the committed-file rule applied.
type Settings struct {
	Config Config
	// Exists reports whether rtdev.toml exists.
	Exists bool
	// Sources maps each TOML key set by a file ("serve.port") to the file
	// it came from; a key not in it has its default.
	Sources map[string]Source
	// Notices are the settings left out under the committed-file rule,
	// and one about an rtdev.local.toml read as committed.
	Notices []Notice
}

// Source says where key's value came from.
func (s *Settings) Source(key string) Source {
	if src, ok := s.Sources[key]; ok {
		return src
	}
	return FromDefault
}

// Load reads the project's settings in lay. rtdev.local.toml is trusted as
// the developer's own only when git, run through r, reports it ignored and
// untracked; otherwise it is read under the committed rules, with a notice.
func Load(ctx context.Context, r run.Runner, lay Layout) (*Settings, error) {
	local := filepath.Join(lay.Root, LocalConfigFileName)
	from := FromCommitted
	var notice *Notice
	if _, err := os.Lstat(local); err == nil {
		switch ignored, err := checkIgnore(ctx, r, lay.Root, LocalConfigFileName); {
		case err == nil && ignored:
			from = FromLocal
		case err != nil:
			notice = &Notice{Key: LocalConfigFileName, Source: FromCommitted,
				Message: fmt.Sprintf("%s is read under the rules for a committed file: git cannot tell whether it is ignored (%v)", LocalConfigFileName, err),
				Fix:     "make the folder a git work tree with " + LocalConfigFileName + " in .gitignore (rtdev init adds it)"}
		default:
			notice = &Notice{Key: LocalConfigFileName, Source: FromCommitted,
				Message: fmt.Sprintf("%s is read under the rules for a committed file: git tracks it or does not ignore it, so someone else may have written it", LocalConfigFileName),
				Fix:     "keep your own settings out of git: git rm --cached " + LocalConfigFileName + " && rtdev init (which adds it to .gitignore)"}
		}
	}
	s, err := loadFiles(lay.ConfigFile, local, from)
	if err != nil {
		return nil, err
	}
	if notice != nil {
		s.Notices = append([]Notice{*notice}, s.Notices...)
	}
	return s, nil
}

// loadFiles reads the committed file at path, then the local file (when
// localPath is not "") as from, and applies the committed-file rule.
func loadFiles(path, localPath string, from Source) (*Settings, error) {
	s := &Settings{Config: Defaults(), Sources: map[string]Source{}}
	md, data, found, err := decodeFile(path, &s.Config)
	s.Exists = found
	if err != nil {
		return s, err
	}
	markSources(md, s.Sources, FromCommitted)
	for i := range s.Config.Serve.Routes {
		s.Config.Serve.Routes[i].From = FromCommitted
	}
	for i := range s.Config.Proxy {
		s.Config.Proxy[i].From = FromCommitted
	}
	if err := s.Config.check(path, data, 0, 0); err != nil {
		return s, err
	}
	if localPath != "" {
		var lc Config
		lmd, ldata, found, err := decodeFile(localPath, &lc)
		if err != nil {
			return s, err
		}
		if found {
			routes, proxies := len(s.Config.Serve.Routes), len(s.Config.Proxy)
			mergeLocal(&s.Config, lc, lmd, from, s.Sources)
			if err := s.Config.check(localPath, ldata, routes, proxies); err != nil {
				return s, err
			}
		}
	}
	s.Notices = applyPolicy(&s.Config, s.Sources, filepath.Dir(path))
	return s, nil
}

// check validates the settings; routes and proxies before firstRoute and
// firstProxy were checked already (they came from the committed file).
func (c *Config) check(path string, data []byte, firstRoute, firstProxy int) error {
	if err := c.validate(path); err != nil {
		return err
	}
	if err := c.checkProxies(path, data, firstProxy); err != nil {
		return err
	}
	return c.checkRoutes(path, data, firstRoute)
}

// markSources records from as the source of every key md defines.
func markSources(md toml.MetaData, src map[string]Source, from Source) {
	for _, k := range md.Keys() {
		src[k.String()] = from
	}
}

// appendedKeys are the lists rtdev.local.toml adds to; its other keys
// replace the committed file's values.
var appendedKeys = map[string]bool{"hosts": true, "serve.route": true, "proxy": true}

// mergeLocal lays the keys that local's file defines (md) over dst: lists in
// appendedKeys are added to, everything else replaced. Each key it touches
// gets from as its source.
func mergeLocal(dst *Config, local Config, md toml.MetaData, from Source, src map[string]Source) {
	mergeStruct(reflect.ValueOf(dst).Elem(), reflect.ValueOf(local), nil, md, from, src)
	// Kept apart from Hosts, so saving hosts back into rtdev.toml never
	// copies a developer's own names there.
	dst.Local = LocalAdditions{Hosts: local.Hosts, From: from}
	for i := range dst.Serve.Routes {
		if dst.Serve.Routes[i].From == "" {
			dst.Serve.Routes[i].From = from
		}
	}
	for i := range dst.Proxy {
		if dst.Proxy[i].From == "" {
			dst.Proxy[i].From = from
		}
	}
}

func mergeStruct(dst, local reflect.Value, prefix []string, md toml.MetaData, from Source, src map[string]Source) {
	t := dst.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "-" || name == "" || !f.IsExported() {
			continue
		}
		key := append(append([]string{}, prefix...), name)
		if Class(f.Tag.Get("policy")) == classTable {
			mergeStruct(dst.Field(i), local.Field(i), key, md, from, src)
			continue
		}
		if !md.IsDefined(key...) {
			continue
		}
		k := strings.Join(key, ".")
		switch {
		case k == "hosts":
			continue // kept apart by mergeLocal
		case appendedKeys[k]:
			dst.Field(i).Set(reflect.AppendSlice(dst.Field(i), local.Field(i)))
		default:
			dst.Field(i).Set(local.Field(i))
		}
		src[k] = from
	}
}
