"""Security headers, compression and cache rules on every response."""


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_api_answers_carry_security_headers_too(client):
    response = client.get("/api/v1/missions")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_text_is_compressed_when_the_client_accepts_it(client):
    response = client.get("/api/v1/missions", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


def test_versioned_static_files_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/css/app.css?v=" in page
    href = page.split('href="/static/css/app.css?v=')[1].split('"')[0]
    versioned = client.get(f"/static/css/app.css?v={href}")
    plain = client.get("/static/css/app.css")
    versioned.close()
    plain.close()
    assert versioned.status_code == 200
    assert "immutable" in versioned.headers["Cache-Control"]
    assert "max-age=0" in plain.headers["Cache-Control"]


def test_static_files_are_compressed_whole(client):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    response.close()
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    import gzip

    assert b"--red" in gzip.decompress(response.data)
