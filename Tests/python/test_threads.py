"""One client shared by many threads: every call gets its own correct answer, and calls run at the
same time (ctypes.CDLL releases the GIL around each foreign call)."""
import http.server
import json
import threading

import ivs
from .conftest import client_args

THREADS = 8


def test_shared_client_many_threads(fresh, make_ivs):
    c = make_ivs("ivs")
    errors, made = [], {}

    def work(n):
        try:
            for k in range(10):
                name = f"t{n}-{k}"
                arn = c.create_channel(name=name, tags={"thread": str(n)})["channel"]["arn"]
                assert c.get_channel(arn=arn)["channel"]["name"] == name
                made[name] = arn
        except Exception as e:  # reported below, with the thread's context
            errors.append((n, repr(e)))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(made) == THREADS * 10 and len(set(made.values())) == THREADS * 10
    listed = c.get_paginator("list_channels").paginate(PaginationConfig={"PageSize": 25}).build_full_result()
    assert sorted(ch["arn"] for ch in listed["channels"]) == sorted(made.values())


def test_calls_are_in_flight_together_while_python_runs(fresh, make_ivs):
    """ivs-local holds each ListChannels for seconds. All THREADS requests reach it before any call
    returns, and this thread keeps polling the emulator meanwhile: the calls ran in parallel and
    none of them held the GIL."""
    fault = fresh.fault(service="ivs", operation="ListChannels", action="delay", delayMs=4000, count=THREADS)
    c = make_ivs("ivs")
    done, errors = [], []

    def call():
        try:
            c.list_channels()
            done.append(1)
        except Exception as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=call) for _ in range(THREADS)]
    for t in threads:
        t.start()
    arrived = 0
    while arrived < THREADS and not done and not errors:
        # ivs-local takes a fault's count when a request arrives, before holding it.
        pending = [f for f in fresh.get("faults")["faults"] if f["id"] == fault["id"]]
        arrived = THREADS - (pending[0]["remaining"] if pending else 0)
    assert errors == []
    assert arrived == THREADS and done == []
    for t in threads:
        t.join()
    assert len(done) == THREADS


def test_clients_of_different_services_in_threads(fresh, make_ivs):
    clients = {s: make_ivs(s) for s in ("ivs", "ivs-realtime", "ivschat")}
    out, errors = {}, []

    def work(service):
        try:
            c = clients[service]
            for _ in range(5):
                if service == "ivs":
                    out.setdefault(service, []).append(c.create_channel(name="x")["channel"]["arn"])
                elif service == "ivs-realtime":
                    out.setdefault(service, []).append(c.create_stage(name="x")["stage"]["arn"])
                else:
                    out.setdefault(service, []).append(c.create_room(name="x")["arn"])
        except Exception as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=work, args=(s,)) for s in clients for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {s: len(v) for s, v in out.items()} == {"ivs": 10, "ivs-realtime": 10, "ivschat": 10}
    assert all(":channel/" in a for a in out["ivs"]) and all(":stage/" in a for a in out["ivs-realtime"])
    assert all(":room/" in a for a in out["ivschat"])


def test_close_waits_for_running_calls(fresh, make_ivs):
    fresh.fault(service="ivs", operation="ListChannels", action="delay", delayMs=1500, count=1)
    c = make_ivs("ivs")
    result = []
    t = threading.Thread(target=lambda: result.append(c.list_channels()["ResponseMetadata"]["HTTPStatusCode"]))
    t.start()
    while fresh.get("faults")["faults"]:  # until the request has arrived and is being held
        pass
    c.close()  # the running call keeps its native client until it returns
    t.join()
    assert result == [200]
    try:
        c.list_channels()
        raise AssertionError("a closed client must refuse calls")
    except ivs.exceptions.BotoCoreError:
        pass


def test_each_thread_keeps_its_own_pooled_connection():
    """Two threads share a client and call in turn. Each keeps to the pooled handle it used last, so
    each thread's calls go over one connection of its own; the pool does not hand a thread the
    connection the other thread just gave back (its socket and buffers are warm on the other CPU)."""
    seen, both_arrived = [], threading.Barrier(2, timeout=10)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            arn = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["arn"]
            seen.append((arn, self.client_address[1]))
            if len(seen) <= 2:  # the first two calls are in flight together: two handles
                both_arrived.wait()
            body = json.dumps({"channel": {"arn": arn}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    c = ivs.client("ivs", **client_args(f"http://127.0.0.1:{srv.server_address[1]}"))
    turns = [threading.Event(), threading.Event()]
    errors = []

    def work(n):
        try:
            c.get_channel(arn=f"t{n}")
            for k in range(6):
                turns[n].wait(10)
                turns[n].clear()
                c.get_channel(arn=f"t{n}")
                turns[1 - n].set()
        except Exception as e:
            errors.append((n, repr(e)))
            turns[1 - n].set()

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    turns[0].set()
    for t in threads:
        t.join()
    srv.shutdown()
    c.close()
    assert errors == []
    ports = {n: {port for arn, port in seen if arn == f"t{n}"} for n in (0, 1)}
    assert [arn for arn, _ in seen[2:]] == ["t0", "t1"] * 6, seen
    assert len(ports[0]) == 1 and len(ports[1]) == 1 and ports[0] != ports[1], seen
