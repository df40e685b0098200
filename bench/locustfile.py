"""The mixed load of bench/load.py: ingestion, redirects, list and detail reads and writes,
spread over the tenants of the plan (`LOAD_PLAN`, written by bench/load.py)."""

import json
import os
import random
import uuid

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
SENT = {"attempted": 0, "events": 0, "stored": 0}
ACKNOWLEDGED: list[str] = []  # sender ids of events the API answered 2xx for
BATCH = 100


def _event(customer: int) -> dict:
    """A login, a feature used or an NPS answer, with a new sender id."""
    event = {"id": uuid.uuid4().hex, "customer": customer}
    kind = random.choice(["login", "login", "feature_used", "nps"])
    if kind == "nps":
        event["value"] = random.randint(0, 10)
    elif kind == "feature_used":
        event["properties"] = {"feature": random.choice(["reports", "export", "api"])}
    return {**event, "kind": kind}


class TenantClient(HttpUser):
    wait_time = between(0.05, 0.25)

    def on_start(self):
        self.tenant = random.choice(PLAN["tenants"])
        self.base = f"/api/v1/tenants/{self.tenant['slug']}"
        self.headers = {"Authorization": f"Bearer {self.tenant['key']}"}

    @task(2)
    def ingest(self):
        customer_ids = self.tenant["customers"]
        batch = [_event(random.choice(customer_ids)) for _ in range(BATCH)]
        SENT["attempted"] += len(batch)
        with self.client.post(
            f"{self.base}/events/bulk/",
            json={"events": batch},
            headers=self.headers,
            name="POST events/bulk (100)",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201, 207):
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            body = response.json()
            SENT["events"] += len(batch)
            SENT["stored"] += body["created"]
            ACKNOWLEDGED.extend(event["id"] for event in batch)
            if body["created"] != len(batch):
                response.failure(f"stored {body['created']} of {len(batch)}")

    @task(4)
    def redirect(self):
        code = random.choice(self.tenant["codes"])
        with self.client.get(
            f"/r/{code}", allow_redirects=False, name="GET /r/[code]", catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(str(response.status_code))

    @task(4)
    def list_customers(self):
        self.client.get(
            f"{self.base}/customers/?limit=50", headers=self.headers, name="GET customers/"
        )

    @task(3)
    def customer_detail(self):
        pk = random.choice(self.tenant["customers"])
        self.client.get(
            f"{self.base}/customers/{pk}/", headers=self.headers, name="GET customers/[id]/"
        )

    @task(1)
    def update_customer(self):
        pk = random.choice(self.tenant["customers"])
        self.client.patch(
            f"{self.base}/customers/{pk}/",
            json={"tags": [random.choice(["vip", "trial", "eu", "us"])]},
            headers=self.headers,
            name="PATCH customers/[id]/",
        )

    @task(1)
    def create_customer(self):
        external = uuid.uuid4().hex[:16]
        self.client.post(
            f"{self.base}/customers/",
            json={"external_id": external, "email": f"{external}@load.test"},
            headers=self.headers,
            name="POST customers/",
        )


@events.test_stop.add_listener
def _write_counts(**kwargs):
    with open(os.environ["LOAD_SENT"], "w") as handle:
        json.dump({**SENT, "acknowledged_ids": ACKNOWLEDGED}, handle)
