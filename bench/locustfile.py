"""Locust scenario replaying the seed's load test: sign up, log in, log out.

Not run by `npm run bench` (which uses autocannon); for users who prefer Locust:

    pip install locust
    locust -f bench/locustfile.py --host http://127.0.0.1:3000 \
        --users 200 --spawn-rate 20 --run-time 5m --headless

Start the api with AUTH_THROTTLE_LIMIT=0 (or a high limit): the per-IP throttle would
otherwise answer most logins from one load generator with 429. Watch the effect with
`kubectl get kiadaservicecounts -w` and `kubectl get deploy kiada -w`.

Each simulated user signs up once with a unique name, then alternates: log in, stay
active a while (GET /auth/me), log out, idle. While logged in the user counts as active,
so the number of Locust users drives the KiadaServiceCount's tier (2 pods below 1,000
active users, 3 below 10,000, then one more per 20,000).
"""

import uuid

from locust import HttpUser, between, task

PASSWORD = "correct horse battery staple"


class KiadaUser(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        self.username = f"locust-{uuid.uuid4().hex[:20]}"
        with self.client.post(
            "/auth/signup",
            json={"username": self.username, "password": PASSWORD},
            name="/auth/signup",
            catch_response=True,
        ) as response:
            # 409: the name exists already (a restarted run); logging in still works.
            if response.status_code in (201, 409):
                response.success()
            else:
                response.failure(f"signup: HTTP {response.status_code}")
        self.logged_in = False

    @task
    def session(self):
        with self.client.post(
            "/auth/login",
            json={"username": self.username, "password": PASSWORD},
            name="/auth/login",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"login: HTTP {response.status_code}")
                return
            response.success()
        self.logged_in = True  # the session cookie is kept by self.client

        for _ in range(3):
            self.client.get("/auth/me", name="/auth/me")
            self.wait()

        with self.client.post("/auth/logout", name="/auth/logout", catch_response=True) as response:
            if response.status_code == 204:
                response.success()
            else:
                response.failure(f"logout: HTTP {response.status_code}")
        self.logged_in = False

    def on_stop(self):
        if self.logged_in:
            self.client.post("/auth/logout", name="/auth/logout")
