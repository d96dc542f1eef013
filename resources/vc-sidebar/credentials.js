/* VelocityCollector sidebar: the Credentials view (vault state, credentials without secrets,
 * default and fallback order, credential discovery with live progress). */

(function () {
  "use strict";

  function create($c, app) {
    var t = app.t;
    var el = app.el;
    var data = null;

    var $msg = el("div", "vc-sb-message").attr("role", "status").appendTo($c);
    var $list = el("div", "vc-sb-cred-list").appendTo($c);
    var $discovery = el("div", "vc-sb-discovery").appendTo($c);

    function save(url, body) {
      app.api("PUT", url, body).then(
        function (r) {
          data.credentials = r.credentials;
          data.default = r.default;
          data.fallback = r.fallback;
          app.message($msg, t("creds.saved"));
          draw();
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    function draw() {
      var v = data.vault;
      // The vault's state is the status line above every view (core.js).
      app.refreshStatus();
      $list.empty();
      var fallback = data.fallback.slice();
      var canEdit = v.unlocked;
      app
        .table(
          [
            { key: "name", label: t("creds.name"), cls: "vc-sb-cred-name" },
            { key: "username", label: t("creds.username") },
            {
              key: "kind",
              label: t("creds.kind"),
              render: function (c) {
                return t("creds.kinds." + c.kind) + (c.hasEnableSecret ? " + " + t("creds.enable") : "");
              },
            },
            {
              label: t("creds.default"),
              render: function (c) {
                var $r = $('<input type="radio" name="vc-sb-default" class="vc-sb-default">')
                  .attr("aria-label", t("creds.makeDefault", { name: c.name }))
                  .prop("checked", c.isDefault)
                  .prop("disabled", !canEdit);
                $r.on("change", function () {
                  save("credentials/default", { name: c.name });
                });
                return $r;
              },
            },
            {
              label: t("creds.fallback"),
              render: function (c) {
                var pos = fallback.indexOf(c.name);
                var $s = $("<span>").addClass("vc-sb-fallback");
                el("span", "vc-sb-fallback-pos", pos >= 0 ? String(pos + 1) : "—").appendTo($s);
                if (!canEdit) {
                  return $s;
                }
                if (pos >= 0) {
                  app
                    .button("", "fa-arrow-up", "vc-sb-fb-up")
                    .attr("aria-label", t("creds.up", { name: c.name }))
                    .prop("disabled", pos === 0)
                    .appendTo($s)
                    .on("click", function () {
                      var f = fallback.slice();
                      f.splice(pos, 1);
                      f.splice(pos - 1, 0, c.name);
                      save("credentials/fallback", { names: f });
                    });
                  app
                    .button("", "fa-times", "vc-sb-fb-remove")
                    .attr("aria-label", t("creds.removeFallback", { name: c.name }))
                    .appendTo($s)
                    .on("click", function () {
                      save("credentials/fallback", {
                        names: fallback.filter(function (n) {
                          return n !== c.name;
                        }),
                      });
                    });
                } else {
                  app
                    .button("", "fa-plus", "vc-sb-fb-add")
                    .attr("aria-label", t("creds.addFallback", { name: c.name }))
                    .appendTo($s)
                    .on("click", function () {
                      save("credentials/fallback", { names: fallback.concat([c.name]) });
                    });
                }
                return $s;
              },
            },
          ],
          data.credentials,
          {
            onRow: function (c, $tr) {
              $tr.attr("data-credential", c.name);
            },
          },
        )
        .addClass("vc-sb-creds-table")
        .appendTo($list);
      if (data.default) {
        app
          .button(t("creds.clearDefault"), "fa-eraser", "vc-sb-clear-default")
          .prop("disabled", !canEdit)
          .appendTo($list)
          .on("click", function () {
            save("credentials/default", { name: null });
          });
      }
      drawDiscovery(canEdit);
    }

    var discoveryDrawn = false;
    function drawDiscovery(canRun) {
      if (discoveryDrawn) {
        $discovery.find(".vc-sb-disc-run").prop("disabled", !canRun);
        return;
      }
      discoveryDrawn = true;
      el("h4", "vc-sb-section", t("discovery.title")).appendTo($discovery);
      el("div", "vc-sb-hint", t("discovery.hint")).appendTo($discovery);
      var $form = $('<form class="vc-sb-form vc-sb-discovery-form">').appendTo($discovery);
      var inputs = {};
      ["site", "role", "platform", "name"].forEach(function (k) {
        inputs[k] = $('<input type="text">');
        $form.append(app.field(t("devices.col." + k), inputs[k], "vc-sb-disc-" + k));
      });
      var flags = {};
      ["skipConfigured", "force", "pinNewHosts", "dryRun"].forEach(function (k) {
        flags[k] = $('<input type="checkbox">');
        $form.append(app.field(t("discovery." + k), flags[k], "vc-sb-disc-" + k));
      });
      var $err = el("div", "vc-sb-form-error").attr("role", "alert").appendTo($form);
      var $run = app
        .button(t("discovery.run"), "fa-search", "primary vc-sb-disc-run")
        .attr("type", "submit")
        .prop("disabled", !canRun)
        .appendTo($form);
      var $out = el("div", "vc-sb-run-box").appendTo($discovery);
      $form.on("submit", function (e) {
        e.preventDefault();
        var filter = {};
        Object.keys(inputs).forEach(function (k) {
          var v = inputs[k].val().trim();
          if (v) {
            filter[k] = v;
          }
        });
        var body = { filter: filter };
        Object.keys(flags).forEach(function (k) {
          body[k] = flags[k].prop("checked");
        });
        $err.text("");
        $out.empty();
        $run.prop("disabled", true);
        app.api("POST", "discovery", body).then(
          function (r) {
            app.progressWidget($out, r.id, function (p) {
              $run.prop("disabled", false);
              if (p.coveragePercent !== undefined) {
                el("div", "vc-sb-disc-coverage", t("discovery.coverage", { percent: p.coveragePercent })).appendTo(
                  $out,
                );
              }
              app.api("GET", "runs/" + encodeURIComponent(r.id)).then(function (d) {
                app
                  .table(
                    [
                      { key: "device", label: t("devices.col.name") },
                      { key: "status", label: t("devices.col.status") },
                      { key: "credentialName", label: t("devices.col.credential") },
                      { key: "errorClass", label: t("history.errorClass") },
                      { key: "error", label: t("discovery.reason") },
                    ],
                    d.run.devices,
                  )
                  .addClass("vc-sb-disc-results")
                  .appendTo($out);
              });
            });
          },
          function (xhr) {
            $run.prop("disabled", false);
            $err.text(app.errorText(xhr));
          },
        );
      });
    }

    return {
      refresh: function () {
        app.api("GET", "credentials").then(
          function (r) {
            data = r;
            app.message($msg, "");
            draw();
          },
          function (xhr) {
            app.message($msg, app.errorText(xhr), true);
          },
        );
      },
    };
  }

  (window.VcSidebar = window.VcSidebar || { views: [] }).views.push({
    id: "credentials",
    order: 20,
    icon: "fa-key",
    create: create,
  });
})();
