// 站内搜索 and, on the portal, 全市政府网站群搜索, over a static pagefind index: no server.
//
// Chinese: the index holds each page with every Han character as a token of its own
// (archive_tool/group/search/searchindex.py); tokenize() below does the same to the query, and a
// word of several characters is searched as a phrase (consecutive tokens). So the results
// are exactly the pages that contain the word: pagefind's own segmenter and the browser's
// Intl.Segmenter can split neither side differently (Pagefind/pagefind#1237).
//
// In a file, not inline, so the page's Content-Security-Policy can forbid inline scripts;
// what the template knows comes from data- attributes of #search.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) { return; }
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  var group = params.get("scope") === "group" && box.getAttribute("data-group-allowed") === "true";
  var preview = box.getAttribute("data-preview") === "true";
  var PAGE = 10;

  // The same ranges as TOKEN_RANGES in searchindex.py.
  var TOKEN = /[\u{3005}-\u{3007}\u{3040}-\u{30FF}\u{31F0}-\u{31FF}\u{3400}-\u{4DBF}\u{4E00}-\u{9FFF}\u{F900}-\u{FAFF}\u{20000}-\u{3134F}]/u;
  var ATTACHES = /^[\p{P}\p{S}]$/u;
  // Chinese punctuation ends the token it follows (searchindex.CLOSING_RANGES).
  var CLOSES = /[\u{2014}\u{2018}-\u{201F}\u{2026}\u{3000}-\u{303F}\u{FF00}-\u{FFEF}]/u;

  function fullWidthToAscii(text) {
    return text.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  }

  // searchindex.tokenize: a space around each Han or kana character and after Chinese
  // punctuation; punctuation stays with the token before it.
  function tokenize(text) {
    var out = "", previous = "";
    Array.from(fullWidthToAscii(text)).forEach(function (c) {
      if (previous && !/\s/.test(previous) && !/\s/.test(c) && !ATTACHES.test(c) &&
          (TOKEN.test(previous) || TOKEN.test(c) || CLOSES.test(previous))) {
        out += " ";
      }
      out += c;
      previous = c;
    });
    return out;
  }

  // Each word of the query as its list of tokens (punctuation dropped, as pagefind does).
  function queryWords(text) {
    return text.split(/\s+/).map(function (word) {
      return tokenize(word).split(/\s+/).map(function (token) {
        return token.replace(/[\p{P}\p{S}]/gu, "");
      }).filter(Boolean);
    }).filter(function (tokens) { return tokens.length; });
  }

  // The index's text back as the page wrote it: no space next to a Han character or after
  // Chinese punctuation.
  function joins(before, after) {
    return Boolean(before && (TOKEN.test(before) || CLOSES.test(before))) ||
      Boolean(after && TOKEN.test(after));
  }
  function untokenize(text) {
    var chars = Array.from(text.replace(/\s+/g, " ").trim());
    return chars.filter(function (c, i) {
      return c !== " " || !joins(chars[i - 1], chars[i + 1]);
    }).join("");
  }

  // pagefind's excerpt is HTML with <mark>: read it as text and marks only, never as markup.
  function excerptNodes(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    var pieces = [];
    parsed.querySelectorAll("p").forEach(function (p) {
      p.childNodes.forEach(function (node) {
        pieces.push({ text: node.textContent, marked: node.nodeName === "MARK" });
      });
    });
    var chars = [];
    pieces.forEach(function (piece) {
      Array.from(piece.text.replace(/\s+/g, " ")).forEach(function (c) {
        chars.push({ c: c, marked: piece.marked });
      });
    });
    var kept = chars.filter(function (item, i) {
      return item.c !== " " || !joins((chars[i - 1] || {}).c, (chars[i + 1] || {}).c);
    });
    var fragment = document.createDocumentFragment(), run = "", marked = false;
    function flush() {
      if (!run) { return; }
      if (marked) {
        var mark = document.createElement("mark");
        mark.textContent = run;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(run));
      }
      run = "";
    }
    kept.forEach(function (item) {
      if (item.marked !== marked) { flush(); marked = item.marked; }
      run += item.c;
    });
    flush();
    return fragment;
  }

  // Group results come as /<domain>/<path> (baseUrl below): link to the site itself (or, in a local
  // preview of output/, to its folder there).
  function pageUrl(url) {
    if (!group || preview) { return url; }
    return url.replace(/^\/([^\/]+)\//, "https://$1/");
  }

  function say(text) { status.textContent = text; }
  function busy(value) { box.setAttribute("aria-busy", value ? "true" : "false"); }

  function render(results, shown) {
    var batch = results.slice(shown, shown + PAGE);
    return Promise.all(batch.map(function (result) { return result.data(); })).then(function (pages) {
      pages.forEach(function (data) {
        var item = document.createElement("li");
        item.className = "search-result";
        var heading = document.createElement("h2");
        var link = document.createElement("a");
        link.href = pageUrl(data.url);
        link.textContent = untokenize(data.meta.title || data.url);
        heading.appendChild(link);
        item.appendChild(heading);
        var facts = document.createElement("p");
        facts.className = "search-result-meta";
        if (group && data.meta.site) {
          var site = document.createElement("span");
          site.className = "search-result-site";
          site.textContent = data.meta.site;
          facts.appendChild(site);
        }
        if (data.meta.date) {
          var time = document.createElement("time");
          time.dateTime = data.meta.date;
          time.textContent = data.meta.date;
          facts.appendChild(time);
        }
        if (facts.childNodes.length) { item.appendChild(facts); }
        var excerpt = document.createElement("p");
        excerpt.className = "search-result-excerpt";
        excerpt.appendChild(excerptNodes(data.excerpt || ""));
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      return shown + batch.length;
    });
  }

  function search(pagefind, words) {
    // All tokens at once: pagefind's ranking (BM25, headings weighted), pages holding every
    // token. Each word again as a phrase: only pages where it is written.
    // In the group's search a site's copy of another site's item (origin "repost",
    // searchindex.ORIGIN) is left out: the item is listed once, at its original.
    var all = [].concat.apply([], words).join(" ");
    // Every word is also searched quoted, as written: unquoted, pagefind falls back to a
    // shorter prefix in an index that lacks the word (「12345」 found 「12」 on a site
    // without it), so only pages holding each word exactly are kept.
    var phrases = words;
    var only = group ? { filters: { not: { origin: "repost" } } } : {};
    return Promise.all([pagefind.search(all, only)].concat(phrases.map(function (tokens) {
      return pagefind.search('"' + tokens.join(" ") + '"', only);
    }))).then(function (found) {
      var ranked = found[0].results;
      if (!phrases.length) { return ranked; }
      var exact = found.slice(1).map(function (response) {
        var byId = {};
        response.results.forEach(function (result) { byId[result.id] = result; });
        return byId;
      });
      var seen = {};
      return ranked.filter(function (result) {
        if (seen[result.id]) { return false; }
        seen[result.id] = true;
        return exact.every(function (byId) { return byId[result.id]; });
      }).map(function (result) {
        return exact[0][result.id];  // its excerpt is around the phrase, not scattered tokens
      });
    });
  }

  // For the tests that hold this tokenizer to searchindex.tokenize, letter for letter.
  window.govSearch = { tokenize: tokenize, untokenize: untokenize };

  var input = document.getElementById("search-page-q");
  if (input) { input.value = query; }
  var scope = document.querySelector(".search-scope");
  if (scope) {
    scope.querySelector("[value=" + (group ? "group" : "site") + "]").checked = true;
  }
  var where = group ? "全市政府网站群" : "本站";
  var words = queryWords(query);
  if (!words.length) {
    say(query ? "请输入要搜索的文字。" : "请输入关键词后搜索" + where + "信息。");
    return;
  }
  say("正在搜索…");
  busy(true);
  // Each site's index is in shards, one pagefind bundle per year (pagefind/shards.json lists
  // them newest first; archive_tool/group/search/shards.py): the first is pagefind's primary
  // index and the others are merged in. The group's search merges as well every shard of
  // every other online site, from the portal's copy of its index (pagefind-group/<domain>/),
  // each page's address prefixed with its site's domain as above.
  var bundle = new URL(box.getAttribute("data-bundle"), location.href);
  var groupBundle = new URL(box.getAttribute("data-group-bundle"), location.href);
  var domain = box.getAttribute("data-domain");
  var others = (box.getAttribute("data-group-sites") || "").split(/\s+/).filter(Boolean);
  function shards(folder) {
    return fetch(folder + "shards.json").then(function (response) {
      if (!response.ok) { throw new Error(folder + "shards.json: " + response.status); }
      return response.json();
    }).then(function (listed) {
      return listed.shards.map(function (shard) { return folder + shard.name + "/"; });
    });
  }
  var sites = [{ folder: bundle.pathname, baseUrl: group ? "/" + domain + "/" : null }];
  if (group) {
    others.forEach(function (other) {
      sites.push({ folder: groupBundle.pathname + other + "/", baseUrl: "/" + other + "/" });
    });
  }
  Promise.all(sites.map(function (site) { return shards(site.folder); })).then(function (found) {
    var merged = [];
    found.forEach(function (folders, i) {
      folders.forEach(function (folder) {
        merged.push({ folder: folder, baseUrl: sites[i].baseUrl });
      });
    });
    if (!merged.length) { return []; }  // nothing indexed anywhere
    var primary = merged.shift().folder;
    // The primary's address would otherwise give its folder as the site's root.
    var siteRoot = sites[0].baseUrl || bundle.pathname.replace(/pagefind\/$/, "");
    return import(primary + "pagefind.js").then(function (pagefind) {
      return pagefind.options({ excerptLength: 40, baseUrl: siteRoot }).then(function () {
        return Promise.all(merged.map(function (shard) {
          return pagefind.mergeIndex(shard.folder, {
            baseUrl: shard.baseUrl || siteRoot, excerptLength: 40
          });
        }));
      }).then(function () { return search(pagefind, words); });
    });
  }).then(function (results) {
    if (!results.length) {
      say(where + "未找到与“" + query + "”相关的信息。");
      busy(false);
      return;
    }
    say(where + "找到 " + results.length + " 条与“" + query + "”相关的信息。");
    var shown = 0;
    function next() {
      more.disabled = true;
      busy(true);
      return render(results, shown).then(function (count) {
        shown = count;
        more.hidden = shown >= results.length;
        more.disabled = false;
        busy(false);
      });
    }
    more.addEventListener("click", next);
    return next();
  }).catch(function () {
    say("搜索暂时无法使用，请稍后再试，或通过网站地图查找信息。");
    busy(false);
  });
})();
