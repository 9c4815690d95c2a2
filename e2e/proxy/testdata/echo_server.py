# A plain ws:// echo server, as a developer writes it before thinking of
# TLS: Python websockets (Debian's python3-websockets), no ssl= anywhere.
# It echoes every message with its type and prints "ready" once listening.
import asyncio
import sys

try:
    from websockets.asyncio.server import serve  # websockets 13+
except ImportError:
    from websockets.server import serve  # Debian 12's 10.4


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1]), max_size=None) as server:
        print("ready", flush=True)
        await asyncio.Future()  # serve until killed


asyncio.run(main())
