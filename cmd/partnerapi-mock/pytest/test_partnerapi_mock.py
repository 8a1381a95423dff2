"""partnerapi-mock driven over HTTP, as a test suite in Python would."""
import json
import os
import stat
import subprocess
from datetime import datetime, timedelta

import requests

ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


def test_seed_prints_the_same_lines(start):
    flags = ("-seed", "42", "-partner", "acme", "-partner", "beta:anonymous")
    first = start(*flags)
    first.stop()
    second = start(*flags)
    assert second.lines == first.lines
    assert start("-seed", "43", "-partner", "acme").lines[0] != first.lines[0]  # another seed, another acme


def test_create_users_and_read_what_was_sent(mock):
    acme = mock.partners["acme"]
    r = mock.api("POST", "/api/users/ada", acme["key"], ADA)
    assert r.status_code == 201
    assert r.json()["user"]["partner_id"] == "ada"
    assert mock.api("POST", "/api/users/ada", acme["key"], {}).status_code == 200  # a refresh

    user = mock.control("GET", f"/partners/{acme['id']}/users/ada", expect=200).json()
    assert {k: user[k] for k in ADA} == ADA
    assert user["anonymous"] is False
    users = mock.control("GET", f"/partners/{acme['id']}/users", expect=200).json()
    assert [u["partner_id"] for u in users] == ["ada"]


def test_inject_a_503_and_see_it(mock):
    acme = mock.partners["acme"]
    mock.api("POST", "/api/users/ada", acme["key"], ADA)
    fault = mock.control("POST", "/faults", {"path": "/api/", "status": 503, "retry_after": "2s", "times": 1},
                         expect=201).json()
    assert fault["remaining"] == 1

    r = mock.api("GET", "/api/users/ada/tracks", acme["key"])
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "2"
    assert r.json()["error"]["type"] == "server_error"
    assert mock.api("GET", "/api/users/ada/tracks", acme["key"]).status_code == 200  # the fault is spent
    assert mock.control("GET", "/faults", expect=200).json() == []


def test_advance_the_clock_past_a_token(mock):
    acme = mock.partners["acme"]
    token = mock.api("POST", "/api/users/ada", acme["key"], ADA).json()["user"]["token"]["token"]
    login = mock.url + "/sso/login?token=" + token
    assert requests.get(login, allow_redirects=False, timeout=30).status_code == 302

    before = parse_time(mock.control("GET", "/clock", expect=200).json()["now"])
    after = parse_time(mock.control("POST", "/clock/advance", {"by": "49h"}, expect=200).json()["now"])
    assert after - before >= timedelta(hours=49)
    assert requests.get(login, allow_redirects=False, timeout=30).status_code == 401


def parse_time(s):
    """An RFC 3339 time as the fake writes it, to the microsecond."""
    head, _, frac = s.rstrip("Z").partition(".")
    return datetime.fromisoformat(head + "." + (frac + "000000")[:6])


def test_seed_progress_and_read_it_back(mock):
    acme = mock.partners["acme"]
    mock.api("POST", "/api/users/ada", acme["key"], ADA)
    track = mock.control("PUT", f"/partners/{acme['id']}/users/ada/progress",
                         {"track": "Fast Track", "completed": [1, 2]}, expect=200).json()
    assert track["title"] == "Fast Track"
    tracks = mock.api("GET", "/api/users/ada/tracks", acme["key"]).json()["tracks"]
    assert tracks[0] == track
    assert tracks[0]["progress"] == 0.4
    assert [s["completed"] for s in tracks[0]["tracks"]] == [True, True, False, False, False]


def test_webhook_deliveries_and_the_retry_after_advance(mock, receiver):
    acme = mock.partners["acme"]
    rc = receiver(500, 200)  # the first delivery fails
    mock.api("POST", "/api/users/ada", acme["key"], ADA)
    key = mock.control("POST", f"/partners/{acme['id']}/webhooks", {"url": rc.url, "key": "my-key"},
                       expect=201).json()["key"]
    assert key == "my-key"
    iv = mock.control("POST", f"/partners/{acme['id']}/users/ada/interviews", {"title": "Top 10"},
                      expect=201).json()

    mock.control("POST", "/clock/advance", {"by": "0s"}, expect=200)  # waits for the first attempt
    deliveries = mock.control("GET", "/deliveries", expect=200).json()
    assert [(d["attempt"], d["status"]) for d in deliveries] == [(1, 500)]

    mock.control("POST", "/clock/advance", {"by": "10m"}, expect=200)  # the retry falls due
    deliveries = mock.control("GET", "/deliveries", expect=200).json()
    assert [(d["attempt"], d["status"]) for d in deliveries] == [(1, 500), (2, 200)]
    assert deliveries[0]["event_id"] == deliveries[1]["event_id"]

    assert len(rc.received) == 2
    delivery = rc.received[-1]
    assert delivery["headers"]["Authorization"] == "my-key"
    assert delivery["headers"]["User-Agent"] == "BigInterview/1.0"
    body = json.loads(delivery["body"])["webhook"]
    assert (body["event_name"], body["partner_id"], body["api_id"]) == ("interview.created", "ada", str(iv["id"]))


def test_read_and_clear_the_journal(mock):
    acme = mock.partners["acme"]
    mock.api("POST", "/api/users/ada", acme["key"], ADA)
    mock.api("GET", "/api/users/nobody/tracks", acme["key"])
    journal = mock.control("GET", "/requests", expect=200).json()
    assert [(r["method"], r["path"], r["status"]) for r in journal] == [
        ("POST", "/api/users/ada", 201), ("GET", "/api/users/nobody/tracks", 404)]
    assert json.loads(journal[0]["body"]) == ADA
    assert len(mock.control("GET", "/requests", params={"status": 404}, expect=200).json()) == 1
    mock.control("DELETE", "/requests", expect=204)
    assert mock.control("GET", "/requests", expect=200).json() == []


def test_restart_with_state_finds_everything(start, state_path, receiver):
    rc = receiver()
    flags = ("-seed", "3", "-partner", "acme", "-webhook", "acme=" + rc.url, "-state", state_path)
    first = start(*flags)
    acme = first.partners["acme"]
    token = first.api("POST", "/api/users/ada", acme["key"], ADA).json()["user"]["token"]["token"]
    first.control("PUT", f"/partners/{acme['id']}/users/ada/progress", {"track": "Mastery Track", "completed": [1]},
                  expect=200)
    extra = first.control("POST", f"/partners/{acme['id']}/api_keys", expect=201).json()["key"]
    first.control("POST", "/faults", {"path": "/v1/", "status": 429, "times": 5}, expect=201)
    first.stop()
    assert stat.S_IMODE(os.stat(state_path).st_mode) == 0o600

    second = start(*flags)
    assert second.lines == first.lines  # the file's partner and webhook, with their keys
    assert second.api("GET", "/api/users/ada/tracks", extra).json()["tracks"][1]["progress"] == 0.13
    user = second.control("GET", f"/partners/{acme['id']}/users/ada", expect=200).json()
    assert user["email"] == ADA["email"]
    assert second.control("GET", "/faults", expect=200).json()[0]["remaining"] == 5
    assert requests.get(second.url + "/sso/login?token=" + token, allow_redirects=False, timeout=30).status_code == 302


def test_a_corrupt_state_file_is_refused_and_kept(binary, state_path):
    with open(state_path, "w") as f:
        f.write('{"version": 1, "partners": [')
    done = subprocess.run([binary, "-addr", "127.0.0.1:0", "-state", state_path], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert state_path in done.stderr and "ends early" in done.stderr
    with open(state_path) as f:
        assert f.read() == '{"version": 1, "partners": ['


def test_reset(mock):
    acme = mock.partners["acme"]
    mock.api("POST", "/api/users/ada", acme["key"], ADA)
    mock.control("POST", "/faults", {"status": 500, "times": -1}, expect=201)
    mock.control("POST", "/reset", expect=204)
    assert mock.control("GET", f"/partners/{acme['id']}/users", expect=200).json() == []
    assert mock.control("GET", "/faults", expect=200).json() == []
    assert mock.control("GET", "/requests", expect=200).json() == []
    # The partner and its first keys stay.
    assert mock.api("POST", "/api/users/ada", acme["key"], ADA).status_code == 201


def test_bad_input_is_a_4xx_that_names_the_problem(mock):
    acme = mock.partners["acme"]
    mock.api("POST", "/api/users/ada", acme["key"], ADA)
    cases = [
        ("PUT", f"/partners/{acme['id']}/users/ada/progress", {"track": "Slow Track"}, 400, "Slow Track"),
        ("PUT", f"/partners/{acme['id']}/users/ada/progress", {"track": "Fast Track", "completed": [9]}, 400, "steps 1 to 5"),
        ("POST", "/clock/advance", {"by": "two days"}, 400, "by"),
        ("POST", "/faults", {"status": 503, "latency": "soon"}, 400, "latency"),
        ("GET", "/partners/000000000000000000000000/users", None, 404, "no partner"),
        ("GET", f"/partners/{acme['id']}/users/ghost", None, 404, "ghost"),
        ("POST", "/partners", {"org": "acme"}, 409, "already added"),
    ]
    for method, path, body, status, says in cases:
        r = mock.control(method, path, body)
        assert r.status_code == status, (path, r.text)
        assert says in r.json()["error"], (path, r.text)


def test_admin_token(start):
    m = start("-admin-token", "s3cret", "-partner", "acme")
    assert m.control("GET", "/health").status_code == 401
    assert m.control("GET", "/health", headers={"Authorization": "Bearer s3cret"}).json() == {"status": "ok"}
    assert m.api("GET", "/api/users/x/tracks", "s3cret").status_code == 401


def test_the_openapi_document(mock):
    doc = mock.control("GET", "/openapi.json", expect=200).json()
    assert doc["openapi"] == "3.1.0"
    assert "/_mock/clock/advance" in doc["paths"] and "/api/users/{partner_id}" in doc["paths"]
