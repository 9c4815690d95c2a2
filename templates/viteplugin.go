package templates

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
)

// vitePluginImport is the module the rtdev Vite plugin is imported from;
// an app whose Vite config names it starts rtdev serve with `vite`.
const vitePluginImport = "rtdev/vite"

// viteConfigNames are the config files Vite itself looks for, in its order.
var viteConfigNames = []string{"vite.config.js", "vite.config.mjs", "vite.config.ts", "vite.config.cjs", "vite.config.mts", "vite.config.cts"}

// maxViteConfig bounds the bytes read of a (committed, so untrusted) config.
const maxViteConfig = 1 << 20

// UsesVitePlugin reports whether the project in dir loads the rtdev Vite
// plugin: its Vite config names rtdev/vite. A missing or unreadable config
// is a no.
func UsesVitePlugin(dir string) bool {
	for _, name := range viteConfigNames {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(f, maxViteConfig))
		_ = f.Close()
		if err == nil && bytes.Contains(b, []byte(vitePluginImport)) {
			return true
		}
	}
	return false
}
