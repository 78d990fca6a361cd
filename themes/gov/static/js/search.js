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
  // The 公开目录 facets (archive_tool/group/search/facets.py FACETS): pagefind filters, and
  // URL parameters of this page (the 公开目录 links to it with one of them set).
  var FACETS = [["topic", "主题分类"], ["publisher", "发布机构"], ["genre", "体裁"], ["year", "年份"]];
  var chosen = {};
  FACETS.forEach(function (facet) {
    var value = (params.get(facet[0]) || "").trim();
    if (value) { chosen[facet[0]] = value; }
  });
  var byDate = params.get("sort") === "date";

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

  // Where a block of the page ends (a heading, a paragraph, a table cell), the index's copy
  // writes BLOCK_END (searchindex.BLOCK_END): shown as a break, so a title or a cell is not
  // glued to the text after it.
  var BLOCK_END = "\u2e31";
  var BREAK = "\u3000";
  var BLOCK_ENDS = /(?:\s*\u2e31)+\s*/g;

  // The index's text back as the page wrote it: no space next to a Han character or after
  // Chinese punctuation.
  function joins(before, after) {
    return Boolean(before && (TOKEN.test(before) || CLOSES.test(before))) ||
      Boolean(after && TOKEN.test(after));
  }
  function untokenize(text) {
    var chars = Array.from(text.replace(BLOCK_ENDS, " ").replace(/\s+/g, " ").trim());
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
        // A mark takes in the punctuation written with its word: highlight the word only.
        chars.push({ c: c, marked: piece.marked && !ATTACHES.test(c) });
      });
    });
    var kept = chars.filter(function (item, i) {
      return item.c !== " " || !joins((chars[i - 1] || {}).c, (chars[i + 1] || {}).c);
    });
    // Block ends (and the spaces around them) as one break; none at either end.
    kept = kept.reduce(function (out, item) {
      var last = out[out.length - 1];
      if (item.c === BLOCK_END || (item.c === " " && last && last.c === BREAK)) {
        if (last && last.c === " ") { out.pop(); last = out[out.length - 1]; }
        if (last && last.c !== BREAK) { out.push({ c: BREAK, marked: false }); }
        return out;
      }
      out.push(item);
      return out;
    }, []);
    while (kept.length && kept[kept.length - 1].c === BREAK) { kept.pop(); }
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

  // The next page of results, appended to the list; resolves to how many were added.
  function render(results) {
    return results.next(PAGE).then(function (batch) {
      return Promise.all(batch.map(function (result) { return result.data(); }));
    }).then(function (pages) {
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
      return pages.length;
    });
  }

  // The filters of every search: the chosen facets and, in the group's search, no copies.
  function searchFilters() {
    var filters = Object.assign({}, chosen);
    if (group) { filters.not = { origin: "repost" }; }
    return filters;
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
    var only = { filters: searchFilters() };
    if (!words.length) {  // browsing the 公开目录: every page of the chosen facets
      return pagefind.search(null, only).then(function (found) { return found.results; });
    }
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

  // Results in rank order, a page at a time: `length` of them, `next(n)` the following n.
  function listed(results) {
    var shown = 0;
    return {
      length: results.length,
      next: function (n) {
        var batch = results.slice(shown, shown + n);
        shown += batch.length;
        return Promise.resolve(batch);
      }
    };
  }

  // A result whose data (its fragment, one request) is fetched once however often it is asked.
  function once(result) {
    var data = null;
    return { id: result.id, data: function () { return data || (data = result.data()); } };
  }

  // Newest first (an undated page last, in rank order), without opening every result.
  // pagefind sorts one index by data-pagefind-sort from the index alone, but across merged
  // indexes (a site's year shards, the group's sites) pagefind 1.5 interleaves each index's
  // own order. So each shard is searched again on its own, sorted: a site's shards are its
  // years, newest first, so their orders joined are the site's order; the group's sites are
  // merged as they are shown, by the dates of the pages at the head of each site's list
  // (a fragment each), not of all of them. sitesShards: each site's shard folders, as listed.
  function newestFirst(pagefind, sitesShards, results) {
    var byId = {};
    results.forEach(function (result) { byId[result.id] = once(result); });
    var sorted = { filters: searchFilters(), sort: { date: "desc" } };
    return Promise.all(sitesShards.map(function (folders) {
      return Promise.all(folders.filter(function (folder) {
        return !/\/undated\/$/.test(folder);  // shards.UNDATED: no page there has a date
      }).map(function (folder) {
        var shard = pagefind.createInstance({ basePath: folder });
        return shard.search(null, sorted).then(function (found) {
          shard.destroy();
          return found.results.map(function (result) { return result.id; });
        });
      })).then(function (years) {
        return [].concat.apply([], years).filter(function (id) { return byId[id]; });
      });
    })).then(function (lists) {
      var dated = {};
      lists.forEach(function (ids) { ids.forEach(function (id) { dated[id] = true; }); });
      var undated = results.filter(function (result) { return !dated[result.id]; });
      var heads = lists.map(function () { return 0; });
      function take(i) { return byId[lists[i][heads[i]++]]; }
      function one() {
        var live = heads.map(function (at, i) { return i; }).filter(function (i) {
          return heads[i] < lists[i].length;
        });
        if (!live.length) { return Promise.resolve(undated.length ? byId[undated.shift().id] : null); }
        if (live.length === 1) { return Promise.resolve(take(live[0])); }
        return Promise.all(live.map(function (i) {
          return byId[lists[i][heads[i]]].data().then(function (data) { return data.meta.date || ""; });
        })).then(function (dates) {
          var best = 0;
          dates.forEach(function (date, j) { if (date > dates[best]) { best = j; } });
          return take(live[best]);
        });
      }
      return {
        length: results.length,
        next: function (n) {
          var batch = [];
          function step() {
            if (batch.length >= n) { return batch; }
            return one().then(function (result) {
              if (!result) { return batch; }
              batch.push(result);
              return step();
            });
          }
          return Promise.resolve(step());
        }
      };
    });
  }

  // For the tests that hold this tokenizer to searchindex.tokenize, letter for letter.
  window.govSearch = { tokenize: tokenize, untokenize: untokenize };

  var input = document.getElementById("search-page-q");
  if (input) { input.value = query; }
  var scope = document.querySelector("input[name=scope][value=" + (group ? "group" : "site") + "]");
  if (scope) { scope.checked = true; }
  var where = group ? "全市政府网站群" : "本站";
  var words = queryWords(query);
  var browsing = Object.keys(chosen).length > 0;
  var sortChoice = document.getElementById("search-sort");
  if (sortChoice) { sortChoice.value = byDate ? "date" : ""; }
  if (!words.length && (query || !browsing)) {
    say(query ? "请输入要搜索的文字。" : "请输入关键词后搜索" + where + "信息。");
    return;
  }
  // What the results are limited to, said with the count: 「（主题分类：政策文件）」.
  var limits = FACETS.filter(function (facet) { return chosen[facet[0]]; }).map(function (facet) {
    return facet[1] + "：" + chosen[facet[0]];
  }).join("，");
  var limited = limits ? "（" + limits + "）" : "";

  // Each facet's values, with how many pages hold each, as the choices of its <select>.
  function offerFilters(pagefind) {
    var fieldset = document.getElementById("search-filters");
    if (!fieldset) { return Promise.resolve(); }
    return pagefind.filters().then(function (available) {
      FACETS.forEach(function (facet) {
        var select = document.getElementById("search-filter-" + facet[0]);
        var counts = available[facet[0]] || {};
        var values = Object.keys(counts).sort(function (a, b) {
          return facet[0] === "year" ? (a < b ? 1 : -1) : counts[b] - counts[a] || (a < b ? -1 : 1);
        });
        if (chosen[facet[0]] && values.indexOf(chosen[facet[0]]) < 0) { values.unshift(chosen[facet[0]]); }
        values.forEach(function (value) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value + (counts[value] ? "（" + counts[value] + "）" : "");
          option.selected = chosen[facet[0]] === value;
          select.appendChild(option);
        });
      });
      fieldset.hidden = false;
    });
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
    var sitesShards = found;
    var merged = [];
    found.forEach(function (folders, i) {
      folders.forEach(function (folder) {
        merged.push({ folder: folder, baseUrl: sites[i].baseUrl });
      });
    });
    if (!merged.length) { return listed([]); }  // nothing indexed anywhere
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
      }).then(function () { return offerFilters(pagefind); }).then(function () {
        return search(pagefind, words);
      }).then(function (results) {
        return byDate ? newestFirst(pagefind, sitesShards, results) : listed(results);
      });
    });
  }).then(function (results) {
    var about = words.length ? "与“" + query + "”相关的信息" : "信息";
    if (!results.length) {
      say(where + limited + "未找到" + about + "。");
      busy(false);
      return;
    }
    say(where + limited + "找到 " + results.length + " 条" + about + "。" +
      (byDate ? "按发布日期排列，最新的在前。" : ""));
    var shown = 0;
    function next() {
      more.disabled = true;
      busy(true);
      return render(results).then(function (count) {
        shown += count;
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
