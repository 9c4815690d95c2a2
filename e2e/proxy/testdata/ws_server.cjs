// A plain ws:// server on Node's http module with the ws package: it
// says what headers it saw, answers text with text and echoes binary.
// CommonJS, so NODE_PATH finds the pinned ws outside this folder.
const http = require("node:http");
const { WebSocketServer } = require("ws");

// The page a browser opens through the proxy: it talks to this same
// server over wss:// on the page's own origin and records the replies.
const page = `<!doctype html><meta charset="utf-8"><title>node ws</title>
<script>
window.rt = { got: [], error: null };
const ws = new WebSocket("wss://" + location.host + "/");
ws.onmessage = (e) => { rt.got.push(String(e.data)); if (rt.got.length === 1) ws.send("from chromium"); };
ws.onerror = () => { rt.error = "websocket error"; };
</script>`;
const server = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end(page);
});
const wss = new WebSocketServer({ server });
wss.on("connection", (ws, req) => {
  ws.send(JSON.stringify({ origin: req.headers.origin, proto: req.headers["x-forwarded-proto"] }));
  ws.on("message", (data, isBinary) => {
    if (isBinary) ws.send(data, { binary: true });
    else ws.send("node got: " + data.toString());
  });
});
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("ready"));
