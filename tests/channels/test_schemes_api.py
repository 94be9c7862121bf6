from app.channels.services import seed_schemes

CONTRACT_FIELDS = {"slug", "name", "kind", "countries", "sectors", "summary", "requirements", "documents",
                   "worker_costs", "employer_costs", "legal_basis", "sources", "red_flags", "updated_at"}


def slugs(response):
    assert response.status_code == 200, response.json
    return [item["slug"] for item in response.json["items"]]


def test_scheme_list_has_exactly_the_contract_fields(client, seeded):
    response = client.get("/api/v1/schemes")
    assert response.status_code == 200
    assert len(response.json["items"]) >= 12 and response.json["next_cursor"] is None
    for item in response.json["items"]:
        assert set(item) == CONTRACT_FIELDS
        assert item["legal_basis"] and item["sources"] and all({"title", "url"} == set(s) for s in item["sources"])
        assert item["updated_at"].endswith("Z")


def test_scheme_by_slug(client, seeded):
    scheme = client.get("/api/v1/schemes/eps-korea-g2g").json
    assert set(scheme) == CONTRACT_FIELDS
    assert scheme["kind"] == "g2g" and scheme["countries"] == ["KR"]
    assert isinstance(scheme["requirements"], list) and scheme["red_flags"]


def test_unknown_scheme_is_404_json(client, seeded):
    response = client.get("/api/v1/schemes/no-such-scheme")
    assert response.status_code == 404 and response.json["message"]


def test_texts_follow_the_language(client, seeded):
    id_name = client.get("/api/v1/schemes/eps-korea-g2g", headers={"Accept-Language": "id"}).json["name"]
    en_name = client.get("/api/v1/schemes/eps-korea-g2g", headers={"Accept-Language": "en"}).json["name"]
    assert id_name == "Korea Selatan: EPS (G to G)"
    assert en_name == "South Korea: EPS (government to government)"
    en_by_param = client.get("/api/v1/schemes/eps-korea-g2g?lang=en").json
    assert en_by_param["name"] == en_name and "Passing the test" in en_by_param["summary"]


def test_country_filter_includes_schemes_for_every_destination(client, seeded):
    found = slugs(client.get("/api/v1/schemes?country=jp"))
    assert {"japan-ssw-tokutei-ginou", "japan-ijepa-nurse-careworker-g2g", "japan-technical-intern-magang"} <= set(found)
    # An empty countries list means all destinations.
    assert "individual-placement-perseorangan" in found
    assert "eps-korea-g2g" not in found and "taiwan-p2p" not in found


def test_sector_and_kind_filters(client, seeded):
    found = slugs(client.get("/api/v1/schemes?country=TW&sector=caregiver"))
    assert "taiwan-p2p" in found and "hong-kong-domestic-p2p" not in found
    assert all(s in found for s in ["taiwan-sp2t-direct-hiring"])
    assert set(slugs(client.get("/api/v1/schemes?kind=one_channel"))) == {
        "malaysia-ocs-domestic", "saudi-arabia-spsk-one-channel"}
    healthcare = slugs(client.get("/api/v1/schemes?sector=healthcare"))
    assert "germany-triple-win-nurses-g2g" in healthcare and "hong-kong-domestic-p2p" not in healthcare


def test_text_search_in_both_languages_and_case_insensitive(client, seeded):
    assert "eps-korea-g2g" in slugs(client.get("/api/v1/schemes", query_string={"q": "EPS-TOPIK"}))
    assert "germany-triple-win-nurses-g2g" in slugs(client.get("/api/v1/schemes", query_string={"q": "giz"}))
    assert slugs(client.get("/api/v1/schemes", query_string={"q": "korea ujian"})) == ["eps-korea-g2g"]


def test_search_takes_like_wildcards_literally(client, seeded):
    # Unescaped, "e%s" and "e_s" would match almost every scheme.
    assert slugs(client.get("/api/v1/schemes", query_string={"q": "e%s"})) == []
    assert slugs(client.get("/api/v1/schemes", query_string={"q": "e_s"})) == []


def test_nasty_queries_never_fail(client, seeded):
    for q in ["'; DROP TABLE schemes; --", "<script>alert(1)</script>", "🙂", "العمل في السعودية", "\\"]:
        response = client.get("/api/v1/schemes", query_string={"q": q})
        assert response.status_code == 200


def test_bad_filters_are_422(client, seeded):
    for query in ["country=XX", "country=indonesia", "sector=mining", "kind=smuggling", "limit=0", "limit=101"]:
        response = client.get("/api/v1/schemes?" + query)
        assert response.status_code == 422, query
        assert response.json["errors"]


def test_schemes_paginate_without_loss_or_repeat(client, seeded):
    seen, cursor = [], None
    while True:
        response = client.get("/api/v1/schemes", query_string={"limit": 5, **({"cursor": cursor} if cursor else {})})
        seen += slugs(response)
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert seen == slugs(client.get("/api/v1/schemes")) and len(set(seen)) == len(seen)


def test_scheme_seed_is_idempotent(seeded):
    assert seed_schemes() == {"created": 0, "updated": 0, "unchanged": 16}


def test_schemes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ["/api/v1/schemes", "/api/v1/schemes/{slug}", "/api/v1/agencies", "/api/v1/agencies/{licence_number}",
                 "/api/v1/job-orders", "/api/v1/job-orders/{number}"]:
        assert path in paths, path
