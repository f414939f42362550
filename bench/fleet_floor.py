"""The floor for bench/fleet.py: the board routes with no work behind them, on the same uvicorn.

It holds every long-poll and answers them all, with a body of the size it is
told, when `POST /signal?size=N` arrives; heartbeats are acknowledged without
being read; assets are bytes in memory, served with Range. Whatever time the
manager needs beyond this server's is the manager's own.

Run: python bench/fleet_floor.py --port 8001 [--asset-bytes N]
"""
import argparse
import asyncio
import json
import os
import sys

import uvicorn
from fastapi import FastAPI, Request, Response

app = FastAPI()
state = {"generation": 0, "body": b"{}", "waiters": set()}
ASSET = b""


def _etag() -> str:
    return f'"floor-{state["generation"]}"'


@app.get("/api/v1/boards/{board_id}/manifest")
async def manifest(board_id: str, request: Request, wait: float = 0):
    if request.headers.get("if-none-match") == _etag() and wait:
        future = asyncio.get_running_loop().create_future()
        state["waiters"].add(future)
        try:
            await asyncio.wait_for(future, wait)
        except TimeoutError:
            return Response(status_code=304, headers={"ETag": _etag()})
        finally:
            state["waiters"].discard(future)
    return Response(state["body"], media_type="application/json", headers={"ETag": _etag(), "Cache-Control": "no-cache"})


@app.post("/signal")
async def signal(size: int = 1000):
    state["generation"] += 1
    state["body"] = json.dumps({"version": f"floor-{state['generation']}", "pad": "x" * max(0, size - 40)}).encode()
    for future in list(state["waiters"]):
        if not future.done():
            future.set_result(True)
    return {"woken": len(state["waiters"])}


@app.post("/api/v1/boards/{board_id}/heartbeats")
async def heartbeats(board_id: str):
    return Response(b'{"accepted":1,"duplicates":0}', media_type="application/json")


@app.get("/assets/{sha256}")
async def asset(sha256: str, request: Request):
    spec = request.headers.get("range", "")
    if spec.startswith("bytes="):
        start, _, end = spec[6:].partition("-")
        first, last = int(start), min(int(end) if end else len(ASSET) - 1, len(ASSET) - 1)
        return Response(ASSET[first:last + 1], status_code=206, media_type="image/png",
                        headers={"Content-Range": f"bytes {first}-{last}/{len(ASSET)}"})
    return Response(ASSET, media_type="image/png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--asset-bytes", type=int, default=65536, help="the size of the manager's asset in the same run")
    args = parser.parse_args()
    ASSET = os.urandom(args.asset_bytes)
    # The manager's own settings for uvicorn (manager/__main__.py): the defaults, uvloop and httptools when installed.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    sys.exit(0)
