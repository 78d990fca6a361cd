"""When a page in the browser crawl has settled: events, not a fixed quiet period.

Two views of a page's activity, both exact:

- ``Network`` counts the requests the page has open, from Playwright's events (every
  request passes through the crawl's route, so none is missed);
- ``PAGE_WATCH`` (an init script, run before the page's own scripts) counts what is
  still to run in the page: ``fetch()`` and ``XMLHttpRequest`` calls until their
  callbacks have run (a body read by ``json()``/``text()`` included), and each
  ``setTimeout`` of at most ``SHORT_TIMER_MS`` not scheduled by another timer (so a
  ticker that re-arms itself forever does not hold the page; ``setInterval`` neither).

A page has settled when, after two animation frames (scroll and intersection handlers
run on frames), nothing is open in either view and no request started meanwhile; a page
that never settles is taken as it is after ``SETTLE_MS``.
"""

from __future__ import annotations

import time

SETTLE_MS = 5_000  # at most, waiting for a page to settle after its load, a scroll or a click
SHORT_TIMER_MS = 1_000  # a setTimeout this short is waited for (a deferred list fill)

PAGE_WATCH = """(() => {
  if (window.__archiveTool) return;
  const later = window.setTimeout.bind(window);
  const state = window.__archiveTool = { busy: 0, later };
  const end = () => later(() => { state.busy--; }, 0);  // after the callbacks queued now
  let inTimer = false;
  const setTimeoutOriginal = window.setTimeout;
  const clearTimeoutOriginal = window.clearTimeout;
  const pending = new Set();
  window.setTimeout = function (callback, delay, ...rest) {
    if (typeof callback !== 'function' || inTimer || !((+delay || 0) <= SHORT_TIMER_MS)) {
      return setTimeoutOriginal.apply(window, arguments);
    }
    state.busy++;
    const id = setTimeoutOriginal.call(window, function () {
      if (pending.delete(id)) state.busy--;
      inTimer = true;
      try { return callback.apply(this, rest); } finally { inTimer = false; }
    }, delay);
    pending.add(id);
    return id;
  };
  window.clearTimeout = function (id) {
    if (pending.delete(id)) state.busy--;
    return clearTimeoutOriginal.apply(window, arguments);
  };
  const track = (promise) => {
    state.busy++;
    promise.then(end, end);
    return promise;
  };
  if (window.fetch) {
    const fetchOriginal = window.fetch;
    window.fetch = function () { return track(fetchOriginal.apply(window, arguments)); };
    for (const name of ['json', 'text', 'arrayBuffer', 'blob', 'formData']) {
      const read = Response.prototype[name];
      if (read) Response.prototype[name] = function () { return track(read.apply(this, arguments)); };
    }
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    let open = true;
    const finish = () => { if (open) { open = false; end(); } };
    state.busy++;
    this.addEventListener('loadend', finish);
    try { return send.apply(this, arguments); } catch (error) { finish(); throw error; }
  };
})();""".replace("SHORT_TIMER_MS", str(SHORT_TIMER_MS))

# Resolves true once the page has nothing left to run (or false at the time limit).
PAGE_IDLE = """async (limit) => {
  const stop = performance.now() + limit;
  const state = window.__archiveTool;
  const later = state ? state.later : setTimeout;  // not counted as the page's own timer
  const frame = () => new Promise((resolve) => {
    requestAnimationFrame(() => resolve());
    later(resolve, 50);  // a page without frames (hidden) still goes on
  });
  await frame();
  await frame();
  while (state && state.busy > 0) {
    if (performance.now() > stop) return false;
    await new Promise((resolve) => later(resolve, 5));
  }
  return true;
}"""


class Network:
    """A page's requests in flight, from its events (every one is answered by the route)."""

    def __init__(self, page) -> None:
        self.page = page
        self.started = self.ended = 0
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request) -> None:
        self.started += 1

    def _end(self, request) -> None:
        self.ended += 1

    def settle(self) -> None:
        """Until the page has settled (see the module), at most SETTLE_MS."""
        from playwright.sync_api import Error as PlaywrightError  # the [browser] extra

        deadline = time.monotonic() + SETTLE_MS / 1000
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.started != self.ended:
                self.page.wait_for_timeout(5)  # lets the route answer meanwhile
                continue
            started = self.started
            try:
                idle = self.page.evaluate(PAGE_IDLE, int(left * 1000))
            except PlaywrightError:  # the page went elsewhere (a script's redirect): wait for it
                self.page.wait_for_load_state("load", timeout=max(left * 1000, 1))
                continue
            if idle and self.started == started == self.ended:
                return
