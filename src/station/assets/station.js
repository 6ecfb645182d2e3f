// station.js - the station's only script (compiled into the binary; CSP forbids inline script).
// The print button, the print time on printed pages, and a record of every print in the access log.
"use strict";
(function () {
  function csrf() {
    var m = document.querySelector('meta[name="csrf"]');
    return m ? m.getAttribute("content") : "";
  }
  function recordPrint() {
    var t = document.getElementById("print-time");
    if (t) t.textContent = new Date().toLocaleString();
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
  window.addEventListener("beforeprint", recordPrint);
  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("print-btn");
    if (b) b.addEventListener("click", function () { window.print(); });
  });
})();
