/* VelocityCollector sidebar: the History view (runs with status and counts, per-device results,
 * error classes). */

(function () {
  "use strict";

  function create($c, app) {
    var t = app.t;
    var el = app.el;
    var $bar = el("div", "vc-sb-actions").appendTo($c);
    app
      .button(t("common.refresh"), "fa-refresh", "vc-sb-hist-refresh")
      .appendTo($bar)
      .on("click", function () {
        load();
      });
    var $msg = el("div", "vc-sb-message").attr("role", "status").appendTo($c);
    var $runs = el("div", "vc-sb-table-box").appendTo($c);
    var $detail = el("div", "vc-sb-hist-detail").appendTo($c);

    function errorClasses(counts) {
      return Object.keys(counts || {})
        .map(function (k) {
          return k + " ×" + counts[k];
        })
        .join(", ");
    }

    function load() {
      app.api("GET", "history?limit=100").then(
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
                {
                  key: "status",
                  label: t("history.status"),
                  render: function (h) {
                    return el("span", "vc-sb-run-status vc-sb-run-" + h.status, h.status);
                  },
                },
                {
                  label: t("history.counts"),
                  render: function (h) {
                    return t("history.countText", { total: h.total || 0, ok: h.ok || 0, failed: h.failed || 0 });
                  },
                },
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
                  $tr
                    .attr("tabindex", "0")
                    .attr("data-history-id", h.id)
                    .addClass("vc-sb-clickable")
                    .on("click keydown", function (e) {
                      if (e.type === "click" || e.key === "Enter") {
                        $runs.find("tr.selected").removeClass("selected");
                        $tr.addClass("selected");
                        detail(h.id);
                      }
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
          $detail.empty();
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
          app
            .table(
              [
                { key: "device", label: t("devices.col.name") },
                { key: "status", label: t("devices.col.status") },
                { key: "errorClass", label: t("history.errorClass") },
                { key: "credentialName", label: t("devices.col.credential") },
                {
                  label: t("history.duration"),
                  render: function (d) {
                    return d.durationMs !== undefined ? (d.durationMs / 1000).toFixed(1) + " s" : "";
                  },
                },
              ],
              r.devices,
            )
            .addClass("vc-sb-history-devices")
            .appendTo($detail);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    return { refresh: load };
  }

  (window.VcSidebar = window.VcSidebar || { views: [] }).views.push({
    id: "history",
    order: 40,
    icon: "fa-history",
    create: create,
  });
})();
