// A PeerJS client on the page's own origin: the rtdev/vite plugin proxies
// /peerjs (HTTP and WebSocket) to rtdev serve, so no port or host of the
// signaling server appears here. The test reads window.rt.
import { Peer } from 'peerjs'

window.rt = { open: null, errors: [] }
const peer = new Peer({ host: location.hostname, port: Number(location.port), path: '/', secure: true })
peer.on('open', (id) => { window.rt.open = id })
peer.on('error', (err) => { window.rt.errors.push(String(err.type || err)) })
