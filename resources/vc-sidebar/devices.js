/* VelocityCollector sidebar: the Devices view (inventory table, CRUD, sites/roles/platforms, CSV
 * import, NetBox sync, credential coverage, collect now). */
/* global document, FileReader, CSS */
(function () {
  "use strict";
  var FILTERS = ["site", "role", "platform", "manufacturer", "status", "credentialStatus"];
  var PAGE = 25;

  function create($c, app) {
    var t = app.t;
    var el = app.el;
    var state = { filter: {}, sort: "name", desc: false, offset: 0, selected: {}, page: null, taxonomy: null };

    var $filters = el("div", "vc-sb-filters").appendTo($c);
    var $name = $('<input type="search" class="vc-sb-filter-name">')
      .attr("placeholder", t("devices.filterName"))
      .attr("aria-label", t("devices.filterName"))
      .appendTo($filters);
    var $selects = {};
    FILTERS.forEach(function (f) {
      $selects[f] = $("<select>")
        .addClass("vc-sb-filter-" + f)
        .attr("aria-label", t("devices.col." + f))
        .appendTo($filters);
    });
    var $actions = el("div", "vc-sb-actions").appendTo($c);
    var $add = app.button(t("devices.add"), "fa-plus", "vc-sb-dev-add").appendTo($actions);
    var $edit = app.button(t("devices.edit"), "fa-pencil", "vc-sb-dev-edit").appendTo($actions);
    var $del = app.button(t("devices.delete"), "fa-trash", "vc-sb-dev-delete").appendTo($actions);
    var $collect = app.button(t("devices.collect"), "fa-play", "vc-sb-dev-collect").appendTo($actions);
    var $csv = app.button(t("devices.importCsv"), "fa-upload", "vc-sb-dev-csv").appendTo($actions);
    var $netbox = app.button(t("devices.netbox"), "fa-refresh", "vc-sb-dev-netbox").appendTo($actions);
    var $tax = app.button(t("devices.taxonomy"), "fa-sitemap", "vc-sb-dev-taxonomy").appendTo($actions);
    var $panel = el("div", "vc-sb-panel").hide().appendTo($c);
    var $msg = el("div", "vc-sb-message").attr("role", "status").appendTo($c);
    var $summary = el("div", "vc-sb-summary").appendTo($c);
    var $tableBox = el("div", "vc-sb-table-box").appendTo($c);
    var $pager = el("div", "vc-sb-pager").appendTo($c);

    var nameTimer;
    $name.on("input", function () {
      clearTimeout(nameTimer);
      nameTimer = setTimeout(function () {
        state.filter.name = $name.val();
        state.offset = 0;
        load();
      }, 300);
    });
    FILTERS.forEach(function (f) {
      $selects[f].on("change", function () {
        state.filter[f] = $selects[f].val();
        state.offset = 0;
        load();
      });
    });

    function selectedNames() {
      return Object.keys(state.selected);
    }

    function updateButtons() {
      var n = selectedNames().length;
      $edit.prop("disabled", n !== 1);
      $del.prop("disabled", n === 0);
      $collect.prop("disabled", n === 0);
      $collect.attr("title", t("devices.collectTitle", { count: n }));
    }

    function fillFilterOptions() {
      var tx = state.taxonomy;
      if (!tx) {
        return;
      }
      var opts = {
        site: tx.sites.map(function (s) {
          return { value: s.slug, label: s.name };
        }),
        role: tx.roles.map(function (s) {
          return { value: s.slug, label: s.name };
        }),
        platform: tx.platforms.map(function (s) {
          return { value: s.slug, label: s.name };
        }),
        manufacturer: tx.manufacturers.map(function (m) {
          return { value: m, label: m };
        }),
        status: tx.statuses.map(function (s) {
          return { value: s, label: s };
        }),
        credentialStatus: ["ok", "failed", "untested"].map(function (s) {
          return { value: s, label: t("cred." + s) };
        }),
      };
      FILTERS.forEach(function (f) {
        var current = state.filter[f] || "";
        var $s = $selects[f].empty();
        $("<option>")
          .val("")
          .text(t("devices.all", { what: t("devices.col." + f) }))
          .appendTo($s);
        opts[f].forEach(function (o) {
          $("<option>").val(o.value).text(o.label).appendTo($s);
        });
        $s.val(current);
      });
    }

    function loadTaxonomy() {
      return app.api("GET", "taxonomy").then(function (tx) {
        state.taxonomy = tx;
        fillFilterOptions();
      });
    }

    function credBadge(d) {
      var st = d.credentialStatus || "untested";
      var $s = el("span", "vc-sb-cred vc-sb-cred-" + st, d.credentialName ? d.credentialName : "—");
      $s.attr("title", t("cred." + st));
      return $("<span>")
        .append($s)
        .append(el("span", "vc-sb-cred-state", " " + t("cred." + st)));
    }

    function render() {
      var p = state.page;
      // Which name filter the table shows (tests and scripts wait for it).
      $tableBox.empty().attr("data-filter-name", state.filter.name || "");
      if (!p.exists) {
        $summary.text(t("devices.noInventory"));
      } else {
        $summary.text(
          t("devices.summary", {
            total: p.total,
            percent: p.coverage.percent,
            ok: p.coverage.ok,
            failed: p.coverage.failed,
            untested: p.coverage.untested,
          }),
        );
      }
      var columns = [
        {
          label: "",
          sortable: false,
          cls: "vc-sb-check",
          render: function (d) {
            var $cb = $('<input type="checkbox" class="vc-sb-select">')
              .attr("aria-label", t("devices.select", { name: d.name }))
              .prop("checked", Boolean(state.selected[d.name]));
            $cb.on("change", function () {
              if ($cb.prop("checked")) {
                state.selected[d.name] = true;
              } else {
                delete state.selected[d.name];
              }
              updateButtons();
            });
            return $cb;
          },
        },
        { key: "name", label: t("devices.col.name"), cls: "vc-sb-dev-name" },
        { key: "host", label: t("devices.col.host") },
        { key: "platform", label: t("devices.col.platform") },
        { key: "site", label: t("devices.col.site") },
        { key: "role", label: t("devices.col.role") },
        {
          key: "status",
          label: t("devices.col.status"),
          render: function (d) {
            return d.status || "active";
          },
        },
        { key: "credentialStatus", label: t("devices.col.credential"), render: credBadge },
      ];
      var $t = app.table(columns, p.devices, {
        sort: state.sort,
        desc: state.desc,
        onSort: function (key) {
          if (state.sort === key) {
            state.desc = !state.desc;
          } else {
            state.sort = key;
            state.desc = false;
          }
          load();
        },
        onRow: function (d, $tr) {
          $tr.attr("data-device", d.name).attr("tabindex", "0");
          $tr.on("dblclick", function () {
            openDeviceForm(d);
          });
          $tr.on("keydown", function (e) {
            if (e.key === "Enter" && e.target === $tr[0]) {
              // Otherwise the Enter would also submit the form that now has the focus.
              e.preventDefault();
              openDeviceForm(d);
            } else if (e.key === " " && e.target === $tr[0]) {
              e.preventDefault();
              $tr.find(".vc-sb-select").trigger("click");
            }
          });
        },
      });
      $t.addClass("vc-sb-devices-table").appendTo($tableBox);
      $pager.empty();
      var from = p.total ? p.offset + 1 : 0;
      var to = Math.min(p.offset + p.devices.length, p.total);
      var $prev = app.button("", "fa-chevron-left", "vc-sb-prev").attr("aria-label", t("common.previous"));
      var $next = app.button("", "fa-chevron-right", "vc-sb-next").attr("aria-label", t("common.next"));
      $prev.prop("disabled", p.offset === 0).on("click", function () {
        state.offset = Math.max(0, state.offset - PAGE);
        load();
      });
      $next.prop("disabled", to >= p.total).on("click", function () {
        state.offset += PAGE;
        load();
      });
      $pager.append(
        $prev,
        el("span", "vc-sb-page-text", t("common.range", { from: from, to: to, total: p.total })),
        $next,
      );
      updateButtons();
    }

    function load() {
      var q = $.extend({}, state.filter, {
        sort: state.sort,
        desc: state.desc ? "true" : "",
        offset: state.offset,
        limit: PAGE,
      });
      return app.api("GET", "devices" + app.query(q)).then(
        function (p) {
          state.page = p;
          // A reload keeps what the last action said ("Added …"), but not an old failure.
          if ($msg.hasClass("vc-sb-error")) {
            app.message($msg, "");
          }
          render();
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    function openPanel(title) {
      $panel.empty().show();
      var $head = el("div", "vc-sb-panel-head").appendTo($panel);
      el("span", "vc-sb-panel-title", title).appendTo($head);
      app
        .button("", "fa-times", "vc-sb-panel-close")
        .attr("aria-label", t("common.close"))
        .appendTo($head)
        .on("click", closePanel);
      $panel.off("keydown").on("keydown", function (e) {
        if (e.key === "Escape") {
          closePanel();
        }
      });
      return $panel;
    }

    function closePanel() {
      $panel.empty().hide();
    }

    function formError($where) {
      return el("div", "vc-sb-form-error").attr("role", "alert").appendTo($where);
    }

    // ---- add / edit -----------------------------------------------------------------------
    function openDeviceForm(device) {
      var editing = Boolean(device);
      var tx = state.taxonomy || { sites: [], roles: [], platforms: [], statuses: [] };
      var $p = openPanel(editing ? t("devices.editTitle", { name: device.name }) : t("devices.addTitle"));
      var $form = $('<form class="vc-sb-form vc-sb-device-form">').appendTo($p);
      var d = device || {};
      var $n = $('<input type="text" required>').val(d.name || "");
      var $h = $('<input type="text" required>').val(d.host || "");
      var $port = $('<input type="number" min="1" max="65535">').val(d.port || 22);
      var $plat = app.select(
        [{ value: "", label: "—" }].concat(
          tx.platforms.map(function (p) {
            return { value: p.netmikoDeviceType || p.slug, label: p.name };
          }),
        ),
      );
      if (
        d.platform &&
        !$plat.find("option").filter(function () {
          return this.value === d.platform;
        }).length
      ) {
        $("<option>").val(d.platform).text(d.platform).appendTo($plat);
      }
      $plat.val(d.platform || "");
      var $site = $('<input type="text" list="vc-sb-site-list">').val(d.site || "");
      var $siteList = $('<datalist id="vc-sb-site-list">');
      tx.sites.forEach(function (s) {
        $("<option>").val(s.slug).text(s.name).appendTo($siteList);
      });
      var $role = app.select(
        [{ value: "", label: "—" }].concat(
          tx.roles.map(function (r) {
            return { value: r.slug, label: r.name };
          }),
        ),
        d.role || "",
      );
      var $status = app.select(tx.statuses, d.status || "active");
      var $tags = $('<input type="text">').val((d.tags || []).join(", "));
      var $cred = $('<input type="text" list="vc-sb-cred-list">').val(d.credentialName || "");
      var $credList = $('<datalist id="vc-sb-cred-list">');
      app.api("GET", "credentials").then(function (r) {
        (r.credentials || []).forEach(function (c) {
          $("<option>").val(c.name).appendTo($credList);
        });
      });
      var $create = $('<input type="checkbox">');
      $form.append(
        app.field(t("devices.col.name"), $n, "vc-sb-dev-f-name"),
        app.field(t("devices.col.host"), $h, "vc-sb-dev-f-host"),
        app.field(t("devices.col.port"), $port, "vc-sb-dev-f-port"),
        app.field(t("devices.col.platform"), $plat, "vc-sb-dev-f-platform"),
        app.field(t("devices.col.site"), $site, "vc-sb-dev-f-site"),
        $siteList,
        app.field(t("devices.col.role"), $role, "vc-sb-dev-f-role"),
        app.field(t("devices.col.status"), $status, "vc-sb-dev-f-status"),
        app.field(t("devices.col.tags"), $tags, "vc-sb-dev-f-tags"),
        app.field(t("devices.col.credential"), $cred, "vc-sb-dev-f-credential"),
        $credList,
        app.field(t("devices.createMissing"), $create, "vc-sb-dev-f-create"),
      );
      var $err = formError($form);
      var $buttons = el("div", "vc-sb-form-buttons").appendTo($form);
      app.button(t("common.save"), "fa-check", "primary vc-sb-dev-save").attr("type", "submit").appendTo($buttons);
      app.button(t("common.cancel"), null, "vc-sb-dev-cancel").appendTo($buttons).on("click", closePanel);
      $form.on("submit", function (e) {
        e.preventDefault();
        $err.text("");
        var body = {
          name: $n.val().trim(),
          host: $h.val().trim(),
          port: Number($port.val()) || 22,
          platform: $plat.val(),
          site: $site.val().trim(),
          role: $role.val(),
          status: $status.val(),
          tags: $tags
            .val()
            .split(/[;,]/)
            .map(function (s) {
              return s.trim();
            })
            .filter(Boolean),
          credentialName: $cred.val().trim(),
          createMissing: $create.prop("checked"),
        };
        var req = editing
          ? app.api("PUT", "devices/" + encodeURIComponent(device.name), body)
          : app.api("POST", "devices", body);
        req.then(
          function (r) {
            closePanel();
            app.message($msg, t(editing ? "devices.saved" : "devices.added", { name: r.device.name }));
            if (editing && r.device.name !== device.name) {
              delete state.selected[device.name];
            }
            loadTaxonomy();
            load();
          },
          function (xhr) {
            $err.text(app.errorText(xhr));
          },
        );
      });
      $n.trigger("focus");
    }

    $add.on("click", function () {
      openDeviceForm(null);
    });
    $edit.on("click", function () {
      var name = selectedNames()[0];
      app.api("GET", "devices/" + encodeURIComponent(name)).then(
        function (r) {
          openDeviceForm(r.device);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    });
    $del.on("click", function () {
      var names = selectedNames();
      app.confirm(
        $c,
        t("devices.confirmDelete", { count: names.length, names: names.slice(0, 5).join(", ") }),
        function () {
          var chain = $.Deferred().resolve().promise();
          var failed = [];
          names.forEach(function (n) {
            chain = chain.then(function () {
              return app.api("DELETE", "devices/" + encodeURIComponent(n)).then(
                function () {
                  delete state.selected[n];
                },
                function (xhr) {
                  failed.push(n + ": " + app.errorText(xhr));
                  return $.Deferred().resolve().promise();
                },
              );
            });
          });
          chain.then(function () {
            app.message(
              $msg,
              failed.length ? failed.join("; ") : t("devices.deleted", { count: names.length }),
              failed.length > 0,
            );
            load();
          });
        },
      );
    });

    // ---- collect now ----------------------------------------------------------------------
    $collect.on("click", function () {
      var names = selectedNames();
      var $p = openPanel(t("devices.collectTitle", { count: names.length }));
      var $form = $('<form class="vc-sb-form vc-sb-collect-form">').appendTo($p);
      var $cmds = $('<textarea rows="3">').val("show version");
      var $type = $('<input type="text" pattern="[A-Za-z0-9_.-]+">').val("version");
      $form.append(
        app.field(t("collect.commands"), $cmds, "vc-sb-collect-commands"),
        app.field(t("collect.captureType"), $type, "vc-sb-collect-type"),
      );
      var $err = formError($form);
      var $buttons = el("div", "vc-sb-form-buttons").appendTo($form);
      var $run = app
        .button(t("collect.run"), "fa-play", "primary vc-sb-collect-run")
        .attr("type", "submit")
        .appendTo($buttons);
      var $out = el("div", "vc-sb-run-box").appendTo($p);
      $form.on("submit", function (e) {
        e.preventDefault();
        $run.prop("disabled", true);
        $err.text("");
        app
          .api("POST", "collect", {
            devices: names,
            commands: $cmds
              .val()
              .split("\n")
              .map(function (s) {
                return s.trim();
              })
              .filter(Boolean),
            captureType: $type.val().trim(),
          })
          .then(
            function (r) {
              app.progressWidget($out, r.id, function (p) {
                $run.prop("disabled", false);
                showRunDevices($out, r.id, p);
                load();
              });
            },
            function (xhr) {
              $run.prop("disabled", false);
              $err.text(app.errorText(xhr));
            },
          );
      });
    });

    function showRunDevices($out, id) {
      app.api("GET", "runs/" + encodeURIComponent(id)).then(function (r) {
        $out.find(".vc-sb-run-devices").remove();
        app
          .table(
            [
              { key: "device", label: t("devices.col.name") },
              { key: "status", label: t("devices.col.status") },
              { key: "errorClass", label: t("history.errorClass") },
              { key: "credentialName", label: t("devices.col.credential") },
            ],
            r.run.devices,
          )
          .addClass("vc-sb-run-devices")
          .appendTo($out);
      });
    }

    // ---- CSV import -----------------------------------------------------------------------
    $csv.on("click", function () {
      var $p = openPanel(t("csv.title"));
      var $form = $('<form class="vc-sb-form vc-sb-csv-form">').appendTo($p);
      el("div", "vc-sb-hint", t("csv.hint")).appendTo($form);
      var $file = $('<input type="file" accept=".csv,text/csv">');
      var $text = $('<textarea rows="5" spellcheck="false">');
      var $skip = $('<input type="checkbox">');
      var $createMissing = $('<input type="checkbox">');
      var fileName = "import.csv";
      $file.on("change", function () {
        var f = this.files && this.files[0];
        if (!f) {
          return;
        }
        fileName = f.name;
        var reader = new FileReader();
        reader.onload = function () {
          $text.val(String(reader.result));
        };
        reader.readAsText(f);
      });
      $form.append(
        app.field(t("csv.file"), $file, "vc-sb-csv-file"),
        app.field(t("csv.text"), $text, "vc-sb-csv-text"),
        app.field(t("csv.skipBad"), $skip, "vc-sb-csv-skip"),
        app.field(t("devices.createMissing"), $createMissing, "vc-sb-csv-create"),
      );
      var $buttons = el("div", "vc-sb-form-buttons").appendTo($form);
      app.button(t("csv.import"), "fa-upload", "primary vc-sb-csv-import").attr("type", "submit").appendTo($buttons);
      var $result = el("div", "vc-sb-csv-result").attr("role", "status").appendTo($p);
      $form.on("submit", function (e) {
        e.preventDefault();
        $result.empty();
        app
          .api("POST", "devices/import-csv", {
            csv: $text.val(),
            fileName: fileName,
            skipBad: $skip.prop("checked"),
            createMissing: $createMissing.prop("checked"),
          })
          .then(
            function (r) {
              showCsvReport($result, r, false);
              loadTaxonomy();
              load();
            },
            function (xhr) {
              if (xhr.responseJSON && xhr.responseJSON.errors) {
                showCsvReport($result, xhr.responseJSON, true);
              } else {
                el("div", "vc-sb-error", app.errorText(xhr)).appendTo($result);
              }
            },
          );
      });
    });

    function showCsvReport($result, r, failed) {
      if (failed) {
        el("div", "vc-sb-error vc-sb-csv-summary", t("csv.nothingImported", { count: r.errors.length })).appendTo(
          $result,
        );
      } else {
        el("div", "vc-sb-csv-summary", t("csv.imported", { count: r.imported, skipped: r.skipped.length })).appendTo(
          $result,
        );
      }
      var rows = failed ? r.errors : r.skipped;
      if (rows.length) {
        app
          .table(
            [
              { key: "row", label: t("csv.row") },
              { key: "column", label: t("csv.column") },
              { key: "problem", label: t("csv.problem") },
            ],
            rows,
          )
          .addClass("vc-sb-csv-errors")
          .appendTo($result);
      }
    }

    // ---- NetBox sync ----------------------------------------------------------------------
    $netbox.on("click", function () {
      var $p = openPanel(t("netbox.title"));
      var $form = $('<form class="vc-sb-form vc-sb-netbox-form">').appendTo($p);
      el("div", "vc-sb-hint", t("netbox.hint")).appendTo($form);
      var inputs = {};
      ["site", "role", "platform", "status", "tag"].forEach(function (k) {
        inputs[k] = $('<input type="text">');
        $form.append(app.field(t("devices.col." + k), inputs[k], "vc-sb-netbox-" + k));
      });
      var $dry = $('<input type="checkbox">');
      $form.append(app.field(t("netbox.dryRun"), $dry, "vc-sb-netbox-dry"));
      var $buttons = el("div", "vc-sb-form-buttons").appendTo($form);
      app.button(t("netbox.sync"), "fa-refresh", "primary vc-sb-netbox-sync").attr("type", "submit").appendTo($buttons);
      var $result = el("div", "vc-sb-netbox-result").attr("role", "status").appendTo($p);
      $form.on("submit", function (e) {
        e.preventDefault();
        var body = { dryRun: $dry.prop("checked") };
        Object.keys(inputs).forEach(function (k) {
          var v = inputs[k].val().trim();
          if (v) {
            body[k] = v;
          }
        });
        app.message($result, t("netbox.running"));
        app.api("POST", "netbox/sync", body).then(
          function (r) {
            app.message(
              $result,
              r.dryRun
                ? t("netbox.dryResult", { count: r.devices })
                : t("netbox.result", {
                    devices: r.devices,
                    added: r.added,
                    updated: r.updated,
                    unchanged: r.unchanged,
                    failed: r.failed.length,
                  }),
            );
            if (!r.dryRun) {
              loadTaxonomy();
              load();
            }
          },
          function (xhr) {
            app.message($result, app.errorText(xhr), true);
          },
        );
      });
    });

    // ---- sites, roles, platforms ------------------------------------------------------------
    $tax.on("click", function () {
      var $p = openPanel(t("taxonomy.title"));
      var kind = "site";
      var $kinds = el("div", "button-group vc-sb-kinds").appendTo($p);
      var $list = el("div", "vc-sb-tax-list").appendTo($p);
      var $err = formError($p);
      ["site", "role", "platform"].forEach(function (k) {
        app
          .button(t("taxonomy." + k), null, "vc-sb-kind-" + k)
          .appendTo($kinds)
          .on("click", function () {
            kind = k;
            draw();
          });
      });
      function draw() {
        $kinds.children().each(function () {
          $(this).toggleClass("selected", $(this).hasClass("vc-sb-kind-" + kind));
        });
        $list.empty();
        $err.text("");
        var items = (state.taxonomy && state.taxonomy[kind + "s"]) || [];
        var cols = [
          { key: "name", label: t("taxonomy.name") },
          { key: "slug", label: t("taxonomy.slug") },
          { key: "devices", label: t("taxonomy.devices") },
        ];
        if (kind === "role") {
          cols.push({
            key: "color",
            label: t("taxonomy.color"),
            render: function (r) {
              return $("<span>")
                .append($('<span class="vc-sb-swatch">').css("background-color", "#" + r.color))
                .append(document.createTextNode(" " + r.color));
            },
          });
        }
        if (kind === "platform") {
          cols.push({ key: "netmikoDeviceType", label: t("taxonomy.netmiko") });
        }
        cols.push({
          label: "",
          render: function (r) {
            var $b = $("<span>");
            app
              .button("", "fa-pencil", "vc-sb-tax-rename")
              .attr("aria-label", t("taxonomy.rename", { name: r.name }))
              .appendTo($b)
              .on("click", function () {
                editItem(r);
              });
            app
              .button("", "fa-trash", "vc-sb-tax-delete")
              .attr("aria-label", t("taxonomy.remove", { name: r.name }))
              .appendTo($b)
              .on("click", function () {
                app.confirm($p, t("taxonomy.confirmRemove", { name: r.name }), function () {
                  app.api("DELETE", "taxonomy/" + kind + "/" + encodeURIComponent(r.slug)).then(refresh, showErr);
                });
              });
            return $b;
          },
        });
        app
          .table(cols, items, {
            onRow: function (r, $tr) {
              $tr.attr("data-slug", r.slug);
            },
          })
          .addClass("vc-sb-tax-table")
          .appendTo($list);
        var $form = $('<form class="vc-sb-form vc-sb-tax-add">').appendTo($list);
        var $n = $('<input type="text" required>').attr("placeholder", t("taxonomy.name"));
        $form.append(app.field(t("taxonomy.addNamed", { kind: t("taxonomy." + kind) }), $n, "vc-sb-tax-name"));
        var $extra = null;
        if (kind === "role") {
          $extra = $('<input type="color">').val("#2196f3");
          $form.append(app.field(t("taxonomy.color"), $extra, "vc-sb-tax-color"));
        } else if (kind === "platform") {
          $extra = $('<input type="text" placeholder="cisco_ios">');
          $form.append(app.field(t("taxonomy.netmiko"), $extra, "vc-sb-tax-netmiko"));
        }
        app.button(t("common.add"), "fa-plus", "primary vc-sb-tax-submit").attr("type", "submit").appendTo($form);
        $form.on("submit", function (e) {
          e.preventDefault();
          var body = { name: $n.val().trim() };
          if (kind === "role") {
            body.color = $extra.val().replace("#", "");
          } else if (kind === "platform" && $extra.val().trim()) {
            body.netmikoDeviceType = $extra.val().trim();
          }
          app.api("POST", "taxonomy/" + kind, body).then(refresh, showErr);
        });
      }
      function editItem(r) {
        var $row = $list.find('tr[data-slug="' + CSS.escape(r.slug) + '"]');
        var $input = $('<input type="text" class="vc-sb-tax-rename-input">').val(r.name);
        $row.children().first().empty().append($input);
        $input.trigger("focus").on("keydown", function (e) {
          if (e.key === "Enter") {
            e.preventDefault();
            app
              .api("PUT", "taxonomy/" + kind + "/" + encodeURIComponent(r.slug), { name: $input.val().trim() })
              .then(refresh, showErr);
          } else if (e.key === "Escape") {
            e.stopPropagation();
            draw();
          }
        });
      }
      function showErr(xhr) {
        $err.text(app.errorText(xhr));
      }
      function refresh() {
        loadTaxonomy().then(function () {
          draw();
          load();
        });
      }
      draw();
    });

    updateButtons();
    return {
      refresh: function () {
        loadTaxonomy().always(load);
      },
    };
  }

  (window.VcSidebar = window.VcSidebar || { views: [] }).views.push({
    id: "devices",
    order: 10,
    icon: "fa-server",
    create: create,
  });
})();
