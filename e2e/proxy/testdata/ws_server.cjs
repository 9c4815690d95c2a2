// A plain ws:// server on Node's http module with the ws package: it
// says what headers it saw, answers text with text and echoes binary.
// CommonJS, so NODE_PATH finds the pinned ws outside this folder.
const http = require("node:http");
const { WebSocketServer } = require("ws");

const server = http.createServer();
const wss = new WebSocketServer({ server });
wss.on("connection", (ws, req) => {
  ws.send(JSON.stringify({ origin: req.headers.origin, proto: req.headers["x-forwarded-proto"] }));
  ws.on("message", (data, isBinary) => {
    if (isBinary) ws.send(data, { binary: true });
    else ws.send("node got: " + data.toString());
  });
});
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("ready"));
