"""The cluster's day: sign-ons through the proxy with one app server, then two; addresses
past the rate limit; then, under load, renders, invitations and coordinator pages while an
app server, a worker (mid-render) and the SMTP server are taken down; then every
confirmation link is followed, and the database and the SMTP log are read back.
"""

from __future__ import annotations

import itertools
import re
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa

from tests.cluster.harness import Cluster, address, client_for
from tests.cluster.report import CONFIRM, Plan, Report, read_back
from tests.cluster.seed import COORDINATOR, PASSWORD, STATES, Seeded, seed

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version_id" type="hidden" value="(\d+)"')
INVITE_CONFIRM = re.compile(r'name="confirm" value="(\d+)"')
RETRIED = {502, 503, 504}


class Submissions:
    """Organizations to sign with: mostly new, ``repeat_share`` of them already signed."""

    def __init__(self, repeat_share: float) -> None:
        self.share = repeat_share
        self.seen: list[dict] = []
        self.n = itertools.count()
        self.lock = threading.Lock()

    def batch(self, count: int) -> list[dict]:
        out = []
        for _ in range(count):
            i = next(self.n)
            if self.seen and i % round(1 / self.share) == 0:
                first = self.seen[(i * 7919) % len(self.seen)]
                variant = ("The {} Inc.", "{}", "{}, Inc")[i % 3]
                name = variant.format(first["org_name"])
                name = name.upper() if variant == "{}" else name
                email = first["signer_email"] if i % 2 else f"colleague{i}@example.org"
                out.append({**first, "org_name": name, "signer_email": email})
            else:
                sub = {
                    "org_name": f"Launch Day Organization {i}",
                    "state": STATES[i % len(STATES)],
                    "signer_email": f"signer{i}@example.org",
                    "signer_name": f"Signer {i}",
                }
                self.seen.append(sub)
                out.append(sub)
        return out


class Day:
    """Runs a :class:`Plan` against a started :class:`Cluster`."""

    def __init__(self, cluster: Cluster, plan: Plan, say=print) -> None:
        self.c, self.plan, self.say = cluster, plan, say
        self.report = Report()
        self.subs = Submissions(plan.repeat_share)
        self.addresses = (address(1, i) for i in itertools.count())
        self.progress = 0
        self.seeded: Seeded | None = None
        self.errors: list[BaseException] = []  # from the chaos phase's threads

    # --- the whole day ---

    def run(self) -> Report:
        plan, c = self.plan, self.c
        self.say("seeding")
        self.seeded = seed(
            c, render_letters=plan.render_letters, render_names=plan.render_names,
            invitees=plan.invitations,
        )  # fmt: skip
        for servers in (1, 2):
            c.reload_nginx(servers)
            self.signons(self.subs.batch(plan.measure), measure=servers)
            self.say(f"{servers} app server(s): {self.report.rates[servers]:.1f} sign-ons/s")
        self.past_the_limit()
        self.chaos()
        self.settle()
        self.confirm_all()
        self.settle()
        self.check()
        return self.report

    # --- sign-ons ---

    def _post(self, http: httpx.Client, path: str, data: dict, what: str) -> int:
        """POST as a person would: a 502-504 (a server went down) is sent again."""
        return self._post_page(http, path, data, what).status_code

    def _post_page(self, http: httpx.Client, path: str, data: dict, what: str) -> httpx.Response:
        """``_post``, returning the response itself."""
        for attempt in range(10):
            response = http.post(path, data=data)
            self.report.record(response.status_code, what)
            if response.status_code not in RETRIED:
                return response
            time.sleep(0.5 * (attempt + 1))
        return response

    def _get(self, http: httpx.Client, path: str, what: str) -> httpx.Response:
        response = http.get(path)
        self.report.record(response.status_code, what)
        for attempt in range(10):
            if response.status_code not in RETRIED:
                break
            time.sleep(0.5 * (attempt + 1))
            response = http.get(path)
            self.report.record(response.status_code, what)
        return response

    def _form(self, http: httpx.Client) -> tuple[str, str]:
        page = self._get(http, f"/sign/{self.seeded.launch_slug}", "sign form").text
        return CSRF.search(page).group(1), VERSION.search(page).group(1)

    def _sign_from(self, addr: str, subs: list[dict], latencies: list[float] | None) -> None:
        path = f"/sign/{self.seeded.launch_slug}"
        from campaign.core.names import org_key

        with client_for(self.c, addr) as http:
            token, version = self._form(http)
            for sub in subs:
                data = {
                    "csrf_token": token, "version_id": version, "org_name": sub["org_name"],
                    "level": "state", "state": sub["state"], "city": "Springfield",
                    "signer_name": sub["signer_name"], "signer_title": "Director",
                    "signer_email": sub["signer_email"], "authorized": "y",
                    "authority": "executive", "listing": "list",
                }  # fmt: skip
                t0 = time.perf_counter()
                status = self._post(http, path, data, "sign-on")
                elapsed = (time.perf_counter() - t0) * 1000
                with self.report.lock:
                    self.progress += 1
                    if status == 302:
                        self.report.accepted.add((org_key(sub["org_name"]), sub["state"]))
                        if latencies is not None:
                            latencies.append(elapsed)
                    else:
                        self.report.problems.append(f"sign-on from {addr} answered {status}")

    def signons(self, subs: list[dict], *, measure: int | None = None) -> None:
        """``subs`` from fresh addresses, ``per_address`` each, ``threads`` at a time."""
        per = self.plan.per_address
        chunks = [(next(self.addresses), subs[i : i + per]) for i in range(0, len(subs), per)]
        latencies: list[float] | None = [] if measure else None
        start = time.perf_counter()
        with ThreadPoolExecutor(self.plan.threads) as pool:
            for future in [pool.submit(self._sign_from, a, s, latencies) for a, s in chunks]:
                future.result()
        elapsed = time.perf_counter() - start
        if measure:
            self.report.rates[measure] = len(latencies) / elapsed
            if measure == 2 and latencies:
                self.report.p99_ms = statistics.quantiles(latencies, n=100)[98]

    def past_the_limit(self) -> None:
        """Addresses that send ``over`` more sign-ons than the limit allows, their requests
        spread over both app servers by the proxy."""
        from campaign.core.names import org_key

        path = f"/sign/{self.seeded.launch_slug}"

        def heavy(addr: str) -> None:
            statuses: Counter = Counter()
            with client_for(self.c, addr) as http:
                token, version = self._form(http)
                for sub in self.subs.batch(self.plan.limit + self.plan.over):
                    data = {
                        "csrf_token": token, "version_id": version, "org_name": sub["org_name"],
                        "level": "state", "state": sub["state"], "signer_name": "Signer",
                        "signer_title": "Director", "signer_email": sub["signer_email"],
                        "authorized": "y",
                        "authority": "executive", "listing": "list",
                    }  # fmt: skip
                    status = self._post(http, path, data, "sign-on past the limit")
                    statuses[status] += 1
                    if status == 302:
                        with self.report.lock:
                            self.report.accepted.add((org_key(sub["org_name"]), sub["state"]))
            self.report.heavy[addr] = statuses

        addrs = [next(self.addresses) for _ in range(self.plan.heavy)]
        with ThreadPoolExecutor(self.plan.threads) as pool:
            list(pool.map(heavy, addrs))
        for line in self.c.access_log():
            who, _, rest = line.partition(" ")
            if who in self.report.heavy and '"POST /sign/' in rest:
                upstream = rest.split('" ', 1)[1].split()[3]
                self.report.heavy_upstreams.setdefault(who, set()).add(upstream)

    # --- the chaos phase ---

    def chaos(self) -> None:
        """Sign-ons, renders, invitations and coordinator pages while things are killed."""
        c, plan = self.c, self.plan
        c.start_worker(0)  # the second worker starts once the first is rendering
        subs = self.subs.batch(plan.chaos_signons)
        self.progress = 0
        errors = self.errors

        def guarded(fn):
            def run():
                try:
                    fn()
                except BaseException as exc:  # reported after the phase
                    errors.append(exc)

            return run

        signing = threading.Thread(target=guarded(lambda: self.signons(subs)))
        coordinator = threading.Thread(target=guarded(self.coordinator))
        signing.start()
        coordinator.start()
        try:
            self.kill_a_worker_mid_render()
            self._wait(lambda: self.progress >= plan.chaos_signons * 0.3, 600, "30% of sign-ons")
            self.say("killing app server 2")
            c.kill_web(1)
            time.sleep(2)
            c.start_web(1)
            self.say("app server 2 back; stopping SMTP")
            c.events.append((time.monotonic(), "smtp stopped"))
            c.smtp.stop()
            # On a fast machine every mail may already be out by now: sign a few more so
            # the outage always meets a delivery, and hold it until a worker has failed one.
            self.signons(self.subs.batch(plan.per_address))
            time.sleep(plan.smtp_outage)
            self._wait(self._a_delivery_failed, 300, "a delivery to fail while SMTP is down")
            c.smtp.resume()
            c.events.append((time.monotonic(), "smtp resumed"))
            self.say("SMTP back")
        finally:
            signing.join()
            coordinator.join()
        if errors:
            raise errors[0]

    def _a_delivery_failed(self) -> bool:
        return any(
            "failed (attempt 1)" in log.read_text(errors="replace")
            for log in self.c.dir.glob("worker*.log")
        )

    def kill_a_worker_mid_render(self) -> None:
        """Wait for worker 1 (alone so far) to take a render, start worker 2, kill worker 1."""
        from campaign.delivery.models import RenderJob, RenderStatus

        engine = self.c.engine()
        running = sa.select(RenderJob.id, RenderJob.attempts).where(
            RenderJob.status == RenderStatus.RUNNING
        )
        try:
            deadline = time.monotonic() + 600
            with engine.connect() as conn:
                while not (found := conn.execute(running).first()):
                    if self.errors:
                        raise RuntimeError("a thread of the chaos phase failed") from self.errors[0]
                    if time.monotonic() > deadline:
                        raise TimeoutError("no render started")
                    conn.rollback()
                    time.sleep(0.05)
                self.c.start_worker(1)
                time.sleep(0.1)
                conn.rollback()
                still = conn.execute(running.where(RenderJob.id == found.id)).first()
            if still is None or still.attempts != 1:
                self.report.problems.append("the render finished before its worker was killed")
            self.c.kill_worker(0)
            self.report.killed_render = found.id
            self.say(f"worker 1 killed while rendering job {found.id}")
            time.sleep(1)
            self.c.start_worker(0)
        finally:
            engine.dispose()

    def coordinator(self) -> None:
        """Log in, ask for the renders and the invitations, then look at pages."""
        s = self.seeded
        base = f"/campaigns/{s.campaign_slug}/letters"
        with client_for(self.c, address(3, 0)) as http:
            page = self._get(http, "/login", "login page").text
            token = CSRF.search(page).group(1)
            login = {"csrf_token": token, "email": COORDINATOR, "password": PASSWORD}
            if self._post(http, "/login", login, "login") != 302:
                raise RuntimeError("the coordinator could not log in")
            page = self._get(http, f"{base}/{s.render_ids[0]}/delivery", "delivery page").text
            token = CSRF.search(page).group(1)
            for letter_id in s.render_ids:
                path = f"{base}/{letter_id}/delivery/render/pdf"
                self._post(http, path, {"csrf_token": token}, "render")
            invite = {
                "csrf_token": token, "letter_id": str(s.launch_id), "scope": "signed",
                "signed_letter_id": str(s.earlier_id),
            }  # fmt: skip
            # the page first says how many invitations will go out; sending confirms that number
            plan = self._post_page(http, "/directory/invite", invite, "invite")
            confirm = INVITE_CONFIRM.search(plan.text) if plan.status_code == 200 else None
            if confirm is None or (
                self._post(http, "/directory/invite", {**invite, "confirm": confirm.group(1)},
                           "invite") != 302
            ):  # fmt: skip
                self.report.problems.append("the invitations were refused")
            pages = [
                f"{base}/{s.launch_id}", f"{base}/{s.launch_id}/signons",
                f"{base}/{s.render_ids[0]}/delivery", f"/campaigns/{s.campaign_slug}/dashboard",
                "/directory", "/directory/invite", f"/campaigns/{s.campaign_slug}",
            ]  # fmt: skip
            for i in range(self.plan.page_views):
                response = self._get(http, pages[i % len(pages)], "coordinator page")
                if response.status_code != 200:
                    self.report.problems.append(f"{pages[i % len(pages)]}: {response.status_code}")
                time.sleep(0.02)

    # --- afterwards ---

    def _wait(self, done, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if self.errors:
                raise RuntimeError("a thread of the chaos phase failed") from self.errors[0]
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f} s for {what}")
            time.sleep(0.5)

    def _pending_work(self) -> tuple[int, int]:
        from campaign.delivery.models import RenderJob, RenderStatus
        from campaign.mail.models import OutboxMessage

        engine = self.c.engine()
        with engine.connect() as conn:
            mail = conn.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None)))
            renders = conn.scalar(
                sa.select(sa.func.count()).where(
                    RenderJob.status.in_((RenderStatus.QUEUED, RenderStatus.RUNNING))
                )
            )
        engine.dispose()
        return mail, renders

    def settle(self) -> None:
        """Wait until the workers have delivered every message and finished every render."""
        self._wait(lambda: self._pending_work() == (0, 0), self.plan.settle_timeout, "the workers")

    def confirm_all(self) -> None:
        """Follow every confirmation link in the mail the SMTP server received."""
        links = []
        for message in self.c.smtp.messages:
            found = CONFIRM.search(message["body"])
            if found and found.group(1) not in links:
                links.append(found.group(1))

        def follow(item: tuple[int, str]) -> None:
            i, link = item
            with client_for(self.c, address(2, i // 5)) as http:
                page = self._get(http, link, "confirm page")
                if page.status_code == 404:  # a newer link was sent for the same sign-on
                    with self.report.lock:
                        self.report.links_superseded += 1
                    return
                token, version = CSRF.search(page.text), VERSION.search(page.text)
                # already confirmed: the page has no Confirm form (its only form, if
                # any, is "Manage your sign-on", without a version)
                if token is None or version is None:
                    return
                data = {"csrf_token": token.group(1), "version_id": version.group(1)}
                status = self._post(http, link, data, "confirm")
                with self.report.lock:
                    self.report.links_followed += 1
                    if status != 302:
                        self.report.problems.append(f"confirm answered {status}")

        with ThreadPoolExecutor(self.plan.threads) as pool:
            list(pool.map(follow, enumerate(links)))
        self.say(f"{len(links)} confirmation links followed")

    def check(self) -> None:
        """Read the database and the SMTP log back into the report's counts."""
        read_back(self.c, self.seeded, self.report)
