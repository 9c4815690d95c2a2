# Opens a PeerJS socket on rtdev serve with Python websockets, trusting what
# the environment says (SSL_CERT_FILE, through ssl's default paths), and
# prints the first message type.
import asyncio
import json
import os
import sys

import websockets


async def main():
    async with websockets.connect(os.environ["RTDEV_URL"], open_timeout=10) as ws:
        kind = json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]
        print(kind)
        return kind == "OPEN"


sys.exit(0 if asyncio.run(main()) else 1)
