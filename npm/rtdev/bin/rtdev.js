#!/usr/bin/env node
// The rtdev command for npm installs: it runs the binary of this
// platform's @rtdev/cli-* package with the same arguments, passes its exit
// status through, and forwards the signals that stop it, so Ctrl-C and a
// supervisor's SIGTERM reach the binary (rtdev serve then shuts down
// cleanly) rather than only this Node process.
import { spawn } from 'node:child_process'
import { binaryPath } from '../lib/binary.js'

let bin
try {
  bin = binaryPath()
} catch (err) {
  console.error(err.message)
  process.exit(1)
}

const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit' })
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP']
const forward = (signal) => child.kill(signal)
for (const signal of forwarded) process.on(signal, forward)

child.on('error', (err) => {
  console.error(`rtdev: cannot run ${bin}: ${err.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so a shell or npm sees what the binary saw.
    for (const s of forwarded) process.off(s, forward)
    process.kill(process.pid, signal)
    return
  }
  process.exit(code ?? 1)
})
