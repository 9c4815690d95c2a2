// rtdev check page: trusted HTTPS, WSS signaling with the PeerJS protocol,
// and an RTCDataChannel with another tab or device negotiated through the
// server. Tabs of one browser find each other over a BroadcastChannel;
// pages on other origins or devices pair by a short code the server hands
// out (pair/new, pair/join, pair/wait), so a LAN visitor never learns this
// page's id without the code.
// Each check sets data-state on its <li> ("ok", "fail", "wait") so people
// and tests read the same result.
"use strict";

(function () {
  const body = document.body;
  const path = body.dataset.path;
  const key = body.dataset.key;
  const prefix = body.dataset.prefix;
  const myPlatform = body.dataset.platform;
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
        : "HTTPS and WSS work. Open this page in a second tab, or pair a device, to check a data channel.";
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
  // Only ids learned from a tab of this browser or from a pairing may
  // connect; an offer from another id waits here in case its hello is still
  // on the way (BroadcastChannel and the WebSocket race), a few at most.
  const allowed = new Set();
  const stashed = new Map();
  function allow(remote) {
    allowed.add(remote);
    const st = stashed.get(remote);
    stashed.delete(remote);
    if (!st) return;
    if (st.offer) onOffer(remote, st.offer);
    for (const c of st.candidates) onCandidate(remote, { candidate: c });
  }
  function stash(remote) {
    if (!stashed.has(remote) && stashed.size < 4) stashed.set(remote, { offer: null, candidates: [] });
    return stashed.get(remote);
  }

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
        set("p2p", "wait", "waiting for a second tab, or a device paired by code");
        announce();
        startPairing();
        probeLoopback();
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

  // 4. Local Network Access. The server sets data-loopback only for a visitor
  // on its own machine who opened this page by another address (the LAN URL
  // a phone uses). An app on such a page that still opens wss://localhost
  // meets Chrome's Local Network Access (142+, WebSockets from 147): the
  // socket is held, neither open nor failed, until the user answers a
  // permission prompt, or refused where no prompt can be shown. The probe
  // opens that socket once this page's own socket is OPEN, so the server is
  // known to be up, and says which host works instead.
  const lnaWait = 4000;
  async function lnaPermission() {
    // Chrome names the permission loopback-network since it split local
    // and loopback access; local-network-access before.
    for (const name of ["loopback-network", "local-network-access"]) {
      try {
        return " (permission " + name + ": " + (await navigator.permissions.query({ name })).state + ")";
      } catch (e) { /* not a name this browser knows */ }
    }
    return "";
  }
  function probeLoopback() {
    const target = body.dataset.loopback;
    if (!target) return;
    $("lna").hidden = false;
    const use = "wss://" + location.host + path + "peerjs";
    const fix = ". Use this page's host in the socket URL: " + use +
      " (build it from location.hostname); the certificate covers it, as this page shows.";
    const url = target + path + "peerjs?key=" + encodeURIComponent(key) + "&id=rtdev-lna-" + randomToken() +
      "&token=" + randomToken() + "&version=rtdev-check";
    let settled = false;
    const report = async (state, text) => {
      settled = true;
      const perm = state === "ok" ? "" : await lnaPermission();
      const li = $("lna");
      li.dataset.state = state;
      li.querySelector(".detail").textContent = text + perm + (state === "ok" ? "" : fix);
    };
    const probe = new WebSocket(url);
    const timer = setTimeout(() => {
      if (!settled) report("warn", "a socket from " + location.hostname + " to " + target + " neither opened nor failed within " +
        lnaWait / 1000 + " s: Chrome holds it for its Local Network Access prompt");
    }, lnaWait);
    // An open after the timeout is the user allowing the prompt.
    probe.onopen = () => {
      clearTimeout(timer);
      probe.close();
      report("ok", "a page from " + location.hostname + " may open " + target + " too");
    };
    probe.onerror = () => {
      clearTimeout(timer);
      report("warn", "a socket from " + location.hostname + " to " + target +
        " failed while this page's own socket works: Chrome's Local Network Access blocks a page on this address from reaching localhost unless the user allows it");
    };
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
      allow(other);
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
  // The hello names this side's platform, so each page shows the other's.
  function wire(remote, p, dc) {
    p.dc = dc;
    const hello = "hello from " + myId + " on " + myPlatform;
    dc.onopen = () => dc.send(hello);
    dc.onmessage = (ev) => {
      const text = String(ev.data).slice(0, 200);
      if (text.startsWith("echo: ")) {
        if (text === "echo: " + hello) {
          p.ok = true;
          set("p2p", "ok", "message round trip with " + (p.platform || "the other side") + " (" + remote + ") over an RTCDataChannel");
        }
      } else {
        const on = text.indexOf(" on ");
        if (text.startsWith("hello from ") && on > 0) {
          p.platform = text.slice(on + 4, on + 4 + 40);
          $("peer-platform").textContent = p.platform;
        }
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
    if (!allowed.has(remote)) {
      const st = stash(remote);
      if (st) st.offer = payload;
      return;
    }
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
    if (!allowed.has(remote)) {
      const st = stash(remote);
      if (st && st.candidates.length < 32) st.candidates.push(payload.candidate);
      return;
    }
    const p = peers.get(remote);
    if (!p) return;
    if (!p.pc.remoteDescription) { p.pending.push(payload.candidate); return; }
    await p.pc.addIceCandidate(payload.candidate);
  }

  async function flush(p) {
    for (const c of p.pending.splice(0)) await p.pc.addIceCandidate(c);
  }

  // Pairing by code. A page opened with ?pair=CODE joins that code's page;
  // any other page shows a code of its own and waits for a device to join.
  async function post(name, data) {
    const res = await fetch(prefix + "pair/" + name, {
      method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ id: myId }, data)),
    });
    const doc = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(doc.error || "HTTP " + res.status);
    return doc;
  }

  function pairStatus(state, text) {
    $("pair").dataset.state = state;
    $("pair-status").textContent = text;
  }

  function paired(peer, how) {
    if (!peer || !peer.id || peers.has(peer.id)) return;
    $("peer-platform").textContent = peer.platform;
    pairStatus("ok", "paired with " + peer.platform + " (" + how + ")");
    peers.set(peer.id, newPeer(peer.id));
    set("p2p", "wait", "connecting to " + peer.platform + " (" + peer.id + ")");
    allow(peer.id);
  }

  async function join(code) {
    try {
      const doc = await post("join", { code });
      // The page that joins makes the offer: it knows the other's id.
      paired(doc.peer, "code " + code);
      offer(doc.peer.id);
    } catch (e) {
      pairStatus("fail", "could not pair with code " + code + ": " + e.message);
    }
  }

  let hosting = null;
  let hostedCode = null; // this page's open code, given back on pagehide
  async function host() {
    let doc;
    try {
      doc = await post("new", {});
    } catch (e) {
      pairStatus("fail", "no pairing code: " + e.message);
      return;
    }
    $("pair-host").hidden = false;
    $("pair-code").textContent = doc.code.slice(0, 3) + "-" + doc.code.slice(3);
    $("pair-url").textContent = doc.url;
    $("pair-url").href = doc.url;
    $("pair-qr").src = doc.qr;
    pairStatus("wait", "waiting for a device to open the address or type the code");
    hostedCode = doc.code;
    const until = Date.now() + doc.expires_in * 1000;
    hosting = setInterval(async () => {
      if (Date.now() > until) {
        clearInterval(hosting);
        pairStatus("fail", "the code expired: reload the page for a new one");
        return;
      }
      try {
        const w = await post("wait", { code: doc.code });
        if (w.peer) { clearInterval(hosting); hostedCode = null; paired(w.peer, "code " + doc.code); }
      } catch (e) {
        clearInterval(hosting);
        pairStatus("fail", e.message);
      }
    }, 1000);
  }

  // The server keeps at most two open codes per device, so a page that
  // goes away (closed, reloaded) gives its code back; keepalive lets the
  // request outlive the page.
  window.addEventListener("pagehide", () => {
    if (!hostedCode || !myId) return;
    fetch(prefix + "pair/close", {
      method: "POST", keepalive: true, cache: "no-store", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id: myId, code: hostedCode }),
    }).catch(() => {});
    hostedCode = null;
  });

  function startPairing() {
    const code = new URLSearchParams(location.search).get("pair");
    if (code) join(code.slice(0, 12));
    else host();
  }

  $("pair-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const code = $("pair-input").value.trim();
    if (!myId) { pairStatus("fail", "not connected to the signaling server yet"); return; }
    if (code) join(code);
  });

  if (location.protocol === "https:") connectSignaling();
})();
