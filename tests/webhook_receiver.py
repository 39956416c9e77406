"""A webhook receiver for tests, run as its own process (``tests.servers.webhook_receiver``).

Usage: python -m tests.webhook_receiver PORT LOG STATUSES

Appends one JSON line per request to LOG (headers, body, when) and answers with the next
of STATUSES (comma-separated, the last one repeated: "500,200" fails once, then accepts).
A status of 302 answers with a redirect to /elsewhere (which must never be followed).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    port, log_path, statuses = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
    lock = threading.Lock()
    seen = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                n = seen[0]
                seen[0] += 1
                status = int(statuses[min(n, len(statuses) - 1)])
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(
                        json.dumps(
                            {
                                "path": self.path,
                                "headers": dict(self.headers),
                                "body": body.decode("utf-8"),
                                "at": time.time(),
                                "answered": status,
                            }
                        )
                        + "\n"
                    )
            self.send_response(status)
            if status in (301, 302, 307, 308):
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
