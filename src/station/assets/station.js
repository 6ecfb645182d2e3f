// station.js - the station's only script (compiled into the binary; CSP forbids inline script).
// The print button, the print time on printed pages, a record of every print in the access log, and the drug
// search as you type (/drugs.json). Every page works without it: the forms submit as they are.
"use strict";
(function () {
  function L(en, ja) {
    return document.documentElement.lang === "en" ? en : ja;
  }
  function csrf() {
    var m = document.querySelector('meta[name="csrf"]');
    return m ? m.getAttribute("content") : "";
  }
  // The one display format of screens and paper (lb_format_local): "2026/12/06 04:18", local time.
  function stamp(d) {
    function p2(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return d.getFullYear() + "/" + p2(d.getMonth() + 1) + "/" + p2(d.getDate()) + " " + p2(d.getHours()) + ":" +
      p2(d.getMinutes());
  }
  function recordPrint() {
    var t = document.getElementById("print-time");
    if (t) t.textContent = stamp(new Date());
    var token = csrf();
    if (!token) return;
    var p = document.querySelector("[data-patient]");
    var body = new URLSearchParams();
    body.set("csrf", token);
    body.set("page", location.pathname + location.search);
    if (p) body.set("patient", p.getAttribute("data-patient"));
    if (navigator.sendBeacon) navigator.sendBeacon("/audit/print", body);
    else fetch("/audit/print", { method: "POST", body: body, credentials: "same-origin" });
  }

  // Drug search as you type: <input data-drug-search="LIST-ID" [data-patient=ID] [data-pick]>. From three
  // characters, /drugs.json fills the list; with data-pick a choice puts the drug's code into the field (the
  // prescription check), otherwise each entry links to the drug (or to the check of the patient). Text goes in
  // with textContent only.
  function drugSearch(input) {
    var list = document.getElementById(input.getAttribute("data-drug-search"));
    if (!list) return;
    var patient = input.getAttribute("data-patient") || "";
    var pick = input.hasAttribute("data-pick");
    var picked = document.getElementById("rx-picked");
    var timer = null, seq = 0;
    function li(d, label) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.textContent = label;
      a.setAttribute("data-code", d.code);
      if (pick) {
        a.href = "#";
        a.addEventListener("click", function (e) {
          e.preventDefault();
          input.value = d.code;
          if (picked) picked.textContent = d.name;
          list.replaceChildren();
          var next = input.form && input.form.querySelector('input[name="dose"]');
          if (next) next.focus();
        });
      } else if (patient) {
        a.href = "/rx/check?patient=" + encodeURIComponent(patient) + "&drug=" + encodeURIComponent(d.code);
      } else {
        a.href = "/drugs?q=" + encodeURIComponent(d.code);
      }
      item.appendChild(a);
      return item;
    }
    function show(data) {
      var items = [];
      data.drugs.forEach(function (d) {
        var kind = d.generic_product ? L("generic", "後発品") : L("brand", "先発品");
        var marks = (d.high_alert ? "  [" + L("high-alert", "ハイリスク薬") + "]" : "") +
          (d.look_alike || []).map(function (n) { return "  [" + L("look-alike: ", "名称類似: ") + n + "]"; }).join("");
        var item = li(d, d.name + "  [" + kind + "]  " + (d.generic_name || "") + "  " + d.code + marks);
        if (d.same_ingredient.length) {
          var sub = document.createElement("ul");
          d.same_ingredient.forEach(function (s) {
            sub.appendChild(li(s, L("same ingredient: ", "同成分: ") + s.name + "  " + s.code));
          });
          item.appendChild(sub);
        }
        items.push(item);
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = L("No drug matches.", "該当する薬品はありません。");
        items.push(none);
      }
      list.replaceChildren.apply(list, items);
    }
    function run() {
      var q = input.value.trim();
      if (Array.from(q).length < 3) {
        list.replaceChildren();
        return;
      }
      var mine = ++seq;
      var url = "/drugs.json?limit=20&q=" + encodeURIComponent(q) + (patient ? "&patient=" + encodeURIComponent(patient) : "");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== seq) return; // an older answer after a newer one: ignore it
          if (data.error) {
            var e = document.createElement("li");
            e.className = "error";
            e.textContent = data.error;
            list.replaceChildren(e);
          } else {
            show(data);
          }
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      if (picked) picked.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
  }

  window.addEventListener("beforeprint", recordPrint);
  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("print-btn");
    if (b) b.addEventListener("click", function () { window.print(); });
    document.querySelectorAll("button.print-page").forEach(function (x) {
      x.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("input[data-drug-search]").forEach(drugSearch);
  });
})();
