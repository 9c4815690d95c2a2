// Finds the rtdev binary that npm installed for this machine. The binary
// ships in one optional dependency per platform (@rtdev/cli-OS-CPU, each
// with "os" and "cpu" fields), so npm installs only the matching one and
// no install script is needed: pnpm and npm are moving to skipping them.
import { createRequire } from 'node:module'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))

// The platforms make dist builds, in Node's names (process.platform and
// process.arch): GOOS windows is win32 and GOARCH amd64 is x64.
export const platforms = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-arm64', 'win32-x64']

/** The version of this package, which every platform package shares. */
export const version = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8')).version

/** The platform package for this machine, such as @rtdev/cli-linux-x64. */
export function platformPackage(platform = process.platform, arch = process.arch) {
  return `@rtdev/cli-${platform}-${arch}`
}

/**
 * The rtdev binary's path: $RTDEV_BINARY when set, else the binary of the
 * installed platform package. Throws an Error whose message says what is
 * missing and how to fix it.
 */
export function binaryPath() {
  const override = process.env.RTDEV_BINARY
  if (override) {
    if (!existsSync(override)) throw new Error(`rtdev: RTDEV_BINARY is ${override}, which does not exist`)
    return override
  }
  const key = `${process.platform}-${process.arch}`
  if (!platforms.includes(key)) {
    throw new Error(`rtdev: no prebuilt binary for ${key} (there are: ${platforms.join(', ')}).\n` +
      'Install rtdev with "go install github.com/rtdev/rtdev@v' + version + '" and set RTDEV_BINARY to its path.')
  }
  const pkg = platformPackage()
  const exe = process.platform === 'win32' ? 'rtdev.exe' : 'rtdev'
  try {
    return require.resolve(`${pkg}/${exe}`)
  } catch {
    throw new Error(missingMessage(key, pkg))
  }
}

// missingMessage explains the three ways the platform package goes
// missing: optional dependencies omitted, a lock file written on another
// platform (npm/cli#4828 leaves this platform's entry out), or a
// node_modules copied from another machine.
function missingMessage(key, pkg) {
  const lines = [`rtdev: the rtdev binary for this platform (${key}) is missing: the package ${pkg}@${version} is not installed.`]
  const other = otherPlatformPackages().filter((p) => p !== pkg)
  if (other.length > 0) {
    lines.push(`node_modules has ${other.join(', ')} instead: it was installed on another platform ` +
      '(a node_modules copied between machines, a Docker volume, WSL, or Rosetta on a Mac).',
    'Fix: run "npm ci" (or "npm install") on this machine, in this environment.')
  } else {
    lines.push('Fix, one of:',
      '  - install without --omit=optional / --no-optional: the binary comes as an optional dependency;',
      '  - if package-lock.json was written on another OS or CPU: rm -rf node_modules package-lock.json && npm install;',
      `  - or add it by hand: npm install --save-dev ${pkg}@${version}`)
  }
  return lines.join('\n')
}

// otherPlatformPackages lists the @rtdev/cli-* folders beside this package
// (node_modules/@rtdev), found only where npm put rtdev in a node_modules.
function otherPlatformPackages() {
  const nodeModules = path.resolve(here, '..', '..')
  if (path.basename(nodeModules) !== 'node_modules') return []
  try {
    return readdirSync(path.join(nodeModules, '@rtdev'))
      .filter((name) => name.startsWith('cli-'))
      .map((name) => `@rtdev/${name}`)
  } catch {
    return []
  }
}
