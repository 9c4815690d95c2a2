// Opens the rendered websocket snippet (socket.js, written by the test) as
// a page would, and records the first message in window.rt for the test.
import { connect } from './socket.js'

window.rt = { message: null }
connect((data) => {
  if (window.rt.message === null) window.rt.message = String(data)
})
