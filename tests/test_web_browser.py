"""The creator's web app in a real browser: Debian's headless Chromium driven by Selenium.

``dmpilot serve`` runs in a subprocess on 127.0.0.1 over a data dir where 60 fans asked
questions and a vegan was about to be offered a leather belt; the browser signs in with the
creator's key, edits the held reply next to the fan's context and sees it delivered, answers the
biggest cluster once, sends its ready drafts and sees them sent, opens a conversation, tries
the catalog search and reads the insights, then checks every page at phone width. Screenshots of each page go to ``tests/screenshots/`` (ignored by git).
``make test`` installs chromium and chromedriver (``make browser``); without them this skips.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from app.local_client import admin_client
from app.settings import Settings
from bench.fans import fan_messages, recent
from tests.test_crash import ADMIN, Server

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="chromium/chromedriver not installed (make browser)"
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, admin_key=SecretStr(ADMIN), recluster_interval_s=0)
    with admin_client(settings) as c:
        assert c.post("/v1/creators", json={"id": "k", "name": "Kay"}).status_code == 201
        key = c.post("/v1/creators/k/keys", json={"name": "browser"}).json()["key"]
        msgs = recent(fan_messages(60))
        assert c.post("/v1/creators/k/inbox", json={"messages": msgs}).status_code == 200
        for fan in sorted({m["customer_id"] for m in msgs}):
            assert c.post(f"/v1/creators/k/conversations/{fan}/end").status_code == 200
        assert c.post("/v1/creators/k/products", json={"name": "Cork Yoga Mat",
                      "base_price": 49.0}).status_code == 201  # fmt: skip
        for text in ("hi! I'm vegan", "do you have a yoga mat?"):
            r = c.post("/v1/creators/k/conversations/dm-fan/messages", json={"text": text})
            assert r.status_code == 200
        # A vegan asks for a leather belt: the reply is held for a person, with the conflict.
        assert c.post("/v1/creators/k/products", json={"name": "Leather Lifting Belt",
                      "base_price": 59.0, "description": "Genuine cowhide leather"}
                      ).status_code == 201  # fmt: skip
        for text in ("hey, vegan here", "do you have a lifting belt?"):
            r = c.post("/v1/creators/k/conversations/vee/messages", json={"text": text})
            assert r.status_code == 200
        assert r.json()["held_for_approval"], r.json()
    server = Server(data)
    server.start()
    try:
        yield server, key
    finally:
        server.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="dmpilot-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1200,900",
                 f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shot(driver: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def test_sign_in_answer_a_cluster_once_and_approve_its_drafts(served, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    server, key = served
    d = browser
    wait = WebDriverWait(d, 30)
    d.get(f"{server.url}/app")
    wait.until(ec.presence_of_element_located((By.ID, "key")))
    assert d.current_url.endswith("/app/login")
    # Keyboard first: Tab reaches the skip link, then the key field.
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert d.switch_to.active_element.text == "Skip to content"
    d.switch_to.active_element.send_keys(Keys.TAB)
    assert d.switch_to.active_element.get_attribute("id") == "key"
    _shot(d, "01-sign-in")
    d.switch_to.active_element.send_keys("dmp_not_a_key", Keys.ENTER)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    d.find_element(By.ID, "key").send_keys(key, Keys.ENTER)
    wait.until(ec.title_contains("Approvals"))
    # The held reply: the fan's words, the profile and the conflict sit next to the buttons.
    card = d.find_element(By.CSS_SELECTOR, "article.approval")
    assert "do you have a lifting belt?" in card.text and "conflict" in card.text.lower()
    assert "What dmpilot knows" in card.text and "vegan" in card.text
    _shot(d, "02-approvals-held")
    edited = "Sorry, that belt is leather, so not for you. A vegan one lands in May!"
    box = card.find_element(By.TAG_NAME, "textarea")
    box.clear()
    box.send_keys(edited)
    card.find_element(By.XPATH, ".//button[@value='edit']").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"),
                                                "Decision saved."))  # fmt: skip
    recent = d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=recent]").text
    assert "sent edited" in recent and edited in recent and "1 delivered" in recent, recent
    _shot(d, "02b-edited-and-delivered")
    # Live: a reply held while the page is open appears without a reload (the list polls).
    api = {"Authorization": f"Bearer {key}"}
    held = httpx.post(f"{server.url}/v1/creators/k/conversations/vee/messages", headers=api,
                      json={"text": "ok, and a leather belt in size M?"}, timeout=60).json()  # fmt: skip
    assert held["held_for_approval"], held
    WebDriverWait(d, 20).until(
        ec.presence_of_element_located((By.ID, f"ap-{held['approval_id']}")))  # fmt: skip
    WebDriverWait(d, 10).until(ec.text_to_be_present_in_element((By.ID, "approval-count"), "1"))

    d.find_element(By.LINK_TEXT, "Clusters").click()
    wait.until(ec.title_contains("Clusters"))
    rows = d.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 5
    _shot(d, "03-clusters")
    rows[0].find_element(By.TAG_NAME, "a").click()
    wait.until(ec.presence_of_element_located((By.ID, "answer")))
    _shot(d, "04-cluster")
    d.find_element(By.ID, "answer").send_keys("Yes! Canada in 5-7 days, $9.99 flat.")
    d.find_element(By.XPATH, "//button[normalize-space()='Answer every fan']").click()
    wait.until(ec.presence_of_element_located((By.ID, "drafts")))
    assert "Drafts ready." in d.find_element(By.CSS_SELECTOR, "[role=status]").text
    drafts = d.find_elements(By.CSS_SELECTOR, "#draft-list tbody tr")
    assert len(drafts) >= 3
    _shot(d, "05-drafts")

    # The ready drafts go out from the cluster page itself, and the table shows them sent.
    send = d.find_element(By.CSS_SELECTOR, "form.batch button[value=accept]")
    _shot(d, "06-ready-to-send")
    send.click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"),
                                                "Decision saved."))  # fmt: skip
    statuses = [
        td.text for td in d.find_elements(By.CSS_SELECTOR, "#draft-list tbody td:nth-child(3)")
    ]
    assert statuses.count("sent") >= 3, statuses
    _shot(d, "07-sent")
    sent = httpx.get(
        f"{server.url}/v1/creators/k/deliveries",
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ).json()["items"]
    assert len(sent) >= 4 and edited in [x["text"] for x in sent], sent
    # A conversation: what was said, the profile learned, each turn's steps and products.
    d.find_element(By.LINK_TEXT, "Conversations").click()
    wait.until(ec.title_contains("Conversations"))
    d.find_element(By.ID, "q").send_keys("dm-f", Keys.ENTER)
    wait.until(ec.url_contains("q=dm-f"))  # the results page, not the list it replaces
    wait.until(ec.element_to_be_clickable((By.LINK_TEXT, "dm-fan"))).click()
    wait.until(ec.presence_of_element_located((By.ID, "log")))
    page = d.find_element(By.TAG_NAME, "main").text
    assert "do you have a yoga mat?" in page and "Cork Yoga Mat" in page, page
    assert "vegan" in page.lower()  # the learned profile
    _shot(d, "08-conversation")
    # The catalog: the agent's search, tried by hand.
    d.find_element(By.LINK_TEXT, "Catalog").click()
    wait.until(ec.title_contains("Catalog"))
    d.find_element(By.ID, "q").send_keys("yoga mat", Keys.ENTER)
    found = wait.until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "section[aria-labelledby=tester] table")))  # fmt: skip
    assert "Cork Yoga Mat" in found.text, found.text
    _shot(d, "09-catalog")
    # A long import shows its progress, then its result, without a reload (htmx polls it).
    rows = "\n".join(f"Resistance Band {i},{10 + i % 40}" for i in range(3000))
    upload = Path(tempfile.mkdtemp(prefix="dmpilot-upload-")) / "bands.csv"
    upload.write_text(f"name,price\n{rows}\n", encoding="utf-8")
    d.find_element(By.ID, "file").send_keys(str(upload))
    d.find_element(By.XPATH, "//button[normalize-space()='Import']").click()
    wait.until(ec.url_contains("/app/jobs/"))
    assert d.find_element(By.TAG_NAME, "progress")
    _shot(d, "09b-import-progress")
    WebDriverWait(d, 180).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#job [role=status]"), "Done in"))  # fmt: skip
    assert "3000 created" in d.find_element(By.ID, "job").text
    _shot(d, "09c-import-done")
    shutil.rmtree(upload.parent, ignore_errors=True)
    # Insights: the biggest cluster and the answer's reach are there.
    d.find_element(By.LINK_TEXT, "Insights").click()
    wait.until(ec.title_contains("Insights"))
    d.find_element(By.LINK_TEXT, "30 days").click()
    wait.until(ec.url_contains("days=30"))
    page = d.find_element(By.TAG_NAME, "main").text
    assert "What fans ask most" in page and "fans reached per answer" in page, page
    assert d.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=top] .bar")
    _shot(d, "10-insights")
    # Readable on a phone: no page scrolls sideways at 390 px, the menu still reaches every page.
    d.set_window_size(390, 844)
    for name, path in (("approvals", "/app/approvals"), ("clusters", "/app/clusters"),
                       ("conversation", "/app/conversations/dm-fan"),
                       ("catalog", "/app/catalog?q=yoga+mat"), ("insights", "/app/insights?days=30")):  # fmt: skip
        d.get(f"{server.url}{path}")
        wait.until(ec.presence_of_element_located((By.TAG_NAME, "h1")))
        wide = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, (path, wide)
        _shot(d, f"phone-{name}")
    d.set_window_size(1200, 900)
    # Signing out ends the session: the pages send the browser back to the sign-in form.
    d.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    wait.until(ec.presence_of_element_located((By.ID, "key")))
    d.get(f"{server.url}/app/clusters")
    wait.until(ec.presence_of_element_located((By.ID, "key")))
