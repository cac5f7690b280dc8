"""The annual assessment through the API (docs/oversight.md § the annual assessment): the
scoring model loaded by the authority as data, the year's ranking to date over the kept months,
a department's own figures and rank."""

from __future__ import annotations

from test_collection_report import june_of_the_market

from fixtures.oversight import at
from xinyong.oversight.assessment import default_model


def test_a_model_loaded_ranks_the_year_to_date(client, clock, world) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    clock.set(at("2026-07-02"))
    model = default_model().model_dump(mode="json")
    model["indicators"] = [i for i in model["indicators"] if i["report"] == "collection"][:3]
    url = "/api/v1/oversight/scoring-models"
    assert client.post(url, json=model, headers=world.market.headers).status_code == 403
    bad = {**model, "indicators": [{**model["indicators"][0], "numerator": "checks"}]}
    refused = client.post(url, json=bad, headers=world.authority.headers)
    assert refused.status_code == 422
    twice = {**model, "indicators": [model["indicators"][0]] * 2}
    assert client.post(url, json=twice, headers=world.authority.headers).status_code == 422
    loaded = client.post(url, json=model, headers=world.authority.headers)
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["version"] == 1
    assert loaded.json()["created_by"].startswith("authority:cred#t")

    body = client.get(
        "/api/v1/oversight/assessment", params={"year": 2026}, headers=world.authority.headers
    ).json()
    assert body["months"] == [f"2026-0{m}" for m in range(1, 7)] and body["final"] is False
    assert body["model_version"] == 1
    ranked = {d["department"]: d for d in body["departments"]}
    # Providers only: the user department has no collection row, so no indicator applies.
    assert ranked["finance"]["total"] is None and ranked["finance"]["rank"] is None
    amr = ranked["amr"]
    points = {i["code"]: i for i in amr["indicators"]}
    assert points["collection_timeliness"]["value"] == 0.6667
    assert points["collection_timeliness"]["score"] == round(15 * 2 / 3, 2)
    assert points["dual_publicity_timeliness"]["value"] == 0.6667
    expected = sum(i["score"] for i in amr["indicators"]) / sum(
        i["weight"] for i in amr["indicators"]
    )
    assert amr["total"] == round(expected * 100, 2)
    # tax sent nothing: no timeliness to judge, only completeness applies.
    tax = {i["code"]: i for i in ranked["tax"]["indicators"]}
    assert tax["collection_timeliness"]["score"] is None
    assert [d["rank"] for d in body["departments"] if d["rank"]] == sorted(
        d["rank"] for d in body["departments"] if d["rank"]
    )
    own = client.get(
        "/api/v1/oversight/assessment", params={"year": 2026}, headers=world.market.headers
    ).json()
    assert own["departments"] == [amr]
    csv = client.get(
        "/api/v1/oversight/assessment",
        params={"year": 2026, "format": "csv"},
        headers=world.authority.headers,
    )
    assert csv.text.lstrip("\ufeff").startswith("名次,部门名称,总分,归集完整率")
    for year in (1999, 2027):
        wrong = client.get(
            "/api/v1/oversight/assessment", params={"year": year}, headers=world.authority.headers
        )
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "invalid_year")
