# A Python websockets client that trusts only the rtdev CA (argv[2]):
# it sends a text and a binary message through the proxy at argv[1] and
# checks each comes back unchanged and of the same type.
import asyncio
import ssl
import sys

try:
    from websockets.asyncio.client import connect  # websockets 13+
except ImportError:
    from websockets.client import connect  # Debian 12's 10.4


async def main():
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    async with connect(sys.argv[1], ssl=ctx, max_size=None) as ws:
        for message in ["hello through rtdev proxy", b"\x00\x01\xfe\xff", "x" * (1 << 20)]:
            await ws.send(message)
            got = await ws.recv()
            if got != message or type(got) is not type(message):
                sys.exit("echo mismatch: sent %s %d, got %s %d" % (type(message), len(message), type(got), len(got)))
    print("ok", flush=True)


asyncio.run(main())
