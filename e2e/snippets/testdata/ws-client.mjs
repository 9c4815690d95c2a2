// Opens a WebSocket to process.argv[2] with the npm ws package and prints
// the first message it gets. It trusts what Node trusts and nothing more: its
// bundled roots plus NODE_EXTRA_CA_CERTS, which Node reads once at start-up
// (nodejs.org/api/cli.html#node_extra_ca_certsfile). A failure prints
// "error CODE: message" (CODE is OpenSSL's verification code for a
// certificate problem) and exits 1.
import WebSocket from 'ws'

const socket = new WebSocket(process.argv[2])

// A bound, not an expectation: the Go test has its own timeout too.
const timer = setTimeout(() => {
  console.error('error TIMEOUT: no message')
  process.exit(2)
}, 30000)

socket.on('message', (data) => {
  clearTimeout(timer)
  process.stdout.write(data.toString())
  socket.close()
})

socket.on('error', (err) => {
  clearTimeout(timer)
  console.error(`error ${err.code ?? 'NONE'}: ${err.message}`)
  process.exit(1)
})
