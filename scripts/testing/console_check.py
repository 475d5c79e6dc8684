#!/usr/bin/env python3
"""Drives headless Chromium through the DistillGuard console over the DevTools protocol.

Usage: console_check.py BASE_URL ADMIN_TOKEN SCREENSHOT_DIR

Signs in through the form, opens the overview, a cluster, an account and a template page,
checks on each the elements an analyst relies on, confirms the cluster through its decision form
(accepting the confirmation dialog), and fails on any script error, console error or failed
resource load. Prints one JSON report; exits 0 only when every check passed.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

# Waits are on conditions (a file, an event, the page's state); this only ends a hang, far beyond
# anything a slow machine needs.
HANG_GUARD = 600


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="dg-chromium-")
        # Chromium's own temporary files (its shared memory, with --disable-dev-shm-usage) go into
        # the profile, and it runs in a process group of its own: close() ends the browser and all
        # its helpers and removes the profile, so a test run leaves nothing in the temporary folder.
        scratch = os.path.join(self.profile, "tmp")
        os.mkdir(scratch)
        self.process = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0",
             "--user-data-dir=" + self.profile, "--window-size=1280,1600", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": scratch},
            start_new_session=True)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + HANG_GUARD
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("Chromium did not start (no DevToolsActivePort)")
            time.sleep(0.05)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=HANG_GUARD)
        self.next_id = 0
        self.events = []
        self.seen = 0
        self.problems = []
        for domain in ["Page", "Runtime", "Log", "Network"]:
            self.call(domain + ".enable")

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.handle(message)

    def handle(self, message):
        method = message.get("method")
        params = message.get("params", {})
        self.events.append(method)
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.problems.append("script exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.problems.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.problems.append("browser error: " + params["entry"].get("text", "") + " " + params["entry"].get("url", ""))
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            self.problems.append("failed load: " + params.get("errorText", ""))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params.get("message", ""))
            self.socket.send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}))

    def wait_for(self, method):
        # The event may already have come while a command was answered (call() handles it then).
        if method in self.events[self.seen:]:
            self.seen = len(self.events)
            return True
        deadline = time.time() + HANG_GUARD
        self.socket.settimeout(1)
        try:
            while time.time() < deadline:
                try:
                    message = json.loads(self.socket.recv())
                except websocket.WebSocketTimeoutException:
                    continue
                self.handle(message)
                if message.get("method") == method:
                    self.seen = len(self.events)
                    return True
            raise RuntimeError(f"no {method} within {HANG_GUARD} s: the browser hangs")
        finally:
            self.socket.settimeout(HANG_GUARD)

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.settle()

    def settle(self):
        # The page has loaded and its DOMContentLoaded handlers (the console's script) have run;
        # then two turns of the task queue let anything they scheduled run and report.
        deadline = time.time() + HANG_GUARD
        while not self.evaluate("document.readyState === 'complete'"):
            if time.time() > deadline:
                raise RuntimeError(f"the page did not finish loading within {HANG_GUARD} s")
            time.sleep(0.02)
        self.evaluate("new Promise(r => setTimeout(() => setTimeout(r, 0), 0))")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluating {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        import base64
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.socket.close()
        finally:
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
            # Helpers still writing into the profile would recreate what rmtree removes.
            self.signal_group(signal.SIGKILL)
            self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def signal_group(self, number):
        try:
            os.killpg(self.process.pid, number)
        except ProcessLookupError:
            pass  # the whole group has ended


def main():
    base, token, shots = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(shots, exist_ok=True)
    checks = {}
    browser = Browser()
    browser.dialogs = []

    def check(name, value):
        checks[name] = bool(value)

    def count(selector):
        return browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")

    try:
        browser.goto(base + "/console")
        check("unauthenticated visit lands on the sign-in form", browser.evaluate("location.pathname") == "/console/login")
        check("sign-in form has name and token fields", count("form input#analyst") == 1 and count("form input#token[type=password]") == 1)

        browser.evaluate(
            "document.getElementById('analyst').value = 'Browser Analyst';"
            f"document.getElementById('token').value = {json.dumps(token)};"
            "document.querySelector('form').submit(); true")
        browser.wait_for("Page.loadEventFired")
        browser.settle()
        check("signed in to the overview", browser.evaluate("location.pathname") == "/console")
        check("overview: the console script ran", browser.evaluate("document.body.getAttribute('data-console-ready')") == "true")
        check("overview: summary tiles", count("#tiles .tile") >= 6)
        check("overview: traffic chart has bars", count("#traffic svg rect.bar") > 0)
        check("overview: flagged-over-time chart has three lines", count("#flagged svg polyline") == 3)
        check("overview: clusters listed", count("#clusters tbody tr") >= 1)
        check("overview: flagged accounts listed", count("#accounts tbody tr") >= 1)
        check("overview: templates listed", count("#templates tbody tr") >= 1)
        check("overview: the stylesheet applied", browser.evaluate(
            "getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(29, 35, 48)")
        rows = count("#accounts tbody tr")
        browser.evaluate("var f = document.querySelector('input[data-filter]'); f.value = 'no-such-account-zz';"
                         "f.dispatchEvent(new Event('input')); true")
        check("overview: the account filter hides rows", browser.evaluate(
            "Array.from(document.querySelectorAll('#accounts tbody tr')).filter(r => !r.hidden).length") == 0 and rows > 0)
        browser.screenshot(os.path.join(shots, "overview.png"))

        cluster_url = browser.evaluate("document.querySelector('#clusters tbody a').href")
        template_url = browser.evaluate("document.querySelector('#templates tbody a').href")
        browser.goto(cluster_url)
        check("cluster: heading names it", browser.evaluate("document.querySelector('h1').textContent").startswith("Cluster "))
        check("cluster: link graph draws the accounts", count("#link-graph svg circle") >= 2)
        check("cluster: link graph draws links", count("#link-graph svg line.edge") >= 1)
        check("cluster: capability mix", count("#capabilities svg rect.hbar") >= 1)
        check("cluster: timeline", count("#timeline svg rect") >= 1)
        check("cluster: template skeletons", count("#templates .prompt") >= 1)
        check("cluster: example prompts", count("#examples .example") >= 1)
        examples = browser.evaluate("Array.from(document.querySelectorAll('#examples .example')).map(e => e.textContent).join('\\n')") or ""
        check("cluster: examples carry no e-mail address", "@" not in examples)
        check("cluster: decision form", count("#decision form button[value=confirmed]") == 1)
        browser.screenshot(os.path.join(shots, "cluster.png"))

        browser.evaluate("document.querySelector('#decision button[value=confirmed]').click(); true")
        browser.wait_for("Page.loadEventFired")
        browser.settle()
        check("decision: asked for confirmation", len(browser.dialogs) == 1)
        check("decision: the cluster shows it confirmed by the analyst", "confirmed by Browser Analyst" in (
            browser.evaluate("document.getElementById('current-decision').textContent") or ""))

        account_url = browser.evaluate("document.querySelector('#members tbody a').href")
        browser.goto(account_url)
        check("account: heading names it", browser.evaluate("document.querySelector('h1').textContent").startswith("Account "))
        check("account: signal contributions chart", count("svg rect.hbar") >= 1)
        check("account: evidence listed", count("ul.evidence li") >= 1)
        current = browser.evaluate("document.getElementById('current-decision').textContent") or ""
        check("account: the cluster decision covers it", "confirmed" in current and "through cluster" in current)
        check("account: recent exchanges", count("table tbody tr") >= 1)
        browser.screenshot(os.path.join(shots, "account.png"))

        browser.goto(template_url)
        check("template: skeleton shown", len(browser.evaluate("document.getElementById('skeleton').textContent") or "") > 0)
        browser.screenshot(os.path.join(shots, "template.png"))

        browser.evaluate("document.querySelector('form.logout').submit(); true")
        browser.wait_for("Page.loadEventFired")
        browser.settle()
        browser.goto(base + "/console")
        check("after logging out the console asks to sign in again", browser.evaluate("location.pathname") == "/console/login")
    except Exception as error:  # report what failed rather than a bare traceback
        browser.problems.append(f"driver: {error!r}")
    finally:
        browser.close()
    report = {"checks": checks, "problems": browser.problems}
    print(json.dumps(report, indent=2))
    ok = checks and all(checks.values()) and not browser.problems
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
