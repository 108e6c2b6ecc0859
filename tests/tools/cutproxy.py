#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 for fault tests.

    cutproxy.py PORTFILE TARGET_PORT [--cut up|down N] [--stall] [--times K]

Listens on a free port of 127.0.0.1 (written to PORTFILE once listening)
and forwards each connection to 127.0.0.1:TARGET_PORT.  With --cut, a
connection is closed (both ways, at once) when more than N bytes went in
that direction (up: client to server, down: server to client); with
--stall it is held open instead, forwarding nothing more.  Only the first
K connections that reach N bytes are cut or stalled (default 1); later
ones pass whole, so the next try succeeds.
"""
import argparse
import os
import socket
import threading

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("portfile")
    ap.add_argument("target", type=int)
    ap.add_argument("--cut", nargs=2, metavar=("DIR", "N"))
    ap.add_argument("--stall", action="store_true")
    ap.add_argument("--times", type=int, default=1)
    a = ap.parse_args()
    direction, limit = (a.cut[0], int(a.cut[1])) if a.cut else (None, 0)
    left = [a.times]
    lock = threading.Lock()

    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    tmp = a.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(tmp, a.portfile)

    def handle(client):
        try:
            server = socket.create_connection(("127.0.0.1", a.target))
        except OSError:
            client.close()
            return
        state = {"faulted": False, "done": False}

        def pump(src, dst, name):
            sent = 0
            try:
                while not state["done"]:
                    data = src.recv(4096)
                    if not data:
                        break
                    if direction == name and not state["faulted"] and \
                            sent + len(data) > limit:
                        with lock:
                            fault = left[0] > 0
                            if fault:
                                left[0] -= 1
                        if fault:
                            state["faulted"] = True
                            keep = max(0, limit - sent)
                            dst.sendall(data[:keep])
                            if a.stall:
                                threading.Event().wait()
                            break
                    dst.sendall(data)
                    sent += len(data)
            except OSError:
                pass
            state["done"] = True
            for s in (client, server):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        t1 = threading.Thread(target=pump, args=(client, server, "up"),
                              daemon=True)
        t2 = threading.Thread(target=pump, args=(server, client, "down"),
                              daemon=True)
        t1.start()
        t2.start()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()

if __name__ == "__main__":
    main()
