/* VelocityCollector sidebar: the Captures view (browse by type / device / age, viewer with find
 * next/previous, regex search across captures with highlighted matches, Smart Export preview and
 * JSON/CSV download). */
/* global document, Blob, URL */
(function () {
  "use strict";
  var AGES = ["", "1h", "24h", "7d", "30d"];

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function create($c, app) {
    var t = app.t;
    var el = app.el;
    var current = null;

    // ---- browse -------------------------------------------------------------------------
    var $filters = el("div", "vc-sb-filters").appendTo($c);
    var $type = $('<select class="vc-sb-cap-type">').attr("aria-label", t("captures.type")).appendTo($filters);
    var $device = $('<input type="search" class="vc-sb-cap-device">')
      .attr("placeholder", t("captures.device"))
      .attr("aria-label", t("captures.device"))
      .appendTo($filters);
    var $age = app
      .select(
        AGES.map(function (a) {
          return { value: a, label: a ? t("captures.younger", { age: a }) : t("captures.anyAge") };
        }),
      )
      .addClass("vc-sb-cap-age")
      .attr("aria-label", t("captures.age"))
      .appendTo($filters);
    var $hist = $('<input type="checkbox" class="vc-sb-cap-history">');
    $("<label>")
      .append($hist)
      .append(document.createTextNode(" " + t("captures.includeHistory")))
      .appendTo($filters);

    // ---- search -------------------------------------------------------------------------
    var $search = $('<form class="vc-sb-search">').appendTo($c);
    var $pattern = $('<input type="search" class="vc-sb-search-pattern" required>')
      .attr("placeholder", t("captures.searchPlaceholder"))
      .attr("aria-label", t("captures.searchPlaceholder"))
      .appendTo($search);
    var $regex = $('<input type="checkbox" class="vc-sb-search-regex">');
    var $case = $('<input type="checkbox" class="vc-sb-search-case">');
    $("<label>")
      .append($regex)
      .append(document.createTextNode(" " + t("captures.regex")))
      .appendTo($search);
    $("<label>")
      .append($case)
      .append(document.createTextNode(" " + t("captures.caseSensitive")))
      .appendTo($search);
    app.button(t("captures.search"), "fa-search", "vc-sb-search-run").attr("type", "submit").appendTo($search);

    var $msg = el("div", "vc-sb-message").attr("role", "status").appendTo($c);
    var $list = el("div", "vc-sb-table-box vc-sb-cap-list").appendTo($c);
    var $results = el("div", "vc-sb-search-results").appendTo($c);
    var $viewer = el("div", "vc-sb-viewer").hide().appendTo($c);
    var $export = el("div", "vc-sb-export").hide().appendTo($c);
    var $versions = el("div", "vc-sb-versions").hide().appendTo($c);

    var timer;
    $device.on("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    });
    $type.add($age).add($hist).on("change", load);

    function load() {
      var q = { type: $type.val(), device: $device.val().trim(), age: $age.val(), history: $hist.prop("checked") };
      app.api("GET", "captures" + app.query(q)).then(
        function (r) {
          var currentType = $type.val();
          $type.empty();
          $("<option>").val("").text(t("captures.allTypes")).appendTo($type);
          r.types.forEach(function (ty) {
            $("<option>").val(ty).text(ty).appendTo($type);
          });
          $type.val(currentType || "");
          app.message($msg, r.captures.length ? "" : t("captures.none"));
          $list.empty();
          app
            .table(
              [
                { key: "type", label: t("captures.type") },
                { key: "device", label: t("captures.device"), cls: "vc-sb-cap-device-cell" },
                {
                  label: t("captures.age"),
                  render: function (f) {
                    return app.age(f.capturedAt) + (f.history ? " · " + t("captures.historyCopy") : "");
                  },
                },
                {
                  label: t("captures.size"),
                  render: function (f) {
                    return app.bytes(f.size);
                  },
                },
              ],
              r.captures,
              {
                onRow: function (f, $tr) {
                  $tr
                    .attr("tabindex", "0")
                    .attr("data-capture", f.type + "/" + f.device + (f.stamp ? "@" + f.stamp : ""))
                    .addClass("vc-sb-clickable")
                    .on("click keydown", function (e) {
                      if (e.type === "click" || e.key === "Enter") {
                        open(f);
                      }
                    });
                },
              },
            )
            .addClass("vc-sb-captures-table")
            .appendTo($list);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    $search.on("submit", function (e) {
      e.preventDefault();
      var q = {
        pattern: $pattern.val(),
        regex: $regex.prop("checked"),
        caseSensitive: $case.prop("checked"),
        type: $type.val(),
        history: $hist.prop("checked"),
      };
      $results.empty();
      app.api("GET", "captures/search" + app.query(q)).then(
        function (r) {
          el(
            "div",
            "vc-sb-search-summary",
            t("captures.searchSummary", {
              matches: r.matches.length,
              files: r.filesMatched,
              searched: r.filesSearched,
            }) + (r.truncated ? " " + t("captures.truncated") : ""),
          ).appendTo($results);
          var $ul = el("ul", "vc-sb-search-list").appendTo($results);
          r.matches.forEach(function (m) {
            var $li = el("li", "vc-sb-search-hit").attr("tabindex", "0").appendTo($ul);
            el("span", "vc-sb-hit-where", m.type + "/" + m.device + ":" + m.lineNumber).appendTo($li);
            $li.append(document.createTextNode(" "));
            app.highlighted(m.line, [m.match]).addClass("vc-sb-hit-line").appendTo($li);
            $li.on("click keydown", function (ev) {
              if (ev.type === "click" || ev.key === "Enter") {
                open(
                  { type: m.type, device: m.device, stamp: m.stamp },
                  { pattern: q.pattern, regex: q.regex, caseSensitive: q.caseSensitive, line: m.lineNumber },
                );
              }
            });
          });
        },
        function (xhr) {
          el("div", "vc-sb-error", app.errorText(xhr)).appendTo($results);
        },
      );
    });

    // ---- viewer with find ---------------------------------------------------------------
    function captureQuery(f) {
      return app.query({ type: f.type, device: f.device, stamp: f.stamp });
    }

    function open(f, find) {
      current = f;
      $export.hide().empty();
      $versions.hide().empty();
      app.api("GET", "captures/content" + captureQuery(f)).then(
        function (r) {
          drawViewer(r, find);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    function drawViewer(r, find) {
      $viewer.empty().show();
      var $head = el("div", "vc-sb-panel-head").appendTo($viewer);
      el("span", "vc-sb-panel-title vc-sb-viewer-title", r.type + "/" + r.device).appendTo($head);
      el(
        "span",
        "vc-sb-hint",
        " " + app.bytes(r.size) + (r.truncated ? " · " + t("captures.viewTruncated") : ""),
      ).appendTo($head);
      app
        .button("", "fa-times", "vc-sb-viewer-close")
        .attr("aria-label", t("common.close"))
        .appendTo($head)
        .on("click", function () {
          $viewer.hide().empty();
          $export.hide().empty();
          $versions.hide().empty();
        });
      var $find = $('<div class="vc-sb-find">').appendTo($viewer);
      var $input = $('<input type="search" class="vc-sb-find-input">')
        .attr("placeholder", t("captures.find"))
        .attr("aria-label", t("captures.find"))
        .appendTo($find);
      var $fre = $('<input type="checkbox" class="vc-sb-find-regex">');
      $("<label>")
        .append($fre)
        .append(document.createTextNode(" .*"))
        .attr("title", t("captures.regex"))
        .appendTo($find);
      var $prev = app
        .button("", "fa-chevron-up", "vc-sb-find-prev")
        .attr("aria-label", t("captures.findPrev"))
        .appendTo($find);
      var $next = app
        .button("", "fa-chevron-down", "vc-sb-find-next")
        .attr("aria-label", t("captures.findNext"))
        .appendTo($find);
      var $count = el("span", "vc-sb-find-count").attr("aria-live", "polite").appendTo($find);
      app
        .button(t("captures.smartExport"), "fa-table", "vc-sb-smart-export")
        .appendTo($find)
        .on("click", smartExportPreview);
      app
        .button(t("captures.versions"), "fa-code-fork", "vc-sb-versions-btn")
        .appendTo($find)
        .on("click", versionsPanel);
      var $pre = el("pre", "vc-sb-capture-text").attr("tabindex", "0").appendTo($viewer);
      var lines = r.text.split("\n");
      var marks = [];
      var index = -1;

      function paint() {
        var pattern = $input.val();
        var re = null;
        $count.removeClass("vc-sb-error");
        if (pattern) {
          try {
            re = new RegExp($fre.prop("checked") ? pattern : escapeRegExp(pattern), "gi");
          } catch {
            $count.text(t("captures.badRegex")).addClass("vc-sb-error");
          }
        }
        $pre.empty();
        var frag = document.createDocumentFragment();
        lines.forEach(function (line, i) {
          var ranges = [];
          if (re) {
            re.lastIndex = 0;
            var m;
            var guard = 0;
            while ((m = re.exec(line)) !== null && guard++ < 1000) {
              if (m[0] === "") {
                re.lastIndex++;
                continue;
              }
              ranges.push([m.index, m.index + m[0].length]);
            }
          }
          var $line = $('<span class="vc-sb-line">').attr("data-line", i + 1);
          $line.append(ranges.length ? app.highlighted(line, ranges) : document.createTextNode(line));
          $line.append(document.createTextNode("\n"));
          frag.appendChild($line[0]);
        });
        $pre[0].appendChild(frag);
        marks = $pre.find("mark").toArray();
        index = marks.length ? 0 : -1;
        focusMark();
      }

      function focusMark() {
        $pre.find("mark.vc-sb-current").removeClass("vc-sb-current");
        if (index < 0) {
          if ($input.val() && !$count.hasClass("vc-sb-error")) {
            $count.text(t("captures.noMatch"));
          } else if (!$input.val()) {
            $count.text("");
          }
          return;
        }
        var m = $(marks[index]).addClass("vc-sb-current");
        $count.text(t("captures.matchOf", { n: index + 1, total: marks.length }));
        if (m[0].scrollIntoView) {
          m[0].scrollIntoView({ block: "nearest" });
        }
      }

      function step(d) {
        if (!marks.length) {
          return;
        }
        index = (index + d + marks.length) % marks.length;
        focusMark();
      }

      $input.on("input", paint);
      $fre.on("change", paint);
      $input.on("keydown", function (e) {
        if (e.key === "Enter") {
          e.preventDefault();
          step(e.shiftKey ? -1 : 1);
        }
      });
      $next.on("click", function () {
        step(1);
      });
      $prev.on("click", function () {
        step(-1);
      });
      if (find) {
        $input.val(find.regex ? find.pattern : find.pattern);
        $fre.prop("checked", Boolean(find.regex));
        paint();
        var target = $pre.find('.vc-sb-line[data-line="' + find.line + '"] mark')[0];
        if (target) {
          index = marks.indexOf(target);
          focusMark();
        }
      } else {
        paint();
      }
      $input.trigger("focus");
    }

    // ---- Versions and diff (change detection) ---------------------------------------------
    function versionsPanel() {
      var f = current;
      $versions.empty().show();
      var key = app.query({ type: f.type, device: f.device });
      app.api("GET", "captures/versions" + key).then(
        function (r) {
          $versions.empty();
          el("h4", "vc-sb-section", t("captures.versionsTitle", { name: f.type + "/" + f.device })).appendTo($versions);
          if (r.versions.length === 0) {
            el("div", "vc-sb-hint", t("captures.noVersions")).appendTo($versions);
            return;
          }
          app
            .table(
              [
                {
                  label: "v",
                  render: function (v) {
                    return "v" + v.version;
                  },
                },
                {
                  label: t("captures.time"),
                  render: function (v) {
                    return new Date(v.capturedAt).toLocaleString();
                  },
                },
                {
                  label: "sha256",
                  cls: "vc-sb-mono",
                  render: function (v) {
                    return v.sha256.slice(0, 12);
                  },
                },
                {
                  label: t("captures.size"),
                  render: function (v) {
                    return app.bytes(v.size);
                  },
                },
                {
                  label: "+/−",
                  render: function (v) {
                    return "+" + v.added + " −" + v.removed;
                  },
                },
              ],
              r.versions,
              {
                onRow: function (v, $tr) {
                  $tr.attr("data-version", v.version);
                },
              },
            )
            .addClass("vc-sb-versions-table")
            .appendTo($versions);
          var opts = r.versions.map(function (v) {
            return { value: String(v.version), label: "v" + v.version };
          });
          var $form = $('<form class="vc-sb-form vc-sb-diff-form">').appendTo($versions);
          var $from = app.select(opts, r.versions.length > 1 ? String(r.versions[1].version) : opts[0].value);
          var $to = app.select(opts, opts[0].value);
          $form.append(app.field(t("captures.diffFrom"), $from, "vc-sb-diff-from"));
          $form.append(app.field(t("captures.diffTo"), $to, "vc-sb-diff-to"));
          app
            .button(t("captures.diff"), "fa-exchange", "primary vc-sb-diff-run")
            .attr("type", "submit")
            .appendTo($form);
          var $out = el("div", "vc-sb-diff-out").appendTo($versions);
          $form.on("submit", function (e) {
            e.preventDefault();
            showDiff(f, Number($from.val()), Number($to.val()), $out);
          });
          if (r.versions.length > 1) {
            showDiff(f, r.versions[1].version, r.versions[0].version, $out);
          }
        },
        function (xhr) {
          $versions.empty();
          el("div", "vc-sb-error", app.errorText(xhr)).appendTo($versions);
        },
      );
    }

    function showDiff(f, from, to, $out) {
      $out.empty();
      if (from >= to) {
        el("div", "vc-sb-error", t("captures.diffOrder")).appendTo($out);
        return;
      }
      app.api("GET", "captures/diff" + app.query({ type: f.type, device: f.device, from: from, to: to })).then(
        function (d) {
          el(
            "div",
            "vc-sb-hint vc-sb-diff-summary",
            t("captures.diffSummary", { from: from, to: to, added: d.added, removed: d.removed }) +
              (d.redacted ? " · " + t("captures.redacted") : ""),
          ).appendTo($out);
          if (d.diff === "") {
            el("div", "vc-sb-hint", t("captures.noChange")).appendTo($out);
            return;
          }
          var $pre = el("pre", "vc-sb-diff").attr("tabindex", "0").appendTo($out);
          d.diff.split("\n").forEach(function (line) {
            var cls = /^(\+\+\+|---)/.test(line)
              ? "vc-sb-diff-file"
              : line[0] === "+"
                ? "vc-sb-diff-add"
                : line[0] === "-"
                  ? "vc-sb-diff-del"
                  : line.indexOf("@@") === 0
                    ? "vc-sb-diff-hunk"
                    : "vc-sb-diff-ctx";
            el("span", cls, line).appendTo($pre);
            $pre.append(document.createTextNode("\n"));
          });
        },
        function (xhr) {
          el("div", "vc-sb-error", app.errorText(xhr)).appendTo($out);
        },
      );
    }

    // ---- Smart Export -------------------------------------------------------------------
    function smartExportPreview() {
      var f = current;
      $export.empty().show();
      app.message(el("div", "vc-sb-hint").appendTo($export), t("captures.detecting"));
      app.api("GET", "captures/smart-export" + captureQuery(f)).then(
        function (r) {
          $export.empty();
          var $head = el("div", "vc-sb-panel-head").appendTo($export);
          el("span", "vc-sb-panel-title", t("captures.exportTitle")).appendTo($head);
          el(
            "div",
            "vc-sb-export-meta",
            t("captures.exportMeta", { template: r.template, score: r.score.toFixed(2), count: r.recordCount }),
          ).appendTo($export);
          var $buttons = el("div", "vc-sb-form-buttons").appendTo($export);
          app
            .button(t("captures.downloadJson"), "fa-download", "vc-sb-download-json")
            .appendTo($buttons)
            .on("click", function () {
              download(f, "json");
            });
          app
            .button(t("captures.downloadCsv"), "fa-download", "vc-sb-download-csv")
            .appendTo($buttons)
            .on("click", function () {
              download(f, "csv");
            });
          var cols = r.fields.map(function (name) {
            return {
              key: name,
              label: name,
              render: function (rec) {
                var v = rec[name];
                return Array.isArray(v) ? v.join("; ") : v;
              },
            };
          });
          var $box = el("div", "vc-sb-table-box vc-sb-export-box").appendTo($export);
          app.table(cols, r.records).addClass("vc-sb-export-table").appendTo($box);
          if (r.truncated) {
            el("div", "vc-sb-hint", t("captures.previewTruncated", { count: r.records.length })).appendTo($export);
          }
        },
        function (xhr) {
          $export.empty();
          el("div", "vc-sb-error vc-sb-export-error", app.errorText(xhr)).appendTo($export);
        },
      );
    }

    /** Fetches the file with the editor's credentials, then saves it through a blob link. */
    function download(f, format) {
      $.ajax({
        url:
          "vc/captures/smart-export" +
          app.query({ type: f.type, device: f.device, stamp: f.stamp, format: format, download: true }),
        method: "GET",
        dataType: "text",
        cache: false,
      }).then(
        function (content, _status, xhr) {
          var name = f.device + "_" + f.type + "_parsed." + format;
          var disposition = xhr.getResponseHeader("Content-Disposition") || "";
          var m = /filename="([^"]+)"/.exec(disposition);
          if (m) {
            name = m[1];
          }
          var blob = new Blob([content], { type: format === "csv" ? "text/csv" : "application/json" });
          var url = URL.createObjectURL(blob);
          var $a = $("<a>").attr("href", url).attr("download", name).appendTo(document.body);
          $a[0].click();
          $a.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 10000);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    return { refresh: load };
  }

  (window.VcSidebar = window.VcSidebar || { views: [] }).views.push({
    id: "captures",
    order: 50,
    icon: "fa-file-text-o",
    create: create,
  });
})();
