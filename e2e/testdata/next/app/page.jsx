'use client'
// The peerjs snippet (peer.js, written by the test) as its comment says to
// use it in Next: from useEffect, with destroy as the cleanup. Next's dev
// mode runs effects twice (React StrictMode), so the first peer is
// destroyed at once: that is the case the snippet must not reconnect.
import { useEffect } from 'react'
import { openPeer } from '../peer.js'

export default function Page() {
  useEffect(() => {
    window.rt = window.rt || { open: null, errors: [], peers: 0 }
    window.rt.peers++
    const peer = openPeer()
    peer.on('open', (id) => { window.rt.open = id })
    peer.on('error', (err) => { window.rt.errors.push(String(err.type || err)) })
    return () => peer.destroy()
  }, [])
  return <p id="page">page served by next</p>
}
