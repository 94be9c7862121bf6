"""A body over 1 MiB is 413 whatever its transfer encoding (contract, "Additions of 2026-11-29": Sync).

Sent chunked it has no Content-Length; Werkzeug reads such a stream up to the limit and stops
there without a word, so the JSON parser used to see a body cut short and answer 400."""
import http.client
import io
import json
import socket
import uuid

MIB = 1024 * 1024


def sync_body(size: int) -> bytes:
    """A sync envelope of exactly `size` bytes (its device id padded out with spaces)."""
    head = json.dumps({"device_id": str(uuid.uuid4()), "cursor": None, "mutations": []}).encode()
    return head[:-1] + b" " * (size - len(head)) + b"}"


def chunked_post(client, path, body: bytes, headers: dict):
    """POST `body` as a chunked request: no Content-Length, the stream ended by the server (as gunicorn does)."""
    return client.post(path, input_stream=io.BytesIO(body), environ_overrides={"wsgi.input_terminated": True},
                       headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"})


def test_a_chunked_sync_body_over_1_mib_is_413_through_the_test_client(client, create_user, auth):
    headers = auth(create_user())
    response = chunked_post(client, "/api/v1/sync?lang=en", sync_body(MIB + 1), headers)
    assert response.status_code == 413 and response.json["message"] == "The request is too large.", response.json
    assert chunked_post(client, "/api/v1/sync", sync_body(MIB), headers).status_code == 200  # the limit itself is fine
    assert chunked_post(client, "/api/v1/sync", sync_body(4 * MIB), headers).status_code == 413


def chunked_over_http(port: int, path: str, body: bytes, token: str) -> tuple[int, dict]:
    """POST `body` chunked over a plain socket; (status, JSON answer). The server may answer 413
    and close before the whole body is sent: a failed send is not an error, the answer is read."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(head)
            for i in range(0, len(body), 64 * 1024):
                chunk = body[i:i + 64 * 1024]
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, json.loads(response.read())


def test_a_chunked_sync_body_over_1_mib_is_413_from_a_real_server(live_server):
    """Through gunicorn, which dechunks the body and marks the stream terminated."""
    token = live_server.create_worker()["access_token"]
    for size, status in ((MIB + 1, 413), (3 * MIB, 413), (MIB, 200), (1000, 200)):
        answer_status, answer = chunked_over_http(live_server.port, "/api/v1/sync", sync_body(size), token)
        assert answer_status == status, (size, answer)
        assert status == 200 or answer["code"] == 413
