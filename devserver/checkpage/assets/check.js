// rtdev check page: trusted HTTPS, WSS signaling with the PeerJS protocol,
// and an RTCDataChannel between two tabs negotiated through the server.
// Each check sets data-state on its <li> ("ok", "fail", "wait") so people
// and tests read the same result.
"use strict";

(function () {
  const body = document.body;
  const path = body.dataset.path;
  const key = body.dataset.key;
  const $ = (id) => document.getElementById(id);

  function set(id, state, detail) {
    const li = $(id);
    li.dataset.state = state;
    li.querySelector(".detail").textContent = detail || "";
    summarize();
  }

  function summarize() {
    const states = ["https", "wss", "p2p"].map((id) => $(id).dataset.state);
    const out = $("result");
    if (states.includes("fail")) {
      out.dataset.state = "fail";
      out.textContent = "A check failed: see the line marked ✗.";
    } else if (states[0] === "ok" && states[1] === "ok") {
      out.dataset.state = states[2] === "ok" ? "ok" : "partial";
      out.textContent = states[2] === "ok"
        ? "All checks passed: HTTPS, WSS and a peer-to-peer data channel."
        : "HTTPS and WSS work. Open this page in a second tab to check a data channel.";
    }
  }

  // 1. The page itself: a browser only runs this script over https:// when it
  // trusted the certificate (an untrusted one stops at an interstitial).
  if (location.protocol === "https:" && window.isSecureContext) {
    set("https", "ok", "served over " + location.protocol + "//" + location.host);
  } else {
    set("https", "fail", "this page was loaded over " + location.protocol + ": open https://" + location.host + location.pathname);
  }

  function randomToken() {
    const a = new Uint8Array(8);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  let ws = null;
  let myId = null;
  const peers = new Map(); // remote id -> {pc, dc, pending: [candidates], ok}

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  // 2. Signaling: the same two steps a peerjs client takes: GET {path}{key}/id,
  // then the WebSocket at {path}peerjs, waiting for OPEN.
  async function connectSignaling() {
    const base = "https://" + location.host + path;
    let id;
    try {
      const res = await fetch(base + encodeURIComponent(key) + "/id?ts=" + Date.now(), { cache: "no-store" });
      if (!res.ok) throw new Error("HTTP " + res.status);
      id = await res.text();
    } catch (e) {
      set("wss", "fail", "could not get an id from " + base + key + "/id: " + e.message);
      return;
    }
    const url = "wss://" + location.host + path + "peerjs?key=" + encodeURIComponent(key) +
      "&id=" + encodeURIComponent(id) + "&token=" + randomToken() + "&version=rtdev-check";
    ws = new WebSocket(url);
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      onSignal(msg, id);
    };
    ws.onclose = (ev) => {
      if ($("wss").dataset.state !== "ok") {
        set("wss", "fail", "the WebSocket closed before OPEN (code " + ev.code + ")");
      }
    };
    ws.onerror = () => set("wss", "fail", "the WebSocket to " + url.split("?")[0] + " failed");
    setInterval(() => send({ type: "HEARTBEAT" }), 5000);
  }

  function onSignal(msg, id) {
    switch (msg.type) {
      case "OPEN":
        myId = id;
        $("peer-id").textContent = id;
        set("wss", "ok", "connected as " + id);
        set("p2p", "wait", "waiting for a second tab with this page");
        announce();
        break;
      case "ERROR":
      case "ID-TAKEN":
        set("wss", "fail", msg.type + ": " + ((msg.payload && msg.payload.msg) || ""));
        break;
      case "OFFER":
        onOffer(msg.src, msg.payload);
        break;
      case "ANSWER":
        onAnswer(msg.src, msg.payload);
        break;
      case "CANDIDATE":
        onCandidate(msg.src, msg.payload);
        break;
      case "EXPIRE":
      case "LEAVE":
        if (peers.has(msg.src) && !peers.get(msg.src).ok) {
          set("p2p", "wait", "peer " + msg.src + " went away; waiting for another tab");
        }
        break;
    }
  }

  // Tabs of one browser find each other over a BroadcastChannel; the tab with
  // the smaller id makes the offer so two tabs never offer at once.
  const bc = "BroadcastChannel" in window ? new BroadcastChannel("rtdev-check") : null;
  function announce() {
    if (bc && myId) bc.postMessage({ hello: myId });
  }
  if (bc) {
    bc.onmessage = (ev) => {
      const other = ev.data && ev.data.hello;
      if (!myId || !other || other === myId || peers.has(other)) return;
      peers.set(other, newPeer(other));
      set("p2p", "wait", "connecting to " + other);
      announce();
      if (myId < other) offer(other);
    };
  }

  function newPeer(remote) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const p = { pc, dc: null, pending: [], ok: false, candidates: 0 };
    pc.onicecandidate = (ev) => {
      if (!ev.candidate) return;
      p.candidates++;
      send({ type: "CANDIDATE", dst: remote, payload: { candidate: ev.candidate.toJSON(), type: "data" } });
    };
    // With no address to offer, ICE never fails, it just waits: say why.
    // Chromium offers only the address of the default route when the page
    // has no camera or microphone permission, so a machine with no default
    // route (offline, or a container without a network) has none to offer;
    // its gathering may end with no candidate or never end.
    const noAddress = "this browser found no network address for WebRTC: connect to a network (it need not reach the internet)";
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === "complete" && p.candidates === 0 && !p.ok) set("p2p", "fail", noAddress);
    };
    setTimeout(() => {
      if (p.candidates === 0 && !p.ok && $("p2p").dataset.state === "wait") set("p2p", "wait", "still connecting: " + noAddress);
    }, 10000);
    pc.ondatachannel = (ev) => wire(remote, p, ev.channel);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "failed" && !p.ok) set("p2p", "fail", "ICE failed between this tab and " + remote);
    };
    return p;
  }

  // 3. The data channel: each side says hello and waits for its echo, so
  // a pass means a message went both ways.
  function wire(remote, p, dc) {
    p.dc = dc;
    dc.onopen = () => dc.send("hello from " + myId);
    dc.onmessage = (ev) => {
      const text = String(ev.data);
      if (text.startsWith("echo: ")) {
        if (text === "echo: hello from " + myId) {
          p.ok = true;
          set("p2p", "ok", "message round trip with " + remote + " over an RTCDataChannel");
        }
      } else {
        dc.send("echo: " + text);
      }
    };
  }

  async function offer(remote) {
    const p = peers.get(remote);
    wire(remote, p, p.pc.createDataChannel("rtdev-check"));
    const desc = await p.pc.createOffer();
    await p.pc.setLocalDescription(desc);
    send({ type: "OFFER", dst: remote, payload: { sdp: p.pc.localDescription.toJSON(), type: "data" } });
  }

  async function onOffer(remote, payload) {
    let p = peers.get(remote);
    if (!p) { p = newPeer(remote); peers.set(remote, p); }
    await p.pc.setRemoteDescription(payload.sdp);
    await flush(p);
    const desc = await p.pc.createAnswer();
    await p.pc.setLocalDescription(desc);
    send({ type: "ANSWER", dst: remote, payload: { sdp: p.pc.localDescription.toJSON(), type: "data" } });
  }

  async function onAnswer(remote, payload) {
    const p = peers.get(remote);
    if (!p) return;
    await p.pc.setRemoteDescription(payload.sdp);
    await flush(p);
  }

  async function onCandidate(remote, payload) {
    const p = peers.get(remote);
    if (!p) return;
    if (!p.pc.remoteDescription) { p.pending.push(payload.candidate); return; }
    await p.pc.addIceCandidate(payload.candidate);
  }

  async function flush(p) {
    for (const c of p.pending.splice(0)) await p.pc.addIceCandidate(c);
  }

  if (location.protocol === "https:") connectSignaling();
})();
