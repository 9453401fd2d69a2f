#!/usr/bin/python3
"""A stand-in for `kit serve` on Starlette: the seed's task API (with kit's 400/422 where the
seed answers 500), /ws events, and the task page at /. It lets tests/e2e/serve_browser.mjs (and
the page) be checked against the reference framework:

    node tests/e2e/serve_browser.mjs --kit tests/e2e/serve_page_standin.py --screenshot /tmp/s.png

Takes `serve [--host H] [-p PORT] [--db FILE]` as kit does (--db: a JSON file, so a restart keeps
the tasks), prints `Listening on http://HOST:PORT` first, stops on SIGTERM with exit 0.
Needs Debian's starlette, uvicorn and wsproto: run it with /usr/bin/python3 (the shebang does).
"""
import argparse
import json
import os
import pathlib
import socket
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

PAGE = pathlib.Path(__file__).resolve().parents[2] / "src" / "web" / "task_page.html"


class Store:
    def __init__(self, path):
        self.path = path
        self.tasks, self.next_id = {}, 1
        if path and path != ":memory:" and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            self.tasks = {t["id"]: t for t in data["tasks"]}
            self.next_id = data["next_id"]

    def commit(self):
        if self.path and self.path != ":memory:":
            tmp = self.path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({"tasks": list(self.tasks.values()), "next_id": self.next_id}, f)
            os.replace(tmp, self.path)


store = None
clients = set()


async def broadcast(kind, task):
    for ws in list(clients):
        try:
            await ws.send_text(json.dumps({"type": kind, "task": task}, separators=(",", ":")))
        except Exception:
            clients.discard(ws)


def error(message, status):
    return JSONResponse({"error": message}, status_code=status)


async def read_object(request):
    try:
        body = json.loads((await request.body()).decode("utf-8"))
    except Exception:
        return None, error("Invalid JSON", 400)
    if not isinstance(body, dict):
        return None, error("JSON object expected", 422)
    return body, None


async def list_tasks(request):
    status = request.query_params.get("status")
    items = list(store.tasks.values())
    if status:
        items = [t for t in items if t["status"] == status]
    return JSONResponse({"tasks": items, "count": len(items)})


async def create_task(request):
    body, err = await read_object(request)
    if err:
        return err
    title = body.get("title")
    if not title:
        return error("title is required", 422)
    if not isinstance(title, str):
        return error("title must be a string", 422)
    if not title.strip():
        return error("title is required", 422)
    task = {"id": store.next_id, "title": title.strip(), "status": "pending"}
    store.tasks[store.next_id] = task
    store.next_id += 1
    store.commit()
    await broadcast("created", task)
    return JSONResponse(task, status_code=201)


async def one_task(request):
    task_id = request.path_params["task_id"]
    if task_id not in store.tasks:
        return error("Task not found", 404)
    if request.method == "GET":
        return JSONResponse(store.tasks[task_id])
    if request.method == "DELETE":
        deleted = store.tasks.pop(task_id)
        store.commit()
        await broadcast("deleted", deleted)
        return JSONResponse({"deleted": deleted})
    body, err = await read_object(request)
    if err:
        return err
    if "status" in body and not isinstance(body["status"], str):
        return error("status must be a string", 422)
    if "title" in body:
        if not isinstance(body["title"], str):
            return error("title must be a string", 422)
        if not body["title"].strip():
            return error("title is required", 422)
    task = store.tasks[task_id]
    if "status" in body:
        task["status"] = body["status"]
    if "title" in body:
        task["title"] = body["title"].strip()
    store.commit()
    await broadcast("updated", task)
    return JSONResponse(task)


async def page(request):
    return HTMLResponse(PAGE.read_text(encoding="utf-8"))


async def ws_endpoint(websocket):
    await websocket.accept()
    clients.add(websocket)
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        clients.discard(websocket)


app = Starlette(routes=[
    Route("/", page),
    Route("/tasks", list_tasks, methods=["GET"]),
    Route("/tasks", create_task, methods=["POST"]),
    Route("/tasks/{task_id:int}", one_task, methods=["GET", "PUT", "DELETE"]),
    WebSocketRoute("/ws", ws_endpoint),
])


def main():
    global store
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["serve"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("-p", "--port", type=int, default=8000)
    ap.add_argument("--db", default=":memory:")
    args = ap.parse_args()
    store = Store(args.db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(128)  # before the line: a client may connect as soon as it reads it
    print(f"Listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws="wsproto")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
