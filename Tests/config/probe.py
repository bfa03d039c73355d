"""Runs libivs through its C ABI (ctypes) in a process of its own, so that each test controls the
environment, HOME and the shared config files libivs sees. Reads a JSON spec on stdin and prints
one JSON document:

    {"logLevel": 4, "config": {...}, "steps": [{"calls": [[service, op, input], ...], "threads": 1},
                                              {"sleep": 2.5}, {"post": [url, json body]},
                                              {"clock": seconds}, {"credentials": true, "threads": 1},
                                              {"describe": true}, {"write": [path, text]}]}
 -> {"new": {"status": 0, "error": null}, "results": [[{"status", "json"}, ...] per step], "logs": [...]}

"clock" moves libivs's credential clock (the file IVS_TEST_CREDENTIAL_CLOCK_FILE names) to that many
seconds ahead of the wall clock; "credentials" calls ivs_client_credentials, "describe"
ivs_client_config; "write" replaces a file (a token that rotates between refreshes).
"""
import ctypes
import json
import os
import sys
import threading
import time
import urllib.request

spec = json.load(sys.stdin)
lib = ctypes.CDLL(os.environ['IVS_LIBRARY'])
lib.ivs_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
lib.ivs_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                         ctypes.POINTER(ctypes.c_void_p)]
lib.ivs_free.argtypes = [ctypes.c_void_p]
lib.ivs_client_free.argtypes = [ctypes.c_void_p]
lib.ivs_client_credentials.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
lib.ivs_client_config.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
LOGFN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
logs = []
log_lock = threading.Lock()


def on_log(level, message, _userdata):
    with log_lock:
        logs.append(message.decode('utf-8', 'replace'))


callback = LOGFN(on_log)
lib.ivs_set_log_callback.argtypes = [ctypes.c_int, LOGFN, ctypes.c_void_p]
lib.ivs_set_log_callback(spec.get('logLevel', 0), callback, None)


def take(ptr):
    if not ptr.value:
        return None
    text = ctypes.string_at(ptr.value).decode()
    lib.ivs_free(ptr)
    return json.loads(text)


client = ctypes.c_void_p()
err = ctypes.c_void_p()
config = spec.get('config')
status = lib.ivs_client_new(None if config is None else json.dumps(config).encode(), ctypes.byref(client),
                            ctypes.byref(err))
out = {'new': {'status': status, 'error': take(err)}, 'results': [], 'logs': logs}
if status == 0:
    for step in spec.get('steps', []):
        if 'sleep' in step:
            time.sleep(step['sleep'])
            continue
        if 'clock' in step:
            with open(os.environ['IVS_TEST_CREDENTIAL_CLOCK_FILE'], 'w') as f:
                f.write(str(step['clock']))
            continue
        if 'write' in step:
            path, text = step['write']
            with open(path, 'w') as f:
                f.write(text)
            continue
        if 'describe' in step:
            o = ctypes.c_void_p()
            st = lib.ivs_client_config(client, ctypes.byref(o))
            out['results'].append([{'status': st, 'json': take(o)}])
            continue
        if 'credentials' in step:
            threads = step.get('threads', 1)
            results = [None] * threads

            def fetch(t):
                o = ctypes.c_void_p()
                st = lib.ivs_client_credentials(client, ctypes.byref(o))
                results[t] = {'status': st, 'json': take(o)}
            workers = [threading.Thread(target=fetch, args=(t,)) for t in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            out['results'].append(results)
            continue
        if 'post' in step:  # e.g. add an ivs-local fault between calls
            url, body = step['post']
            urllib.request.urlopen(urllib.request.Request(url, data=json.dumps(body).encode(), method='POST'),
                                   timeout=10).read()
            continue
        threads = step.get('threads', 1)
        results = [None] * (threads * len(step['calls']))

        def run(t):
            for i, (service, op, inp) in enumerate(step['calls']):
                o = ctypes.c_void_p()
                st = lib.ivs_call(client, service.encode(), op.encode(), json.dumps(inp).encode(), ctypes.byref(o))
                results[t * len(step['calls']) + i] = {'status': st, 'json': take(o)}

        workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        out['results'].append(results)
    lib.ivs_client_free(client)
lib.ivs_set_log_callback(0, LOGFN(0), None)
with log_lock:
    print(json.dumps(out))
