// The rtdev Vite plugin: `plugins: [rtdev()]` serves the app over HTTPS
// with the project's rtdev certificate, and with `serve: true` runs
// `rtdev serve` beside Vite and proxies PeerJS through the Vite origin, so
// the page, its HMR socket and its signaling share one trusted origin.
//
// Written as plain ESM with a hand-written vite.d.ts, so the package needs
// no build step; it uses only the hooks Vite 5 to 8 all have (config,
// configureServer), plus closeServer where Vite 8.3+ has it.
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import path from 'node:path'
import { binaryPath } from './lib/binary.js'

const defaultServePort = 9000

// Children are kept per process, not per plugin instance: a Vite restart
// (config edit, `r`, server.restart()) builds the new server and runs its
// configureServer before it closes the old one, and may load this module
// afresh, so only globalThis is shared by both. Key: project root and port.
const registry = (globalThis[Symbol.for('rtdev.vite.serve')] ??= { children: new Map(), hooked: false })
// The forward token of each child key, kept beside the children: the
// proxy of a restarted Vite must send the token of the serve it reuses.
registry.tokens ??= new Map()

// The header and variable rtdev serve reads the token from: an environment
// variable, since a command line shows in every process listing.
const tokenHeader = 'x-rtdev-forward-token'
const tokenEnv = 'RTDEV_FORWARD_TOKEN'

/**
 * @param {import('./vite.d.ts').RtdevOptions} [options]
 * @returns {import('vite').Plugin}
 */
export default function rtdev(options = {}) {
  const serveOpts = options.serve === true ? {} : options.serve || null
  let root, bin, ca, port, token
  let release = () => {}

  return {
    name: 'rtdev',
    apply: 'serve',

    async config(userConfig, env) {
      root = path.resolve(options.project ?? userConfig.root ?? process.cwd())
      bin = options.binary ?? binaryPath()
      const report = await runInit(bin, root)
      // What the committed-file rule left out (lan, bind, static, a
      // cluster, a name the CA may not take): under npm run dev these
      // lines are all the developer sees of it.
      for (const n of report.notices ?? []) {
        // The lan option passes --lan to rtdev serve: the file's request is moot.
        if (n.key === 'serve.lan' && options.lan) continue
        if (n.key === 'serve.containers' && options.containers) continue
        console.warn(`[rtdev] ${oneLine(n.message)}; ${oneLine(n.fix)}`)
      }
      for (const l of report.left_out ?? []) console.warn(`[rtdev] left ${oneLine(l.host)} (${oneLine(l.source)}) out of the certificate: ${oneLine(l.reason)}`)
      for (const r of report.trust ?? []) {
        // init --yes never prompts: a store that needs a password (sudo)
        // is left for the developer, with the command that adds it.
        if ((r.state === 'missing' || r.state === 'failed') && r.command) {
          console.warn(`[rtdev] the ${r.store} trust store lacks your CA${r.reason ? ` (${r.reason})` : ''}; run: ${r.command}`)
        }
      }
      // Contents rather than paths: Vite resolves string paths against the
      // process's cwd, not the project, and reads them only when they exist.
      const tls = { key: readFileSync(report.leaf.key), cert: readFileSync(report.leaf.cert) }
      ca = readFileSync(path.join(report.ca.dir, 'ca.pem'))
      const out = { server: { https: tls }, preview: { https: tls } }
      if (options.lan && userConfig.server?.host === undefined) out.server.host = true
      if (serveOpts && !env.isPreview) {
        port = serveOpts.port ?? defaultServePort
        token = forwardToken(childKey(root, port))
        out.server.proxy = proxyEntries(port, ca, token, userConfig.server?.proxy)
      }
      return out
    },

    async configureServer(server) {
      if (!serveOpts) return
      const args = ['serve', '--port', String(port), '--path', '/', ...(options.lan ? ['--lan'] : []), ...(options.containers && !options.lan ? ['--containers'] : []), ...(serveOpts.args ?? [])]
      const child = await acquire({ bin, root, port, args, ca, token, logger: server.config.logger, passStderr: Boolean(options.lan && process.stderr.isTTY) })
      const user = {}
      child.users.add(user)
      let released = false
      release = () => {
        if (released) return
        released = true
        child.users.delete(user)
        if (child.users.size === 0) stop(child)
      }
      // 'close' fires only for a server that listened; middleware mode has
      // no httpServer, and there closeServer (8.3+) or process exit stops it.
      server.httpServer?.once('close', release)
    },

    closeServer() {
      release()
    },
  }
}

// oneLine keeps text from a committed file to one printable line: it can
// hold anything, and must not move the cursor or clear the terminal.
function oneLine(s) {
  return String(s ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

// runInit runs `rtdev init --json --yes` in the project: idempotent, and it
// never prompts, so it is safe on every Vite start and restart.
function runInit(bin, cwd) {
  return new Promise((resolve, reject) => {
    execFile(bin, ['init', '--json', '--yes'], { cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`[rtdev] rtdev init --json --yes failed in ${cwd}: ${err.message}\n${stderr}`))
        return
      }
      try {
        resolve(JSON.parse(stdout))
      } catch (e) {
        reject(new Error(`[rtdev] rtdev init --json printed no JSON (${e.message}):\n${stdout}${stderr}`))
      }
    })
  })
}

function childKey(root, port) {
  return `${root}\0${port}`
}

// forwardToken is the secret this process's proxy shares with the rtdev
// serve it runs for key: 32 random bytes, made once per key and process.
function forwardToken(key) {
  let t = registry.tokens.get(key)
  if (!t) {
    t = randomBytes(32).toString('base64url')
    registry.tokens.set(key, t)
  }
  return t
}

// forwardClient tells rtdev serve who the client is: its address and the
// host its browser used, with the token that makes serve believe them
// (pairing limits count per client address, and check the page's Origin
// against that host). Both are set here rather than left to xfwd, which
// keeps an X-Forwarded-Host the client sent and, for WebSockets under Vite
// 8 (http-proxy-3), sets none. The client's own token header, if any, is
// overwritten.
function forwardClient(proxyReq, req, token) {
  if (proxyReq.headersSent) return
  proxyReq.setHeader('x-forwarded-for', req.socket.remoteAddress ?? '')
  proxyReq.setHeader('x-forwarded-host', req.headers[':authority'] ?? req.headers.host ?? '')
  proxyReq.setHeader(tokenHeader, token)
}

// peerLeftCodes are the errors of a socket whose other end went away: a
// PeerJS tab closed, or serve ended a peer, while the other side was still
// writing ("This socket has been ended by the other party" is EPIPE).
const peerLeftCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED'])

// quietWhenPeersLeave keeps a peer going away from reaching Vite's proxy
// error handlers, which log each one as an error with its stack trace
// (twice: once for the proxy, once for the client socket). The socket is
// ended as the handler would; any other error still reaches Vite. Vite
// registers its handlers after configure runs, so they are filtered at
// emit rather than by order.
function quietWhenPeersLeave(proxy) {
  const left = (event, err) => event === 'error' && peerLeftCodes.has(err?.code)
  const emit = proxy.emit
  proxy.emit = function (event, err, req, res, ...rest) {
    // A WebSocket's error carries the client socket where an HTTP
    // request's carries its response (which has .req).
    if (left(event, err) && res && !('req' in res)) {
      res.destroy()
      return true
    }
    return emit.call(this, event, err, req, res, ...rest)
  }
  proxy.on('proxyReqWs', (_proxyReq, _req, socket) => {
    const socketEmit = socket.emit
    socket.emit = function (event, err, ...rest) {
      if (left(event, err)) {
        socket.destroy()
        return true
      }
      return socketEmit.call(this, event, err, ...rest)
    }
  })
}

// proxyEntries sends PeerJS (its WebSocket at /peerjs and its HTTP at
// /peerjs/id, /peerjs/peers) and serve's own /rtdev/ pages to rtdev serve.
// The target is https: with ws: true, because Vite's proxy picks TLS for
// plain requests only from an https: target. The agent trusts exactly the
// rtdev CA: Node reads no OS trust store, and secure: false would accept
// any certificate. A user entry under the same key is left alone.
function proxyEntries(port, ca, token, user = {}) {
  const entry = () => ({
    target: `https://localhost:${port}`,
    ws: true,
    secure: true,
    ca,
    agent: new https.Agent({ ca }),
    // The Host rtdev serve sees (and the TLS name checked) is localhost,
    // whatever name or LAN address the page was opened at; the page's own
    // host goes in X-Forwarded-Host.
    changeOrigin: true,
    // serve's connection comes from this proxy on loopback, whoever the
    // client is: forwardClient names the client (X-Forwarded-For from the
    // socket, with the token that makes serve believe it), so a route
    // served to this machine only stays refused to a phone that asks for
    // it here.
    configure(proxy) {
      quietWhenPeersLeave(proxy)
      proxy.on('proxyReq', (proxyReq, req) => forwardClient(proxyReq, req, token))
      proxy.on('proxyReqWs', (proxyReq, req) => forwardClient(proxyReq, req, token))
    },
  })
  const out = {}
  for (const key of ['^/peerjs(/|\\?|$)', '/rtdev/']) {
    if (user[key] === undefined) out[key] = entry()
    else console.warn(`[rtdev] server.proxy['${key}'] is set in your config; rtdev leaves it as it is`)
  }
  return out
}

// acquire returns the running rtdev serve for this project and port, or
// starts one and waits until its health page answers over TLS.
async function acquire({ bin, root, port, args, ca, token, logger, passStderr }) {
  const key = childKey(root, port)
  let child = registry.children.get(key)
  if (child && alive(child.proc)) {
    child.logger = logger
    await child.ready
    return child
  }
  hookProcessExit()
  const proc = spawn(bin, args, {
    cwd: root,
    env: { ...process.env, [tokenEnv]: token },
    stdio: ['ignore', 'pipe', passStderr ? 'inherit' : 'pipe'],
  })
  child = { proc, key, users: new Set(), logger, tail: [] }
  registry.children.set(key, child)
  const onLine = (line) => {
    child.tail.push(line)
    if (child.tail.length > 40) child.tail.shift()
    // serve's banner repeats what the plugin prints; what needs the
    // developer is the phone setup address (under lan) and problems.
    if (/phone setup:/.test(line)) child.logger.info(`[rtdev] ${line.trim()}`)
    else if (/level=(WARN|ERROR)|^error:|^hint:/.test(line)) child.logger.warn(`[rtdev serve] ${line}`)
  }
  lines(proc.stdout, onLine)
  if (!passStderr) lines(proc.stderr, onLine)
  proc.on('exit', () => {
    if (registry.children.get(key) === child) registry.children.delete(key)
  })
  child.ready = waitHealthy(child, port, ca)
  await child.ready
  logger.info(`[rtdev] rtdev serve (pid ${proc.pid}) on https://localhost:${port}: PeerJS at /peerjs and its check page at /rtdev/ on this origin`)
  return child
}

function alive(proc) {
  return proc.exitCode === null && proc.signalCode === null
}

function lines(stream, fn) {
  let buf = ''
  stream.setEncoding('utf8')
  stream.on('data', (s) => {
    buf += s
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      fn(buf.slice(0, i))
      buf = buf.slice(i + 1)
    }
  })
}

// waitHealthy polls /rtdev/health so the first page load never meets a
// proxy with nothing behind it; it fails with serve's output if serve
// exits first (a port in use, a broken rtdev.toml).
function waitHealthy(child, port, ca) {
  const agent = new https.Agent({ ca })
  const deadline = Date.now() + 30_000
  return new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`[rtdev] rtdev serve on port ${port} ${why}:\n${child.tail.join('\n')}`))
    const exited = () => fail(`exited (${child.proc.exitCode ?? child.proc.signalCode}) before it answered`)
    child.proc.once('exit', exited)
    const attempt = () => {
      const req = https.get({ host: 'localhost', port, path: '/rtdev/health', agent, timeout: 2000 }, (res) => {
        res.resume()
        if (res.statusCode === 200 && alive(child.proc)) {
          child.proc.off('exit', exited)
          resolve()
        } else retry()
      })
      req.on('error', retry)
      req.on('timeout', () => req.destroy())
    }
    const retry = () => {
      if (!alive(child.proc)) return
      if (Date.now() > deadline) {
        child.proc.off('exit', exited)
        stop(child)
        fail('did not answer within 30 s')
        return
      }
      setTimeout(attempt, 100)
    }
    attempt()
  })
}

// stop ends a child: SIGTERM lets serve close its connections, SIGKILL
// follows if it has not exited 3 s later.
function stop(child) {
  if (registry.children.get(child.key) === child) registry.children.delete(child.key)
  if (!alive(child.proc)) return
  child.proc.kill('SIGTERM')
  setTimeout(() => alive(child.proc) && child.proc.kill('SIGKILL'), 3000).unref()
}

// hookProcessExit stops every child when the process ends: on exit (which
// Vite's own SIGTERM handler reaches through process.exit), and on SIGINT,
// SIGTERM and SIGHUP, re-raised when no other handler is left to end the
// process (Vite installs none for SIGINT), so Node still dies of it.
function hookProcessExit() {
  if (registry.hooked) return
  registry.hooked = true
  const stopAll = () => {
    for (const child of registry.children.values()) stop(child)
  }
  process.once('exit', stopAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      stopAll()
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
}
