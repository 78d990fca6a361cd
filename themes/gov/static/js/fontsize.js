// 适老化: a larger font size, remembered on this device. Everything works without it.
// In a file, not inline, so the page's Content-Security-Policy can forbid inline scripts.
(function () {
  var key = "gov-font-scale";
  function apply(scale) {
    document.documentElement.style.fontSize = (16 * scale) + "px";
    document.querySelectorAll("[data-font-scale]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(parseFloat(button.dataset.fontScale) === scale));
    });
    try { localStorage.setItem(key, String(scale)); } catch (e) {}
  }
  var saved = null;
  try { saved = localStorage.getItem(key); } catch (e) {}
  if (saved) { apply(parseFloat(saved)); }
  document.querySelectorAll("[data-font-scale]").forEach(function (button) {
    button.addEventListener("click", function () { apply(parseFloat(button.dataset.fontScale)); });
  });
})();
