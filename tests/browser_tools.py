"""Headless Chromium for the tests: start it offline-safe, speak the DevTools protocol.

Shared by the browser tests (the HTML report and JupyterLab); the tests skip where Debian's
chromium is not installed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import websocket

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--window-size=1280,900",
    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
]


class DevTools:
    """A minimal Chrome DevTools protocol client for one page."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=20, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                assert "error" not in msg, (method, msg["error"])
                return msg.get("result", {})
            self.events.append(msg)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        return result["result"].get("value")

    def wait_for(self, event: str, timeout: float = 20) -> dict:
        """The next protocol event named ``event`` (earlier ones are kept for the caller)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, msg in enumerate(self.events):
                if msg.get("method") == event:
                    return self.events.pop(i)
            assert time.monotonic() < deadline, f"no {event} within {timeout} s"
            self.events.append(json.loads(self.ws.recv()))

    def open(self, url: str) -> None:
        """Navigate to ``url`` and wait for its load event."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def requests(self) -> list[str]:
        """The URLs requested since the last :meth:`open`."""
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def wait_until(self, expression: str, timeout: float = 60) -> object:
        """Evaluate ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"not true within {timeout} s: {expression}"
            time.sleep(0.25)

    def fonts_of(self, selector: str) -> dict[str, int]:
        """Font family -> glyphs drawn with it, for the first node matching ``selector``."""
        root = self.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        assert node, f"nothing matches {selector}"
        fonts = self.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
        return {f["familyName"]: f["glyphCount"] for f in fonts}

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate ``proc``, then kill it if it has not ended within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def local_json(port: int, path: str):
    """GET ``http://127.0.0.1:{port}{path}`` as JSON, bypassing any proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.load(response)


@contextlib.contextmanager
def chromium(profile: Path, loopback: bool = False) -> Iterator[DevTools]:
    """A headless Chromium with a fresh profile, its first page under DevTools control.

    No host name resolves, so nothing can be fetched from outside the machine; with
    ``loopback`` the address 127.0.0.1 still answers (for a server the test started).
    """
    rules = "MAP * ~NOTFOUND" + (", EXCLUDE 127.0.0.1" if loopback else "")
    browser = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--host-resolver-rules={rules}", f"--user-data-dir={profile}",
         "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert browser.poll() is None, "Chromium exited at start"
            assert time.monotonic() < deadline, "Chromium did not start in 30 s"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        target = next(t for t in local_json(port, "/json/list") if t["type"] == "page")
        tools = DevTools(target["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Network", "DOM", "CSS"):
            tools.call(f"{domain}.enable")
        try:
            yield tools
        finally:
            tools.ws.close()
    finally:
        stop(browser)
