/* Youpin station counter: scanner-first.
 *
 * A keyboard-wedge scanner types the waybill and presses Enter, so the focus must always
 * be back in the current form's main input. Each answer is one result line; its tone
 * (ok / warn / error) gives a beep (WebAudio, no sound files) and a colour flash.
 * F1–F4 switch between check-in, pick-up, sending and exceptions.
 */
(function () {
  "use strict";

  var audio = null;

  function beep(tone) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    } catch (e) {
      return;
    }
    var plan = {
      ok: [[880, 0, 0.12]],
      warn: [[660, 0, 0.12], [660, 0.18, 0.12]],
      error: [[220, 0, 0.45]]
    }[tone] || [];
    var now = audio.currentTime;
    plan.forEach(function (note) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = tone === "error" ? "square" : "sine";
      osc.frequency.value = note[0];
      gain.gain.value = 0.15;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(now + note[1]);
      osc.stop(now + note[1] + note[2]);
    });
  }

  function counter() {
    return document.querySelector("[data-counter]");
  }

  function activeForm() {
    var root = counter();
    return root ? root.querySelector(".counter-form:not([hidden])") : null;
  }

  function focusPrimary(select) {
    var form = activeForm();
    var input = form && form.querySelector("[data-primary]");
    if (input) {
      input.focus();
      if (select) { input.select(); }
    }
  }

  function setMode(mode) {
    var root = counter();
    if (!root) { return; }
    root.querySelectorAll(".counter-form").forEach(function (form) {
      form.hidden = form.getAttribute("data-form") !== mode;
    });
    root.querySelectorAll(".counter-mode").forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-mode") === mode ? "true" : "false");
    });
    root.setAttribute("data-mode", mode);
    focusPrimary(false);
  }

  function flash(tone) {
    var root = counter();
    if (!root) { return; }
    root.classList.remove("counter--ok", "counter--warn", "counter--error");
    void root.offsetWidth; // restart the animation
    root.classList.add("counter--" + tone);
  }

  var CODE = /^(\d{1,2}-\d{1,2}-\d{1,4}|\d{6})$/;

  document.addEventListener("DOMContentLoaded", function () {
    var root = counter();
    if (!root) { return; }
    root.querySelectorAll(".counter-mode").forEach(function (tab) {
      tab.addEventListener("click", function () { setMode(tab.getAttribute("data-mode")); });
    });
    document.addEventListener("keydown", function (event) {
      var keys = { F1: "checkin", F2: "pickup", F3: "send", F4: "exception" };
      if (keys[event.key]) {
        event.preventDefault();
        setMode(keys[event.key]);
      }
    });
    // A pickup code needs the phone tail: Enter after a code moves to the tail field.
    var pickup = root.querySelector('[data-form="pickup"]');
    pickup.addEventListener("submit", function (event) {
      var scan = pickup.querySelector("[data-primary]");
      var tail = pickup.querySelector("[data-tail]");
      var code = scan.value.replace(/\s/g, "").replace(/[－–—_]/g, "-");
      if (CODE.test(code) && !tail.value) {
        event.preventDefault();
        event.stopImmediatePropagation();
        tail.focus();
      }
    }, true);
    pickup.addEventListener("htmx:confirm", function (event) {
      var scan = pickup.querySelector("[data-primary]");
      var tail = pickup.querySelector("[data-tail]");
      var code = scan.value.replace(/\s/g, "").replace(/[－–—_]/g, "-");
      if (CODE.test(code) && !tail.value) {
        event.preventDefault();
        tail.focus();
      }
    });
    // Keep the focus in the scan field when the keeper clicks elsewhere on the page.
    document.addEventListener("click", function (event) {
      if (!event.target.closest("input, select, textarea, button, a, label")) {
        focusPrimary(false);
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id !== "counter-results") { return; }
      var line = event.detail.target.firstElementChild;
      var tone = line ? line.getAttribute("data-tone") : "error";
      beep(tone);
      flash(tone);
      var form = activeForm();
      var origin = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (tone !== "error" && form && origin === form) {
        form.reset();
      }
      focusPrimary(tone === "error");
    });
    document.body.addEventListener("htmx:responseError", function () {
      beep("error");
      flash("error");
      focusPrimary(true);
    });
    focusPrimary(false);
  });
})();
