import type { Plugin } from 'vite'

export interface RtdevServeOptions {
  /** The port rtdev serve listens on (default 9000); Vite proxies to it. */
  port?: number
  /** More `rtdev serve` flags, such as ["--allow-discovery"]. */
  args?: string[]
}

export interface RtdevOptions {
  /**
   * Run `rtdev serve --path /` for the dev server's lifetime and proxy
   * /peerjs (HTTP and WebSocket) and /rtdev/ to it, so the page reaches
   * PeerJS on its own origin. Default false.
   */
  serve?: boolean | RtdevServeOptions
  /**
   * Listen on the LAN: server.host = true (unless set) and `rtdev serve
   * --lan`, which prints the phone setup address (and, on a terminal, its
   * QR code). Default false.
   */
  lan?: boolean
  /**
   * Also serve the container bridges: `rtdev serve --containers`, so a
   * compose service reaches PeerJS at https://host.docker.internal:PORT.
   * Never the LAN; with lan, which listens everywhere, it adds nothing.
   * Default false.
   */
  containers?: boolean
  /** The project folder `rtdev init` runs in (default: Vite's root, else the cwd). */
  project?: string
  /** The rtdev binary (default: $RTDEV_BINARY, else this platform's @rtdev/cli-* package). */
  binary?: string
}

/** The rtdev Vite plugin: HTTPS with the project's rtdev certificate, and optionally rtdev serve. */
export default function rtdev(options?: RtdevOptions): Plugin
