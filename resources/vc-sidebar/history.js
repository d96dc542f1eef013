/* VelocityCollector sidebar: the History view (runs with status and counts, per-device results,
 * error classes). */

(function () {
  "use strict";

  function create($c, app) {
    var t = app.t;
    var el = app.el;
    app.actionBar($c, "vc-sb-hist-refresh", function () {
      load();
    });
    var $msg = el("div", "vc-sb-message").attr("role", "status").appendTo($c);
    var $runs = el("div", "vc-sb-table-box").appendTo($c);
    var $detail = el("div", "vc-sb-hist-detail").appendTo($c);

    /** The run status column of a runs table (key: the sort key, if any). */
    function statusColumn(key) {
      return {
        key: key,
        label: t("history.status"),
        render: function (h) {
          return el("span", "vc-sb-run-status vc-sb-run-" + h.status, h.status);
        },
      };
    }

    function countsColumn() {
      return {
        label: t("history.counts"),
        render: function (h) {
          return t("history.countText", { total: h.total || 0, ok: h.ok || 0, failed: h.failed || 0 });
        },
      };
    }

    /** A run row that opens the run's detail on click or Enter (after `before`, if given). */
    function openOnClick($tr, id, before) {
      $tr
        .attr("tabindex", "0")
        .attr("data-history-id", id)
        .addClass("vc-sb-clickable")
        .on("click keydown", function (e) {
          if (e.type === "click" || e.key === "Enter") {
            if (before) {
              before();
            }
            detail(id);
          }
        });
    }

    function errorClasses(counts) {
      return Object.keys(counts || {})
        .map(function (k) {
          return k + " ×" + counts[k];
        })
        .join(", ");
    }

    function load() {
      return app.api("GET", "history?limit=100").then(
        function (r) {
          app.message($msg, r.runs.length ? "" : t("history.none"));
          $runs.empty();
          app
            .table(
              [
                {
                  key: "startedAt",
                  label: t("history.started"),
                  render: function (h) {
                    return new Date(h.startedAt).toLocaleString();
                  },
                },
                { key: "jobName", label: t("history.job") },
                statusColumn("status"),
                countsColumn(),
                {
                  label: t("history.errorClasses"),
                  render: function (h) {
                    return errorClasses(h.errorCounts);
                  },
                },
              ],
              r.runs,
              {
                onRow: function (h, $tr) {
                  openOnClick($tr, h.id, function () {
                    $runs.find("tr.selected").removeClass("selected");
                    $tr.addClass("selected");
                  });
                },
              },
            )
            .addClass("vc-sb-history-table")
            .appendTo($runs);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    function detail(id) {
      app.api("GET", "history/" + encodeURIComponent(id)).then(
        function (r) {
          $detail.empty().attr("data-history-id", id);
          var h = r.run;
          el("h4", "vc-sb-section", t("history.detailTitle", { job: h.jobName, status: h.status })).appendTo($detail);
          el(
            "div",
            "vc-sb-hint",
            t("history.detailText", {
              type: h.captureType || "—",
              duration: h.durationMs !== null ? (h.durationMs / 1000).toFixed(1) + " s" : "—",
              errors: errorClasses(h.errorCounts) || "—",
            }),
          ).appendTo($detail);
          if (h.error) {
            el("div", "vc-sb-error", h.error).appendTo($detail);
          }
          if (r.perDeviceSource === "captures") {
            el("div", "vc-sb-hint", t("history.fromCaptures")).appendTo($detail);
          }
          if (h.status === "cancelled" || h.status === "interrupted") {
            el(
              "div",
              "vc-sb-hint vc-sb-hist-ended",
              t("history.ended." + h.status, { done: (h.ok || 0) + (h.failed || 0), total: h.total || 0 }),
            ).appendTo($detail);
          }
          if (r.jobs && r.jobs.length) {
            app
              .table([{ key: "jobName", label: t("history.job") }, statusColumn(), countsColumn()], r.jobs, {
                onRow: function (j, $tr) {
                  openOnClick($tr, j.id);
                },
              })
              .addClass("vc-sb-history-jobs")
              .appendTo($detail);
          }
          app
            .table(
              [
                { key: "device", label: t("devices.col.name") },
                {
                  label: t("devices.col.status"),
                  render: function (d) {
                    return el("span", "vc-sb-dev-status vc-sb-status-" + d.status, d.status);
                  },
                },
                { key: "errorClass", label: t("history.errorClass") },
                {
                  label: t("history.error"),
                  cls: "vc-sb-hist-error",
                  render: function (d) {
                    return d.error || "";
                  },
                },
                { key: "credentialName", label: t("devices.col.credential") },
                {
                  label: t("history.duration"),
                  render: function (d) {
                    return d.durationMs !== undefined ? (d.durationMs / 1000).toFixed(1) + " s" : "";
                  },
                },
              ],
              r.devices,
              {
                onRow: function (d, $tr) {
                  $tr.attr("data-device", d.device).attr("data-status", d.status);
                },
              },
            )
            .addClass("vc-sb-history-devices")
            .appendTo($detail);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    /** Opens one run (the Jobs view's link to a run): its row selected, its details shown. */
    app.openHistoryRun = function (id) {
      openWhenLoaded = id;
      detail(id);
    };
    var openWhenLoaded = null;

    return {
      refresh: function () {
        var id = openWhenLoaded;
        openWhenLoaded = null;
        load().then(function () {
          if (id !== null) {
            $runs.find('tr[data-history-id="' + id + '"]').addClass("selected");
          }
        });
      },
    };
  }

  (window.VcSidebar = window.VcSidebar || { views: [] }).views.push({
    id: "history",
    order: 40,
    icon: "fa-history",
    create: create,
  });
})();
