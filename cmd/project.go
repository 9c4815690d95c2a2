package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"runtime"
	"strings"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/incontainer"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/project"
)

// projectCtx is what most commands start from: where the project is, its
// settings, and where the user's CA lives.
type projectCtx struct {
	layout       project.Layout
	config       project.Config
	configExists bool
	caDir        string
	// settings says where each setting came from, and what the
	// committed-file rule left out (printed by notices).
	settings *project.Settings
	// container is what rtdev runs inside when the project came in on a
	// mount from a host ("" otherwise): the certificate set is the host's
	// (containerHost).
	container incontainer.Kind
}

// loadProject finds the project root from the working folder, reads
// rtdev.toml, and resolves the CA folder.
func (a *app) loadProject() (*projectCtx, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find the working folder: %w", err)
	}
	root, err := project.FindRoot(wd)
	if err != nil {
		return nil, err
	}
	lay := project.NewLayout(root)
	s, err := project.Load(context.Background(), run.ExecRunner(), lay)
	if err != nil {
		return nil, err
	}
	caDir, err := a.caDir()
	if err != nil {
		return nil, err
	}
	p := &projectCtx{layout: lay, config: s.Config, configExists: s.Exists, caDir: caDir, settings: s}
	if k, ok := incontainer.Borrowed(a.containerEnv(), root); ok {
		p.container = k
	}
	return p, nil
}

// notices prints, as one warning line each, what the committed-file rule
// left out of the settings and how the developer asks for it.
func (p *projectCtx) notices(out *status) {
	for _, n := range p.settings.Notices {
		out.line("warn", "%s", n)
	}
}

// caDir resolves the user's CA folder (RTDEV_CAROOT or the OS default).
func (a *app) caDir() (string, error) {
	d, err := ca.DefaultDir(a.getenv, runtime.GOOS)
	if err != nil {
		return "", withHint(err, "set RTDEV_CAROOT to the folder for rtdev's CA")
	}
	return d, nil
}

// loadCA loads the user's CA with load (ca.Load with its key, ca.LoadCert
// without), saying to run init when there is none.
func (a *app) loadCA(load func(dir string) (*ca.CA, error)) (*ca.CA, error) {
	dir, err := a.caDir()
	if err != nil {
		return nil, err
	}
	c, err := load(dir)
	if errors.Is(err, ca.ErrNotFound) {
		return nil, withHint(err, "run \"rtdev init\" to create your CA")
	}
	return c, err
}

// owner is "user@host", shown in a new CA's subject so a user with CAs from
// several machines can tell them apart (as mkcert does).
func owner() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// relPath shows path relative to the project root when it is inside it.
func (p *projectCtx) relPath(path string) string {
	if rel, ok := strings.CutPrefix(path, p.layout.Root+string(os.PathSeparator)); ok {
		return rel
	}
	return path
}

// readProjectCA returns the project's copy of the CA certificate.
func readProjectCA(p *projectCtx) ([]byte, error) {
	data, err := os.ReadFile(p.layout.CA)
	if errors.Is(err, os.ErrNotExist) {
		return nil, withHint(fmt.Errorf("%s is missing", p.relPath(p.layout.CA)), "run \"rtdev init\" to create the project's certificate set")
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}
