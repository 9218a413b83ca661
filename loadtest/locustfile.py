"""A busy morning in a large hospital's peer support program, for locust (`loadtest/run.py` runs it).

Every role at once, each through the product's real pages and forms: the sign-in page (and the
director's 6-digit code), CSRF tokens read from the forms, the htmx headers the type-ahead sends,
and the token API. The users and their mix:

- directors work the queue: the queue, a waiting case's page with its suggestions, assigning a
  suggested supporter, and the joint plan of a referral that names several clinicians;
- supporters open their own cases and record a try, the peer's answer and a conversation, and
  close the case when it is done; a supporter with no open case left signs out, and the next
  supporter at that desk signs in;
- referrers refer colleagues with the roster type-ahead, then read their receipts;
- the safety-reporting system refers through the API and reads the resource directory;
- leadership opens its reports page;
- signed-out clinicians read /support/ and ask for a personal link at /support/ask/.

`loadtest/run.py` prepares the logins and writes what the users need (the password, the
directors' authenticator keys, employee ids, names) to the JSON file named by LOAD_DATA. The
number of users of each role follows LOAD_USERS, the mix in `loadtest/mix.py`.

The load generator stands where the hospital's TLS-terminating reverse proxy would: it sends
`X-Forwarded-Proto: https` and `X-Forwarded-For` (a client address per user), and keeps the
Secure cookies the app sets in production although the hop on loopback is plain HTTP.

Nothing here imports Django: locust runs under gevent, in its own process.
"""

from __future__ import annotations

import csv
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
import uuid
from datetime import date, timedelta
from hashlib import sha1
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from loadtest.mix import ROLE_SHARES, role_counts

DATA: dict[str, Any] = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
USERS = int(os.environ.get("LOAD_USERS", "50"))

COUNTS = role_counts(USERS)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN_KEY = re.compile(r'name="key" value="([^"]*)"')
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
QUEUE_ROW_REFERRAL = re.compile(r'data-case-id="(\d+)".*?referral (\d+)', re.S)
PLAN_LINK = re.compile(r'href="/referrals/(\d+)/plan/"')
SUGGESTION_FORM = re.compile(
    r'name="supporter" value="([^"]+)">\s*<input type="hidden" name="version" value="(\d+)">'
)
LOOKUP_OPTION = re.compile(r'roster/lookup/chip/\?employee_id=([^"&]+)"')
# The close button is the page's main one once the conversations are done, or the peer declined.
CLOSE_FIRST = re.compile(r'<button type="submit" class="button" data-testid="close-case">')
MODE_VALUE = re.compile(r'name="mode" value="([^"]+)"')
TOPIC_VALUE = re.compile(r'name="topics" value="([^"]+)"')

# The answers a race between two people at work may give (two directors assigning at the same
# time): the product's own refusal, shown on the page that is reloaded. Counted, not failures.
RACE_MESSAGES = (
    "Someone else changed this case a moment ago",
    "This case already has a supporter",
    "is not among the top",
    "cannot take this case",
    "Nothing to plan",
)
RACES: dict[str, int] = {}


def totp_now(key_hex: str, *, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app with this key shows now (RFC 6238, as django-otp checks it)."""
    counter = int(time.time()) // step
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10 ** digits:0{digits}d}"


_next_index = {role: itertools.count() for role in ROLE_SHARES}
_client_numbers = itertools.count(1)


def _event_date() -> str:
    return (date.today() - timedelta(days=random.randint(1, 6))).isoformat()  # noqa: S311


class ProgramUser(HttpUser):
    """A person at a browser behind the hospital's proxy."""

    abstract = True
    role = ""
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.index = next(_next_index[self.role])
        parts = urlsplit(self.host or "")
        self.origin = f"https://{parts.netloc}"
        number = next(_client_numbers)
        self.last_location = ""
        self.client.headers.update({
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.{20 + number // 65536}.{number // 256 % 256}.{number % 256}",
            "User-Agent": f"peersupport-loadtest ({self.role})",
        })

    # --- requests -------------------------------------------------------------------------------

    def _keep_cookies(self) -> None:
        """The app marks its cookies Secure (HTTPS ends at the proxy): send them on the loopback hop."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str, *, htmx: dict[str, str] | None = None,
             expect: tuple[int, ...] = (200,), params: dict[str, Any] | None = None) -> str:
        headers = {"Referer": self.origin + "/"}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Current-URL": self.origin + htmx.pop("_url", "/"), **htmx})
        with self.client.get(path, name=name, headers=headers, params=params, allow_redirects=False,
                             catch_response=True) as response:
            self._keep_cookies()
            self.last_location = response.headers.get("Location", "")
            if response.status_code not in expect:
                response.failure(f"status {response.status_code} (expected {expect})")
                return ""
            response.success()
            return response.text

    def form(self, path: str, name: str, data: dict[str, Any] | list[tuple[str, Any]], *, page_path: str,
             race_ok: bool = False) -> tuple[int, str, str]:
        """POST a form as the browser does; a redirect (302/303) is the usual answer.

        Returns (status, Location, body). With `race_ok`, a 409 or 422 carrying one of the
        product's race messages is counted (RACES) instead of failing."""
        headers = {"Origin": self.origin, "Referer": self.origin + page_path}
        with self.client.post(path, name=name, data=data, headers=headers, allow_redirects=False,
                               catch_response=True) as response:
            self._keep_cookies()
            status, body = response.status_code, response.text
            if status in (302, 303):
                response.success()
            elif race_ok and status in (409, 422) and any(m in body for m in RACE_MESSAGES):
                race = next(m for m in RACE_MESSAGES if m in body)
                RACES[race] = RACES.get(race, 0) + 1
                response.success()
            else:
                response.failure(f"status {status} (expected a redirect)")
            return status, response.headers.get("Location", ""), body

    @staticmethod
    def csrf(body: str) -> str:
        match = CSRF_INPUT.search(body)
        return match.group(1) if match else ""

    def sign_in(self, email: str) -> None:
        """The sign-in page, the password, and for program staff the authenticator's code."""
        body = self.page("/accounts/login/", "sign-in page")
        status, location, _ = self.form("/accounts/login/", "sign in (password)", {
            "csrfmiddlewaretoken": self.csrf(body), "username": email, "password": DATA["password"], "next": "",
        }, page_path="/accounts/login/")
        if status != 302:
            raise StopUser()
        # The home page sends each role where its work is; program staff to the code page first.
        self.page("/", "home (redirect)", expect=(200, 302))
        if "two-factor" in self.last_location:
            body = self.page("/accounts/two-factor/", "two-step code page")
            code = totp_now(DATA["totp_keys"][email])
            status, location, _ = self.form("/accounts/two-factor/", "sign in (code)", {
                "csrfmiddlewaretoken": self.csrf(body), "code": code, "next": "",
            }, page_path="/accounts/two-factor/")
            if status != 302:
                raise StopUser()
            self.page("/", "home (redirect)", expect=(200, 302))
            if "two-factor" in self.last_location:
                raise StopUser()


class Director(ProgramUser):
    """The program director's morning: the queue, waiting cases and their suggestions, assigning."""

    role = "director"
    fixed_count = COUNTS["director"]
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        self.email = DATA["directors"][self.index]
        self.sign_in(self.email)
        self.waiting: list[int] = []
        self.plannable: list[int] = []

    def mine(self, referral_id: int) -> bool:
        """Each director works the referrals whose number falls to them: no two work the same case."""
        return referral_id % COUNTS["director"] == self.index

    def read_queue(self) -> None:
        body = self.page("/queue/", "/queue/ [director]")
        rows = [(int(case), int(referral)) for case, referral in QUEUE_ROW_REFERRAL.findall(body)]
        self.waiting = [case for case, referral in rows if self.mine(referral)]
        self.plannable = [r for r in map(int, dict.fromkeys(PLAN_LINK.findall(body))) if self.mine(r)]

    @task(3)
    def queue(self) -> None:
        self.read_queue()

    @task(4)
    def case_page(self) -> None:
        if not self.waiting:
            self.read_queue()
        if self.waiting:
            case_id = random.choice(self.waiting)  # noqa: S311
            self.page(f"/cases/{case_id}/", "/cases/[id]/ awaiting, with suggestions [director]")

    @task(3)
    def assign(self) -> None:
        """Open the most overdue waiting case of one's own, and assign its first suggestion."""
        self.read_queue()
        if not self.waiting:
            return
        case_id = self.waiting[0]
        path = f"/cases/{case_id}/"
        body = self.page(path, "/cases/[id]/ awaiting, with suggestions [director]")
        for _attempt in range(2):
            match = SUGGESTION_FORM.search(body)
            if not match:
                return  # assigned meanwhile by the plan, or no supporter can take it now
            supporter, version = match.groups()
            time.sleep(random.uniform(1, 3))  # noqa: S311 - reads the reasons, then clicks
            status, location, body = self.form(f"/cases/{case_id}/assign/", "assign a supporter [director]", {
                "csrfmiddlewaretoken": self.csrf(body), "supporter": supporter, "version": version,
            }, page_path=path, race_ok=True)
            if status == 302:
                self.page(urlsplit(location).path, "/cases/[id]/ just assigned [director]")
                self.waiting = [c for c in self.waiting if c != case_id]
                return

    @task(1)
    def plan(self) -> None:
        """The joint plan of a referral naming several waiting clinicians; now and then, apply it."""
        if not self.plannable:
            self.read_queue()
        if not self.plannable:
            return
        referral_id = self.plannable.pop(0)
        path = f"/referrals/{referral_id}/plan/"
        body = self.page(path, "/referrals/[id]/plan/ [director]")
        if body and random.random() < 0.5:  # noqa: S311
            time.sleep(random.uniform(1, 3))  # noqa: S311
            status, location, _ = self.form(path, "apply a joint plan [director]", {
                "csrfmiddlewaretoken": self.csrf(body),
            }, page_path=path, race_ok=True)
            if status == 302:
                self.page("/queue/", "/queue/ [director]")


class Supporter(ProgramUser):
    """Peer supporters between shifts: their own cases, a case page, recording what happened.

    Each user works through supporters' logins in turn (LOAD_DATA's `supporters`, those with the
    most open cases first): once a supporter's cases are all closed, they sign out and the next
    one signs in, so sign-ins go on all morning, as they do in a hospital."""

    role = "supporter"
    fixed_count = COUNTS["supporter"]
    wait_time = between(3, 8)

    def on_start(self) -> None:
        super().on_start()
        self.turn = 0
        self.cases: list[int] = []
        self.sign_in(DATA["supporters"][self.index % len(DATA["supporters"])])

    def my_cases(self) -> str:
        body = self.page("/my/cases/", "/my/cases/ [supporter]")
        self.cases = [int(c) for c in dict.fromkeys(CASE_LINK.findall(body))]
        if not self.cases and body:
            self.next_supporter(body)
        return body

    def next_supporter(self, body: str) -> None:
        """No open case left: sign out, and the next supporter on this desk signs in."""
        position = self.index + (self.turn + 1) * COUNTS["supporter"]
        if position >= len(DATA["supporters"]):
            return
        self.turn += 1
        status, _, _ = self.form("/accounts/logout/", "sign out", {"csrfmiddlewaretoken": self.csrf(body)},
                                 page_path="/my/cases/")
        if status == 302:
            self.sign_in(DATA["supporters"][position])

    @task(3)
    def list_cases(self) -> None:
        self.my_cases()

    @task(3)
    def case_page(self) -> None:
        if not self.cases:
            self.my_cases()
        if self.cases:
            case_id = random.choice(self.cases)  # noqa: S311
            self.page(f"/cases/{case_id}/", "/cases/[id]/ own case [supporter]")

    @task(1)
    def guide(self) -> None:
        self.page("/guide/", "/guide/ [supporter]")

    @task(4)
    def record(self) -> None:
        """The next step of one of their cases: a try, the peer's answer, a conversation, closing."""
        if not self.cases:
            self.my_cases()
        if not self.cases:
            return
        case_id = random.choice(self.cases)  # noqa: S311
        path = f"/cases/{case_id}/"
        body = self.page(path, "/cases/[id]/ own case [supporter]")
        token = self.csrf(body)
        if not token:
            return
        time.sleep(random.uniform(1, 3))  # noqa: S311
        if CLOSE_FIRST.search(body):
            # The conversations are done (or the peer declined): close the case.
            status, location, _ = self.form(f"/cases/{case_id}/close/", "close the case [supporter]", {
                "csrfmiddlewaretoken": token}, page_path=path)
            self.cases.remove(case_id)
        elif f'action="/cases/{case_id}/response/"' in body:
            answer = random.choices(("accepted", "no_response"), (4, 1))[0]  # noqa: S311
            status, location, _ = self.form(f"/cases/{case_id}/response/", "record the answer [supporter]", {
                "csrfmiddlewaretoken": token, "response": answer}, page_path=path)
        elif f'action="/cases/{case_id}/encounters/' in body:
            modes = MODE_VALUE.findall(body) or ["phone"]
            topics = TOPIC_VALUE.findall(body)
            data: list[tuple[str, Any]] = [
                ("csrfmiddlewaretoken", token), ("held_on", date.today().isoformat()),
                ("minutes", random.choice((20, 30, 45, 60))), ("mode", random.choice(modes)),  # noqa: S311
            ] + [("topics", t) for t in random.sample(topics, min(3, len(topics)))]  # noqa: S311
            status, location, _ = self.form(f"/cases/{case_id}/encounters/", "record a conversation [supporter]",
                                            data, page_path=path)
        elif f'action="/cases/{case_id}/outreach/"' in body:
            status, location, _ = self.form(f"/cases/{case_id}/outreach/", "record a try [supporter]", {
                "csrfmiddlewaretoken": token,
                "channel": random.choice(("text", "call", "page", "in_person"))}, page_path=path)  # noqa: S311
        else:
            return
        if status == 302:
            target = urlsplit(location).path
            name = "/my/cases/ [supporter]" if target == "/my/cases/" else "/cases/[id]/ own case [supporter]"
            self.page(target, name)


class Referrer(ProgramUser):
    """The patient safety office and unit leaders: referring colleagues, and their receipts."""

    role = "referrer"
    fixed_count = COUNTS["referrer"]
    wait_time = between(3, 8)

    def on_start(self) -> None:
        super().on_start()
        self.email = DATA["referrers"][self.index % len(DATA["referrers"])]
        self.sign_in(self.email)
        self.receipts: list[int] = []

    def type_ahead(self) -> str | None:
        """Type a colleague's name letter by letter (htmx), choose them: their employee id."""
        name = random.choice(DATA["names"])  # noqa: S311
        found: list[str] = []
        for length in sorted({3, 5, len(name)}):
            text = self.page("/roster/lookup/", "/roster/lookup/ type-ahead [referrer]", params={"q": name[:length]},
                             htmx={"_url": "/referrals/new/", "HX-Target": "lookup-results", "HX-Trigger": "lookup-q"})
            found = LOOKUP_OPTION.findall(text) or found
            time.sleep(random.uniform(0.3, 0.8))  # noqa: S311 - typing
        if not found:
            return None
        chosen = found[0]
        self.page("/roster/lookup/chip/", "/roster/lookup/chip/ [referrer]", params={"employee_id": chosen},
                  htmx={"_url": "/referrals/new/", "HX-Target": "chips"})
        return chosen

    @task(3)
    def refer(self) -> None:
        body = self.page("/referrals/new/", "/referrals/new/ [referrer]")
        token, key_match = self.csrf(body), HIDDEN_KEY.search(body)
        key = key_match.group(1) if key_match else ""
        chosen = [e for e in (self.type_ahead() for _ in range(1 if random.random() < 0.8 else 3)) if e]  # noqa: S311
        if not chosen:
            return
        category = random.choice(list(DATA["sentences"]))  # noqa: S311
        time.sleep(random.uniform(2, 5))  # noqa: S311 - fills in the event
        data: list[tuple[str, Any]] = [
            ("csrfmiddlewaretoken", token), ("key", key), ("category", category),
            ("occurred_on", _event_date()), ("source", "safety_report"),
            ("summary", random.choice(DATA["sentences"][category])),  # noqa: S311
        ] + [("involved", e) for e in dict.fromkeys(chosen)]
        status, location, _ = self.form("/referrals/new/", "send a referral [referrer]", data,
                                        page_path="/referrals/new/")
        if status == 302:
            path = urlsplit(location).path
            self.page(path, "/referrals/[id]/ receipt [referrer]")
            self.receipts.append(int(path.strip("/").split("/")[-1]))

    @task(1)
    def receipt(self) -> None:
        if self.receipts:
            self.page(f"/referrals/{random.choice(self.receipts)}/", "/referrals/[id]/ receipt [referrer]")  # noqa: S311


class Integration(HttpUser):
    """The safety-reporting system: referrals through the token API, the HR feed, the directory."""

    fixed_count = COUNTS["integration"]
    wait_time = between(1, 4)

    def on_start(self) -> None:
        index = next(_next_index["integration"])
        self.client.headers.update({
            "Authorization": f"Bearer {DATA['api_keys'][index % len(DATA['api_keys'])]}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "peersupport-loadtest (integration)",
        })
        self.referrals: list[int] = []

    def call(self, method: str, path: str, name: str, expect: tuple[int, ...], **kwargs: Any) -> Any:
        with self.client.request(method, path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code in expect:
                response.success()
                return response.json()
            response.failure(f"status {response.status_code} (expected {expect}): {response.text[:200]}")
            return None

    @task(4)
    def refer(self) -> None:
        category = random.choice(list(DATA["sentences"]))  # noqa: S311
        count = 1 if random.random() < 0.85 else random.randint(2, 4)  # noqa: S311
        body = {
            "event": {"category": category, "occurred_on": _event_date(),
                      "summary": random.choice(DATA["sentences"][category]),  # noqa: S311
                      "external_ref": f"SR-{random.randint(10000, 99999)}"},  # noqa: S311
            "involved": [{"employee_id": e} for e in random.sample(DATA["employee_ids"], count)],  # noqa: S311
            "source": "safety_report",
        }
        answer = self.call("POST", "/api/v1/referrals", "POST /api/v1/referrals [integration]", (201,),
                           json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        if answer:
            self.referrals.append(int(answer["referral_id"]))

    @task(1)
    def receipt(self) -> None:
        if self.referrals:
            self.call("GET", f"/api/v1/referrals/{random.choice(self.referrals)}",  # noqa: S311
                      "GET /api/v1/referrals/[id] [integration]", (200,))

    @task(2)
    def resources(self) -> None:
        self.call("GET", "/api/v1/resources", "GET /api/v1/resources [integration]", (200,))

    @task(1)
    def hr_feed(self) -> None:
        """The HR feed sends a person again (as it does every night), unchanged or with a new phone."""
        person = dict(random.choice(DATA["people"]))  # noqa: S311
        employee_id = person.pop("employee_id")
        self.call("PUT", f"/api/v1/people/{employee_id}", "PUT /api/v1/people/[id] [integration]", (200,),
                  json=person)


class Leader(ProgramUser):
    """Leadership: the reports page, now and then."""

    role = "leader"
    fixed_count = COUNTS["leader"]
    wait_time = between(5, 15)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(DATA["leaders"][self.index % len(DATA["leaders"])])

    @task
    def reports(self) -> None:
        self.page("/", "/ reports [leader]")


class Public(ProgramUser):
    """A clinician, signed out, on their phone: the program page, and asking for a link."""

    role = "public"
    fixed_count = COUNTS["public"]
    wait_time = between(3, 10)

    @task(3)
    def program_page(self) -> None:
        self.page("/support/", "/support/ [public]")

    @task(2)
    def ask_page(self) -> None:
        self.page("/support/ask/", "/support/ask/ [public]")

    @task(1)
    def ask(self) -> None:
        body = self.page("/support/ask/", "/support/ask/ [public]")
        time.sleep(random.uniform(2, 5))  # noqa: S311 - types their address
        status, location, _ = self.form("/support/ask/", "ask for a personal link [public]", {
            "csrfmiddlewaretoken": self.csrf(body), "email": random.choice(DATA["emails"]),  # noqa: S311
        }, page_path="/support/ask/")
        if status == 302:
            self.page(urlsplit(location).path, "/support/ask/sent/ [public]")


# Every request: when it started (epoch seconds), its page, milliseconds, and whether it failed.
REQUESTS: list[tuple[float, str, float, int]] = []


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any = None,
            start_time: float | None = None, **kwargs: Any) -> None:
    started = start_time if start_time is not None else time.time() - response_time / 1000
    REQUESTS.append((started, name, response_time, 0 if exception is None else 1))


@events.quitting.add_listener
def _write_results(environment: Any, **kwargs: Any) -> None:
    """The races counted (not failures) and every request, for the driver's own percentiles."""
    if target := os.environ.get("LOAD_RACES"):
        with open(target, "w", encoding="utf-8") as out:
            json.dump(RACES, out, indent=2, sort_keys=True)
    if target := os.environ.get("LOAD_REQUESTS"):
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["started", "page", "ms", "failed"])
            writer.writerows((f"{started:.3f}", name, f"{ms:.1f}", failed) for started, name, ms, failed in REQUESTS)
