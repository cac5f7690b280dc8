from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.models import Role

COMPANY = credit_code("91320100MA1XYW12Q")


def test_push_and_read_back(client, db, clock):
    provider = make_caller(db, clock, role=Role.provider)
    answer = push(client, provider, [penalty("1", COMPANY)])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 1 and body["duplicates"] == 0 and body["rejected"] == []
    archive = client.get(f"/api/v1/subjects/{COMPANY}/archive")
    assert archive.status_code == 200, archive.text
    assert archive.json()["counts"]["negative"] == 1
