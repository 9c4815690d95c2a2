// Opens the rendered peerjs snippet (peer.js, written by the test) as a
// page would, and records what happens in window.rt for the test to read.
import { openPeer } from './peer.js'

window.rt = { open: null, closed: false, errors: [] }
const peer = openPeer()
peer.on('open', (id) => { window.rt.open = id })
peer.on('close', () => { window.rt.closed = true })
peer.on('error', (err) => { window.rt.errors.push(String(err.type || err)) })
window.rt.peer = peer
