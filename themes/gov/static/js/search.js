// Full-text search over a static index (pagefind, built with the site): no server. On the
// portal, scope=group searches the index of every site of the group, served by the portal.
// In a file, not inline, so the page's Content-Security-Policy can forbid inline scripts;
// the values the template knows come from data- attributes of #search.
(function () {
  var box = document.getElementById("search");
  var params = new URLSearchParams(location.search);
  var q = (params.get("q") || "").trim();
  var group = params.get("scope") === "group" && box.getAttribute("data-group-allowed") === "true";
  var preview = box.getAttribute("data-preview") === "true";
  var options = { element: "#search", showSubResults: true, showImages: false, resetStyles: false,
    translations: { placeholder: "请输入关键词", zero_results: "未找到与“[SEARCH_TERM]”相关的信息",
      many_results: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的信息", one_result: "找到 1 条与“[SEARCH_TERM]”相关的信息",
      load_more: "更多结果", search_label: group ? "全市政府网站群搜索" : "站内搜索", clear_search: "清除" } };
  if (group) {
    options.bundlePath = new URL(box.getAttribute("data-group-bundle"), location.href).pathname;
    options.baseUrl = "/";
    // Pages are indexed as /<domain>/<path>: link to the site itself unless previewing output/.
    var toSite = function (url) { return preview ? url : url.replace(/^\/([^\/]+)\//, "https://$1/"); };
    options.processResult = function (result) {
      result.url = toSite(result.url);
      (result.sub_results || []).forEach(function (sub) { sub.url = toSite(sub.url); });
      return result;
    };
  }
  var ui = new PagefindUI(options);
  var scope = document.querySelector(".search-scope");
  if (scope) {
    scope.querySelector("[value=" + (group ? "group" : "site") + "]").checked = true;
    scope.addEventListener("change", function () {
      scope.querySelector("[name=q]").value = (document.querySelector("#search input") || {}).value || q;
      scope.submit();
    });
  }
  if (q) { document.getElementById("search-q").value = q; ui.triggerSearch(q); }
})();
