#!/usr/bin/env python3
"""mirror_server.py MODE DIR - a mirror on loopback for mirror.sh, honest
or not.  Prints its URL, then serves until killed.

  honest     serves DIR as it is
  huge       serves DIR, but every file other than MANIFEST.minisig is
             10 GB of junk (with its Content-Length), sent as fast as the
             client takes it
  silent     accepts connections and never answers
  redirect   serves MANIFEST.minisig, then sends everything else to
             file:///etc/passwd
  elsewhere  serves MANIFEST.minisig, then sends everything else to the
             same path on another host name (localhost, the same server)
  moved      sends every request to the same path under /moved/ on the
             same host, where DIR is served
"""
import http.server
import os
import socketserver
import sys
import time

MODE, ROOT = sys.argv[1], sys.argv[2]
HUGE = 10 * 1000 ** 3
CHUNK = b"x" * 65536


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=ROOT, **k)

    def log_message(self, *a):
        pass

    def do_GET(self):
        name = self.path.lstrip("/")
        if MODE == "silent":
            time.sleep(3600)
            return
        if MODE == "huge" and name != "MANIFEST.minisig":
            self.send_response(200)
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            sent = 0
            try:
                while sent < HUGE:
                    self.wfile.write(CHUNK)
                    sent += len(CHUNK)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if MODE == "redirect" and name != "MANIFEST.minisig":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if MODE == "elsewhere" and name != "MANIFEST.minisig":
            self.send_response(301)
            self.send_header("Location", "http://localhost:%d/%s" %
                             (self.server.server_address[1], name))
            self.end_headers()
            return
        if MODE == "moved":
            if not name.startswith("moved/"):
                self.send_response(307)
                self.send_header("Location", "/moved/" + name)
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"moved on\n")
                return
            self.path = "/" + name[len("moved/"):]
        super().do_GET()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


httpd = Server(("127.0.0.1", 0), Handler)
print("http://127.0.0.1:%d/" % httpd.server_address[1], flush=True)
httpd.serve_forever()
