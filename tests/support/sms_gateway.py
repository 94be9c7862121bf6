"""A real HTTP SMS gateway on 127.0.0.1 for tests: it records what the app POSTs to it."""
import json
import queue
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmsGateway:
    """`url` to configure as SMS_GATEWAY_URL; `next()` → the next message received; `status` to answer."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: queue.Queue = queue.Queue()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.received.put({"path": self.path, "content_type": self.headers.get("Content-Type", ""),
                                      "body": json.loads(body)})
                self.send_response(gateway.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "SmsGateway":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()

    def next(self, timeout: float = 5) -> dict:
        return self.received.get(timeout=timeout)

    def nothing_received(self, wait: float = 0.3) -> bool:
        try:
            self.received.get(timeout=wait)
        except queue.Empty:
            return True
        return False


def code_in(message: dict) -> str:
    """The six-digit code in a message the gateway received."""
    return re.search(r"\b(\d{6})\b", message["body"]["text"]).group(1)
