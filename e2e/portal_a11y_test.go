package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// a11yCheck is the portal's automated accessibility pass, run in the page: the document's
// language, one h1 and no skipped heading levels, a name for every form field, button and link,
// text alternatives for images and SVG, unique ids, header cells, no positive tabindex, and the
// WCAG AA contrast of every text against its effective background (4.5:1, 3:1 for large text).
// It returns one line per finding.
const a11yCheck = `(function () {
  var out = [];
  function desc(e) { return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""); }
  function visible(e) { var s = getComputedStyle(e); return s.display !== "none" && s.visibility !== "hidden" && e.getClientRects().length > 0; }
  function named(e) {
    if ((e.getAttribute("aria-label") || "").trim()) return true;
    var lb = e.getAttribute("aria-labelledby");
    if (lb && lb.split(" ").every(function (id) { return document.getElementById(id); })) return true;
    if (e.id && document.querySelector('label[for="' + e.id + '"]')) return true;
    if (e.closest("label")) return true;
    return !!(e.getAttribute("title") || "").trim();
  }
  if (!(document.documentElement.getAttribute("lang") || "").trim()) out.push("html has no lang");
  if (!document.title.trim()) out.push("page has no title");
  var hs = Array.prototype.slice.call(document.querySelectorAll("h1,h2,h3,h4,h5,h6"));
  var h1 = hs.filter(function (h) { return h.tagName === "H1"; }).length;
  if (h1 !== 1) out.push(h1 + " h1 elements (want 1)");
  var last = 0;
  hs.forEach(function (h) { var l = +h.tagName[1]; if (last && l > last + 1) out.push("heading level skipped: " + h.tagName + " '" + h.innerText.trim() + "' after h" + last); last = l; });
  document.querySelectorAll("input,select,textarea").forEach(function (e) {
    if (e.type === "hidden") return;
    if (!named(e)) out.push("form field without a label: " + desc(e));
  });
  document.querySelectorAll("button,a[href]").forEach(function (e) {
    if (!(e.innerText || "").trim() && !named(e)) out.push("no accessible name: " + desc(e));
  });
  document.querySelectorAll("img").forEach(function (e) { if (!e.hasAttribute("alt")) out.push("img without alt: " + desc(e)); });
  document.querySelectorAll("svg").forEach(function (e) {
    if (e.closest("[aria-hidden=true]") || e.getAttribute("aria-hidden") === "true") return;
    if (e.getAttribute("role") !== "img" || !(e.getAttribute("aria-labelledby") || e.getAttribute("aria-label"))) out.push("svg without role=img and a name: " + desc(e));
  });
  var ids = {};
  document.querySelectorAll("[id]").forEach(function (e) { if (ids[e.id]) out.push("duplicate id " + e.id); ids[e.id] = true; });
  document.querySelectorAll("th").forEach(function (e) { if (!e.closest("thead") && !e.getAttribute("scope")) out.push("th without scope outside thead"); });
  document.querySelectorAll("[tabindex]").forEach(function (e) { if (+e.getAttribute("tabindex") > 0) out.push("positive tabindex: " + desc(e)); });
  function rgba(s) { var m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null; var p = m[1].split(",").map(parseFloat); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; }
  function lum(c) { function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); } return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b); }
  function background(e) {
    for (var n = e; n && n.nodeType === 1; n = n.parentElement) { var c = rgba(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) return c; }
    return { r: 255, g: 255, b: 255, a: 1 };
  }
  var seen = 0;
  document.querySelectorAll("body *").forEach(function (e) {
    if (e.closest("svg") || !visible(e)) return;
    var own = Array.prototype.some.call(e.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
    if (!own) return;
    var s = getComputedStyle(e), fg = rgba(s.color);
    if (!fg || fg.a === 0) return; // transparent text (the editor's textarea over its highlighting)
    var r = e.getBoundingClientRect();
    if (r.right < 0 || r.bottom < 0) return; // moved off screen (the skip link until focused)
    var l1 = lum(fg), l2 = lum(background(e)), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    var size = parseFloat(s.fontSize), bold = +s.fontWeight >= 700;
    var need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    seen++;
    if (ratio < need) out.push("contrast " + ratio.toFixed(2) + " < " + need + ": " + desc(e) + " '" + e.innerText.trim().slice(0, 40) + "'");
  });
  if (!seen) out.push("no text checked for contrast");
  return out;
})()`

// firstPaint is the page's first contentful paint in ms (0 if the browser has none).
const firstPaint = `(function(){var p=performance.getEntriesByName("first-contentful-paint")[0];return p?p.startTime:0})()`

// checkPage loads path, runs the accessibility pass and returns its findings and the first
// paint of the load.
func checkPage(t *testing.T, ctx context.Context, base, path string) ([]string, float64) {
	t.Helper()
	run(t, ctx, "open "+path, chromedp.Navigate(base+path))
	waitFor(t, ctx, path+" loaded", `document.readyState === "complete" && performance.getEntriesByName("first-contentful-paint").length > 0`)
	return get(t, ctx, "a11y "+path, chromedp.Evaluate[[]string](a11yCheck)), get(t, ctx, "paint "+path, chromedp.Evaluate[float64](firstPaint))
}

// a11yPass runs the accessibility pass over every page of a signed-in session and records the
// first paint of each in the artefacts (perf.txt).
func a11yPass(t *testing.T, ctx context.Context, base, dir string, paths []string) {
	t.Helper()
	var perf strings.Builder
	for _, path := range paths {
		findings, paint := checkPage(t, ctx, base, path)
		fmt.Fprintf(&perf, "%-60s first contentful paint %6.1f ms\n", path, paint)
		for _, f := range findings {
			t.Errorf("%s: %s", path, f)
		}
	}
	t.Logf("first paint per page:\n%s", perf.String())
	if err := os.WriteFile(filepath.Join(dir, "perf.txt"), []byte(perf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestA11yCheckFindsProblems proves the accessibility pass can fail: a page with one problem of
// each kind gets exactly those findings.
func TestA11yCheckFindsProblems(t *testing.T) {
	exe := requireChromium(t)
	ctx := newBrowser(t, exe, chromedp.Flag("no-proxy-server", true))
	page := `<html><head><title>x</title></head><body><h1>One</h1><h3>Skipped</h3><h1>Two</h1>` +
		`<input id="q"><button></button><a href="/x"></a><img src="data:,"><svg width="10" height="10"></svg>` +
		`<p id="d">a</p><p id="d" style="color:#999;background:#fff">grey text</p>` +
		`<table><tr><th>h</th></tr></table><div tabindex="3">t</div></body></html>`
	run(t, ctx, "load", chromedp.Navigate("data:text/html,"+strings.ReplaceAll(page, "#", "%23")))
	got := get(t, ctx, "check", chromedp.Evaluate[[]string](a11yCheck))
	want := []string{
		"html has no lang",
		"2 h1 elements (want 1)",
		"heading level skipped: H3 'Skipped' after h1",
		"form field without a label: input#q",
		"no accessible name: button",
		"no accessible name: a",
		"img without alt: img",
		"svg without role=img and a name: svg",
		"duplicate id d",
		"th without scope outside thead",
		"positive tabindex: div",
		"contrast 2.85 < 4.5: p#d 'grey text'",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
