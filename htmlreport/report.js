// The calls of the report: the table a page at a time, sorted over all
// the calls, and one call's view, drawn when it is opened (#call-ID, from
// the table, a link or the address). The data is the JSON in
// #callqa-data; every text from it is set as text (textContent,
// setAttribute), never as HTML.
(function () {
  "use strict";
  var source = document.getElementById("callqa-data");
  var table = document.getElementById("calls-table");
  if (!source || !table) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var calls = data.calls;
  var labels = data.labels;
  var PAGE = 100;

  var byAnchor = {};
  calls.forEach(function (c, i) {
    c.index = i;
    byAnchor[c.anchor] = c;
  });

  // label mirrors the Go label: an unknown code shows as itself; an
  // unknown hint kind is "missing" (missing_<item>) or "coaching".
  function label(group, code) {
    var g = labels[group] || {};
    code = code || "";
    if (Object.prototype.hasOwnProperty.call(g, code)) {
      return g[code];
    }
    if (group === "hint") {
      return code.indexOf("missing_") === 0 ? g.missing : g[""];
    }
    return { zh: code, en: "" };
  }
  function ui(code) {
    return label("ui", code);
  }
  // format fills the %d verbs of a label with args, in both languages.
  function format(l) {
    var args = Array.prototype.slice.call(arguments, 1);
    function fill(s) {
      var i = 0;
      return s.replace(/%d/g, function () {
        return String(args[i++]);
      });
    }
    return { zh: fill(l.zh), en: fill(l.en) };
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) {
        continue;
      }
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  // bi is a label as the page shows it: the Chinese, then the English in
  // smaller text.
  function bi(l) {
    var f = document.createDocumentFragment();
    add(f, el("span", "zh", l.zh));
    if (l.en && l.en !== l.zh) {
      var en = el("small", "en", l.en);
      en.lang = "en";
      add(f, " ", en);
    }
    return f;
  }
  function plain(l) {
    return l.en && l.en !== l.zh ? l.zh + " " + l.en : l.zh;
  }
  function badge(cls, l) {
    return add(el("span", "badge " + cls), bi(l));
  }
  function complianceBadge(c) {
    return c.compliant ? badge("badge-compliant", ui("compliant")) : badge("badge-violation", ui("nonCompliant"));
  }
  function resultBadge(c) {
    return c.pass ? badge("badge-pass", ui("pass")) : badge("badge-fail", ui("fail"));
  }
  function notApplicable() {
    var s = add(el("span", "na"), bi(ui("notApplicable")));
    s.title = plain(ui("notApplicableWhy"));
    return s;
  }
  function roleClass(role) {
    if (role === "agent" || role === "customer") {
      return role;
    }
    return role === "third_party" ? "third-party" : "other";
  }
  function link(href, text) {
    var a = el("a", null, text);
    a.setAttribute("href", "#" + href);
    return a;
  }

  // ---- the calls table ----

  var body = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var pager = document.getElementById("calls-pager");
  var info = pager.querySelector(".pager-info");
  var prev = pager.querySelector('[data-page="prev"]');
  var next = pager.querySelector('[data-page="next"]');
  var collator = typeof Intl !== "undefined" && Intl.Collator ? new Intl.Collator("zh-CN", { numeric: true }) : null;
  var keys = {
    id: function (c) { return c.id; },
    agent: function (c) { return c.agent || ""; },
    team: function (c) { return c.team || ""; },
    date: function (c) { return c.dateKey || ""; },
    compliance: function (c) { return c.compliant ? "1" : "0"; },
    score: function (c) { return c.applicable ? c.score : -Infinity; },
    result: function (c) { return c.pass ? "pass" : "fail"; },
    violations: function (c) { return c.violations; }
  };
  var order = calls.slice();
  var page = 0;

  function compareText(a, b) {
    return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0);
  }
  function compareNum(a, b) {
    return a === b ? 0 : a < b ? -1 : 1;
  }

  function row(c) {
    var tr = el("tr");
    tr.setAttribute("data-call", c.id);
    var id = el("td");
    id.setAttribute("data-value", c.id);
    add(id, link(c.anchor, c.id));
    var agent = el("td", "clip", c.agent || "");
    agent.title = c.agent || "";
    var team = el("td", "clip", c.team || "");
    team.title = c.team || "";
    var date = el("td", null, c.date || "");
    date.setAttribute("data-value", c.dateKey || "");
    var compliance = add(el("td"), complianceBadge(c));
    compliance.setAttribute("data-value", c.compliant ? "compliant" : "violation");
    var score = el("td", "num");
    if (c.applicable) {
      score.setAttribute("data-value", String(c.score));
      add(score, String(c.score), c.max ? el("span", "of", " / " + c.max) : null);
    } else {
      score.setAttribute("data-value", "");
      add(score, notApplicable());
    }
    var result = add(el("td"), resultBadge(c));
    result.setAttribute("data-value", c.pass ? "pass" : "fail");
    var violations = el("td", "num" + (c.violations ? " has-violations" : ""), c.violations);
    violations.setAttribute("data-value", String(c.violations));
    return add(tr, id, agent, team, date, compliance, score, result, violations);
  }

  function drawTable() {
    var pages = Math.max(1, Math.ceil(order.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var from = page * PAGE;
    var to = Math.min(from + PAGE, order.length);
    var rows = document.createDocumentFragment();
    for (var i = from; i < to; i++) {
      rows.appendChild(row(order[i]));
    }
    if (!order.length) {
      var td = add(el("td", "empty"), bi(ui("noCalls")));
      td.colSpan = headers.length;
      rows.appendChild(add(el("tr"), td));
    }
    body.textContent = "";
    body.appendChild(rows);
    info.textContent = "";
    add(info, bi(format(ui("pageOf"), order.length ? from + 1 : 0, to, order.length)));
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    pager.hidden = false;
  }

  headers.forEach(function (th) {
    var button = th.querySelector("button");
    var key = keys[th.getAttribute("data-key")];
    if (!button || !key) {
      return;
    }
    button.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      var cmp = th.getAttribute("data-type") === "num" ? compareNum : compareText;
      // Ties keep the input order.
      order.sort(function (a, b) {
        var c = cmp(key(a), key(b));
        return (descending ? -c : c) || a.index - b.index;
      });
      headers.forEach(function (h) {
        h.setAttribute("aria-sort", "none");
      });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      page = 0;
      drawTable();
    });
  });
  prev.addEventListener("click", function () {
    page--;
    drawTable();
  });
  next.addEventListener("click", function () {
    page++;
    drawTable();
  });

  // ---- a call's view ----

  var view = document.getElementById("call-view");
  var shown = null;

  function fact(name, value, cls) {
    if (!value) {
      return null;
    }
    return add(el("div"), add(el("dt"), bi(ui(name))), add(el("dd", cls || null), value));
  }

  function scoreLine(c) {
    var s = el("span", "call-score");
    if (!c.applicable) {
      return add(s, add(el("span", "score-label"), bi(ui("score"))), " ", notApplicable());
    }
    add(s, add(el("span", "score-label"), bi(ui("score"))), " ", el("strong", null, c.score), c.max ? " / " + c.max : null);
    if (c.passMark > 0) {
      var mark = add(el("span", "pass-mark"), bi(ui(c.kind === "practice" ? "practicePassMark" : "passMark")), " " + c.passMark);
      add(s, " · ", mark);
    }
    return s;
  }

  // hintLabel names a hint's kind; a missing item's remark names the item.
  function hintLabel(h) {
    var l = label("hint", h.kind);
    if ((h.kind || "").indexOf("missing_") === 0) {
      var it = label("item", h.kind.slice("missing_".length));
      if (it.en) {
        return { zh: l.zh + "：" + it.zh, en: l.en + ": " + it.en };
      }
    }
    return l;
  }

  function hintBox(h) {
    var d = el("div", "hint");
    d.setAttribute("data-kind", h.kind || "");
    if (h.turn) {
      d.setAttribute("data-turn", String(h.turn));
    }
    add(d, add(el("span", "hint-label"), bi(hintLabel(h))), el("p", null, h.text));
    if (h.quote) {
      add(d, el("p", "hint-quote", "「" + h.quote + "」"));
    }
    if (h.evidenceTurn) {
      add(d, el("p", "hint-evidence", plain(format(ui("afterTurn"), h.evidenceTurn)) + "：「" + (h.evidence || "") + "」"));
    }
    return d;
  }

  function itemsPanel(c) {
    var panel = add(el("div", "panel"), add(el("h4"), bi(ui("items"))));
    if (!c.items || !c.items.length) {
      return add(panel, add(el("p", "muted"), bi(ui("noItems"))));
    }
    var t = el("table", "items");
    var head = el("tr");
    [["item", ""], ["done", ""], ["turns", ""], ["points", "num"], ["max", "num"]].forEach(function (h) {
      var th = add(el("th", h[1] || null), bi(ui(h[0])));
      th.scope = "col";
      head.appendChild(th);
    });
    add(t, add(el("thead"), head));
    var tb = el("tbody");
    c.items.forEach(function (it) {
      var tr = el("tr", "item " + (it.done ? "done" : "missing"));
      tr.setAttribute("data-code", it.code);
      var name = add(el("td"), bi({ zh: it.name, en: label("item", it.code).en || it.code }), " ", add(el("span", "kind"), bi(label("itemKind", it.kind))));
      var done = add(el("td"), it.done ? add(el("span", "yes"), "✓ ", bi(ui("done"))) : add(el("span", "no"), "✗ ", bi(ui("missingItem"))));
      add(tr, name, done, el("td", null, it.turns || ""), el("td", "num", it.points), el("td", "num", it.max));
      tb.appendChild(tr);
    });
    return add(panel, add(t, tb));
  }

  function findingsPanel(c) {
    var panel = add(el("div", "panel"), add(el("h4"), bi(ui("findings"))));
    if (c.findings && c.findings.length) {
      var ul = el("ul", "findings");
      c.findings.forEach(function (f) {
        var li = el("li", f.violation ? "finding-violation" : "finding-signal");
        add(li, link(c.anchor + "_t" + f.turn, plain(format(ui("turn"), f.turn))), " ",
          add(el("span", "category"), bi(label("category", f.category))), " ",
          el("code", null, f.rule), " ", el("span", "quote", "「" + f.match + "」"));
        ul.appendChild(li);
      });
      add(panel, ul);
    } else {
      add(panel, add(el("p", "ok"), bi(ui("noFindings"))));
    }
    add(panel, add(el("h4"), bi(ui("order"))));
    if (c.order && c.order.length) {
      var ol = el("ol", "order-steps");
      c.order.forEach(function (s) {
        add(ol, add(el("li", null, s.name + " "), el("span", "muted", s.turn ? plain(format(ui("turn"), s.turn)) : plain(ui("never")))));
      });
      add(panel, ol);
    }
    if (c.departures && c.departures.length) {
      var dl = el("ul", "departures");
      c.departures.forEach(function (d) {
        add(dl, el("li", "departure", d));
      });
      add(panel, dl);
    } else if (c.orderOK) {
      add(panel, add(el("p", "ok"), bi(ui("orderOK"))));
    }
    return panel;
  }

  function turnItem(c, t) {
    var cls = "turn role-" + roleClass(t.r) + (t.ev ? " evidence" : "") + (t.v ? " has-violation" : "");
    var li = el("li", cls);
    li.id = c.anchor + "_t" + t.n;
    li.setAttribute("data-turn", String(t.n));
    if (t.tasks) {
      li.setAttribute("data-tasks", t.tasks);
    }
    var who = add(el("div", "who"), el("span", "turn-n", t.n), add(el("span", "role"), bi(label("role", t.r))));
    var text = el("p", "text");
    text.lang = "zh";
    // A segment is its text, or [text, class, rules] where findings
    // cover it.
    (t.s || []).forEach(function (s) {
      if (typeof s === "string") {
        add(text, s);
        return;
      }
      var m = el("mark", s[1], s[0]);
      m.title = s[2];
      add(text, m);
    });
    var u = add(el("div", "utterance"), who, text);
    if (t.ev) {
      var tags = el("p", "evidence-tags");
      t.ev.forEach(function (name) {
        add(tags, el("span", "evidence-tag", "✓ " + name));
      });
      add(u, tags);
    }
    add(li, u);
    if (t.hints) {
      var aside = el("aside", "hints");
      t.hints.forEach(function (h) {
        add(aside, hintBox(h));
      });
      add(li, aside);
    }
    return li;
  }

  function callView(c) {
    var a = el("article", "call " + (c.pass ? "is-pass" : "is-fail"));
    a.id = c.anchor;
    a.setAttribute("aria-labelledby", c.anchor + "-h");
    var h = el("h3", null, c.id);
    h.id = c.anchor + "-h";
    var top = link("calls", null);
    add(top, bi(ui("toCalls")));
    top.className = "to-top";
    var title = add(el("div", "call-title"), h, complianceBadge(c), scoreLine(c), resultBadge(c), top);
    var facts = add(el("dl", "facts"),
      fact("agent", c.agent), fact("team", c.team), fact("date", c.date),
      fact("party", c.party ? bi(label("party", c.party)) : null),
      fact("kind", c.kind ? bi(label("kind", c.kind)) : null),
      fact("source", c.source, "source"));
    add(a, add(el("header", "call-head"), title, facts));
    if (c.failReasons && c.failReasons.length) {
      var ul = el("ul");
      c.failReasons.forEach(function (r) {
        add(ul, el("li", null, r));
      });
      add(a, add(el("div", "fail-reasons"), add(el("strong"), bi(ui("whyFailed"))), ul));
    }
    add(a, add(el("div", "call-summary"), itemsPanel(c), findingsPanel(c)));
    if (c.callHints && c.callHints.length) {
      var ch = el("div", "call-hints");
      c.callHints.forEach(function (hint) {
        add(ch, hintBox(hint));
      });
      add(a, ch);
    }
    add(a, add(el("h4", "transcript-h"), bi(ui("transcript"))));
    var ol = el("ol", "turns" + (c.hasHints ? " with-hints" : ""));
    if (c.turns && c.turns.length) {
      c.turns.forEach(function (t) {
        ol.appendChild(turnItem(c, t));
      });
    } else {
      add(ol, add(el("li", "muted"), bi(ui("noTurns"))));
    }
    return add(a, ol);
  }

  function show(c) {
    if (shown !== c) {
      view.textContent = "";
      view.appendChild(callView(c));
      view.hidden = false;
      shown = c;
    }
  }

  // route opens the call the address points at (#call-ID, or a turn of
  // it, #call-ID_tN) and scrolls to it; other addresses are left alone.
  function route() {
    var target = location.hash.slice(1);
    try {
      target = decodeURIComponent(target);
    } catch (e) {
      return;
    }
    if (target.indexOf("call-") !== 0) {
      return;
    }
    var c = byAnchor[target];
    var at = target.lastIndexOf("_t");
    if (!c && at > 0) {
      c = byAnchor[target.slice(0, at)];
    }
    if (!c) {
      return;
    }
    show(c);
    var e = document.getElementById(target) || document.getElementById(c.anchor);
    var old = view.querySelectorAll(".is-target");
    for (var i = 0; i < old.length; i++) {
      old[i].classList.remove("is-target");
    }
    e.classList.add("is-target");
    e.scrollIntoView({ block: "start" });
  }

  drawTable();
  window.addEventListener("hashchange", route);
  route();
})();
