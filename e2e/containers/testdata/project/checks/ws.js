// Opens a PeerJS socket on rtdev serve with Node's ws, trusting what the
// environment says (NODE_EXTRA_CA_CERTS), and prints the first message type.
const WebSocket = require('ws');
const ws = new WebSocket(process.env.RTDEV_URL);
setTimeout(() => { console.error('no message in 10 s'); process.exit(2); }, 10000);
ws.on('message', (m) => {
  const type = JSON.parse(m).type;
  console.log(type);
  process.exit(type === 'OPEN' ? 0 : 1);
});
ws.on('error', (e) => { console.error(e.message); process.exit(1); });
