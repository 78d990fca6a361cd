// 关怀版 and the accessibility tool bar (工信部《互联网网站适老化通用设计规范》): larger text,
// high contrast, wider line spacing, a large pointer, a reading guide and the page read aloud by
// the browser's own speechSynthesis. Choices are kept on this device (localStorage) and hold on
// every page of the site. Loaded in <head> without defer so the saved choices apply before the
// first paint (no flash, no layout shift); in a file, not inline, so the Content-Security-Policy
// forbids inline scripts. Without JavaScript the tool bar stays hidden and the page reads as is.
(function () {
  "use strict";
  var KEY = "gov-care";
  var root = document.documentElement;
  var DEFAULTS = { care: false, scale: 1, contrast: false, spacing: false, cursor: false, guide: false, open: false };
  // 关怀版 turns these on together; turning it off returns to the standard page.
  var CARE = { care: true, scale: 1.25, spacing: true, cursor: true };
  var SCALES = { "1": "", "1.25": "fs-125", "1.5": "fs-150" };
  var FLAGS = { care: "care", contrast: "hc", spacing: "spacing", cursor: "big-cursor", guide: "guide", open: "a11y-open" };

  function load() {
    var state = {}, saved = {};
    try { saved = JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) {}
    Object.keys(DEFAULTS).forEach(function (name) {
      state[name] = typeof saved[name] === typeof DEFAULTS[name] ? saved[name] : DEFAULTS[name];
    });
    if (!SCALES.hasOwnProperty(String(state.scale))) { state.scale = 1; }
    return state;
  }

  function save(state) {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) {}
  }

  function applyClasses(state) {
    root.classList.add("js");
    Object.keys(FLAGS).forEach(function (name) { root.classList.toggle(FLAGS[name], state[name]); });
    Object.keys(SCALES).forEach(function (scale) {
      if (SCALES[scale]) { root.classList.toggle(SCALES[scale], String(state.scale) === scale); }
    });
  }

  function setCare(on) {
    Object.keys(CARE).forEach(function (name) { state[name] = on ? CARE[name] : DEFAULTS[name]; });
  }

  var state = load();
  // A link can open the 关怀版 (…?care=1) or leave it (care=0), e.g. one sent to a parent.
  var asked = /[?&]care=([01])(?:&|$)/.exec(location.search);
  if (asked) {
    setCare(asked[1] === "1");
    save(state);
  }
  applyClasses(state);

  function text(element) {
    return (element && element.innerText || "").replace(/\s+/g, " ").trim();
  }

  // 朗读: the main content in sentences (Chromium cuts one long utterance short), in Chinese.
  function readAloud(button) {
    var speech = window.speechSynthesis;
    if (speech.speaking || speech.pending) {
      speech.cancel();
      button.setAttribute("aria-pressed", "false");
      return;
    }
    var sentences = text(document.getElementById("main")).match(/[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$/g) || [];
    sentences.forEach(function (sentence, index) {
      var utterance = new SpeechSynthesisUtterance(sentence);
      utterance.lang = "zh-CN";
      if (index === sentences.length - 1) {
        utterance.onend = utterance.onerror = function () { button.setAttribute("aria-pressed", "false"); };
      }
      speech.speak(utterance);
    });
    button.setAttribute("aria-pressed", String(sentences.length > 0));
  }

  function setUp() {
    var toggle = document.querySelector("[data-a11y-toggle]");
    var tools = document.getElementById("a11y-tools");
    var guide = document.createElement("div");
    guide.className = "reading-guide";
    guide.setAttribute("aria-hidden", "true");
    document.body.appendChild(guide);

    function show() {
      applyClasses(state);
      save(state);
      document.querySelectorAll("[data-care]").forEach(function (button) {
        button.setAttribute("aria-pressed", String(state.care));
        button.textContent = state.care ? "退出关怀版" : "关怀版";
      });
      document.querySelectorAll("[data-scale]").forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-scale") === String(state.scale)));
      });
      document.querySelectorAll("[data-flag]").forEach(function (button) {
        button.setAttribute("aria-pressed", String(state[button.getAttribute("data-flag")]));
      });
      if (toggle) { toggle.setAttribute("aria-expanded", String(state.open)); }
    }

    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-care")) {
        setCare(!state.care);
      } else if (button.hasAttribute("data-scale")) {
        state.scale = parseFloat(button.getAttribute("data-scale"));
      } else if (button.hasAttribute("data-flag")) {
        var flag = button.getAttribute("data-flag");
        state[flag] = !state[flag];
      } else if (button.hasAttribute("data-a11y-toggle")) {
        state.open = !state.open;
      } else if (button.hasAttribute("data-reset")) {
        Object.keys(DEFAULTS).forEach(function (name) { if (name !== "open") { state[name] = DEFAULTS[name]; } });
      } else if (button.hasAttribute("data-read")) {
        readAloud(button);
        return;
      } else {
        return;
      }
      show();
    });

    // The tool bar closes with Escape, and focus goes back to the button that opened it.
    if (tools) {
      tools.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && toggle) {
          state.open = false;
          show();
          toggle.focus();
        }
      });
    }

    // 阅读辅助线: a band that follows the pointer, or the focused element for keyboard users.
    function moveGuide(y) { guide.style.top = Math.max(0, y - guide.offsetHeight / 2) + "px"; }
    document.addEventListener("mousemove", function (event) { if (state.guide) { moveGuide(event.clientY); } });
    document.addEventListener("focusin", function (event) {
      if (state.guide && event.target.getBoundingClientRect) {
        var box = event.target.getBoundingClientRect();
        moveGuide(box.top + box.height / 2);
      }
    });

    var read = document.querySelector("[data-read]");
    if (read && !("speechSynthesis" in window)) { read.hidden = true; }
    show();
    setUpMenu();
  }

  // The column menu on a phone: a button with aria-expanded; without JavaScript the menu is
  // simply shown (the CSS collapses it only under html.js).
  function setUpMenu() {
    var button = document.querySelector("[data-menu-toggle]");
    if (!button) { return; }
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    function set(open) {
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    }
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
    set(false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
