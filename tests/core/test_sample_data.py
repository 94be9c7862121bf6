"""`flask seed --sample`: what a newcomer sees after `make serve`."""


def test_sample_seed_is_idempotent_and_fills_the_demo_queue(runner, client):
    first = runner.invoke(args=["seed", "--sample"])
    second = runner.invoke(args=["seed", "--sample"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "sample cases: {'created': 0}" in second.output
    login = client.post("/api/v1/auth/login", json={"email": "staff.kotakinabalu@example.org",
                                                    "password": "jembatan-demo"})
    assert login.status_code == 200
    queue = client.get("/api/v1/queue", headers={"Authorization": f"Bearer {login.json['access_token']}"}).json
    assert [item["category"] for item in queue["items"]][0] == "abuse_violence"
    assert len(queue["items"]) == 3
