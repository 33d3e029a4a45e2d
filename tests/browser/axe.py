"""What every real-Chromium journey checks on each page it visits: no Content-Security-Policy violation and
no serious or critical axe-core accessibility violation.

``watch(context)`` adds two init scripts to a browser context: one reports each
``securitypolicyviolation`` event on the console, the other loads the vendored axe-core
(tests/browser/vendor, pinned, never served by the app) and runs it once each page has loaded, writing its
serious and critical violations on the console. ``PageWatch`` collects both; ``check(page)`` runs axe on
the page as it is now (after the journey's clicks) and returns what it found.
"""
import json
from pathlib import Path

AXE_FILE = Path(__file__).parent / "vendor" / "axe-core-4.10.2.min.js"
CSP_PREFIX = "CSP-VIOLATION "
AXE_PREFIX = "AXE-VIOLATIONS "
#: The impacts a page may not have.
BLOCKING = ("serious", "critical")

_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error(%r + JSON.stringify({page: location.pathname, directive: e.violatedDirective,
                                     blocked: e.blockedURI, sample: e.sample, line: e.lineNumber}));
});
""" % CSP_PREFIX

_AXE_RUNNER = """
window.__axeCheck = function () {
  // One run at a time (axe refuses to start while another runs): chain on the previous one.
  var previous = window.__axeRunning || Promise.resolve();
  window.__axeRunning = previous.catch(function () {}).then(function () {
    return window.axe.run(document, {resultTypes: ["violations"]});
  }).then(function (result) {
    return result.violations.filter(function (v) { return %s.indexOf(v.impact) >= 0; }).map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(function (n) {
                return n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 160);
              })};
    });
  });
  return window.__axeRunning;
};
window.addEventListener("load", function () {
  // Pages of the app only (not the about:blank a journey leaves a page for between two people).
  if (!window.axe || window.top !== window || !/^https?:$/.test(location.protocol)) { return; }
  var later = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
  later(function () {
    window.__axeCheck().then(function (found) {
      console.log(%r + JSON.stringify({page: location.pathname + location.search, violations: found}));
    }).catch(function () {});
  });
});
""" % (json.dumps(list(BLOCKING)), AXE_PREFIX)


class PageWatch:
    """CSP violations and axe findings of every page of one browser context."""

    def __init__(self):
        self.csp = []
        self.axe = {}
        self.pages = set()

    def on_console(self, message):
        text = message.text
        if text.startswith(CSP_PREFIX):
            self.csp.append(json.loads(text[len(CSP_PREFIX):]))
        elif text.startswith(AXE_PREFIX):
            report = json.loads(text[len(AXE_PREFIX):])
            self.pages.add(report["page"])
            if report["violations"]:
                self.axe[report["page"]] = report["violations"]

    def problems(self):
        lines = [f"CSP: {v}" for v in self.csp]
        for page, violations in self.axe.items():
            for v in violations:
                lines.append(f"axe {v['impact']} on {page}: {v['id']} ({v['help']}) at {v['nodes']}")
        return lines


def watch(context):
    """Start watching every page of ``context``; returns the PageWatch to read at the end."""
    found = PageWatch()
    context.add_init_script(script=_CSP_LISTENER)
    context.add_init_script(path=str(AXE_FILE))
    context.add_init_script(script=_AXE_RUNNER)
    context.on("console", found.on_console)
    return found


def check(page, watcher=None):
    """Run axe on ``page`` as it is now; the serious and critical violations (also recorded in ``watcher``)."""
    violations = page.evaluate("window.__axeCheck ? window.__axeCheck() : []")
    if watcher is not None and violations:
        watcher.axe[page.url + " (now)"] = violations
    return violations
