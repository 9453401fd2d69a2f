# tasks_api.py
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

tasks = {}
_next_id = 1

async def list_tasks(request):
    status = request.query_params.get("status")
    items = list(tasks.values())
    if status:
        items = [t for t in items if t["status"] == status]
    return JSONResponse({"tasks": items, "count": len(items)})

async def create_task(request):
    global _next_id
    body = await request.json()
    title = (body.get("title") or "").strip()
    if not title:
        return JSONResponse({"error": "title is required"}, status_code=422)
    task = {"id": _next_id, "title": title, "status": "pending"}
    tasks[_next_id] = task
    _next_id += 1
    return JSONResponse(task, status_code=201)

async def update_task(request):
    task_id = int(request.path_params["task_id"])
    if task_id not in tasks:
        return JSONResponse({"error": "Task not found"}, status_code=404)
    body = await request.json()
    if "status" in body:
        tasks[task_id]["status"] = body["status"]
    if "title" in body:
        tasks[task_id]["title"] = body["title"].strip()
    return JSONResponse(tasks[task_id])

async def delete_task(request):
    task_id = int(request.path_params["task_id"])
    if task_id not in tasks:
        return JSONResponse({"error": "Task not found"}, status_code=404)
    deleted = tasks.pop(task_id)
    return JSONResponse({"deleted": deleted})

app = Starlette(routes=[
    Route("/tasks", list_tasks, methods=["GET"]),
    Route("/tasks", create_task, methods=["POST"]),
    Route("/tasks/{task_id:int}", update_task, methods=["PUT"]),
    Route("/tasks/{task_id:int}", delete_task, methods=["DELETE"]),
])
