/* VelocityCollector sidebar: the Jobs & run view (the data home's jobs/ and batches/): list, edit as
 * a form or as YAML (errors located by line and field), create, delete, enable/disable, run a job
 * or a batch with live per-device progress, cancel, and open the run in History. */
/* global document */

(function () {
  "use strict";

  var FILTER_KEYS = ["site", "role", "platform", "name"];

  function create($c, app) {
    var t = app.t;
    var el = app.el;
    var $bar = app.actionBar($c, "vc-sb-jobs-refresh", function () {
      load();
    });
    app
      .button(t("jobs.new"), "fa-plus", "vc-sb-job-new")
      .appendTo($bar)
      .on("click", function () {
        edit(null);
      });
    app
      .button(t("jobs.newBatch"), "fa-plus", "vc-sb-batch-new")
      .appendTo($bar)
      .on("click", function () {
        editBatch(null);
      });
    var $msg = el("div", "vc-sb-message").attr("role", "status").appendTo($c);
    var $editor = el("div", "vc-sb-job-editor").appendTo($c);
    var $runBox = el("div", "vc-sb-run-box vc-sb-job-run").appendTo($c);
    var $jobs = el("div", "vc-sb-table-box vc-sb-jobs-box").appendTo($c);
    var $invalid = el("div", "vc-sb-jobs-invalid").appendTo($c);
    var $batches = el("div", "vc-sb-table-box vc-sb-batches-box").appendTo($c);

    function filterText(f) {
      return Object.keys(f || {})
        .map(function (k) {
          return k + "=" + f[k];
        })
        .join(", ");
    }

    function lastRunCell(last) {
      if (!last) {
        return "—";
      }
      var $a = $('<a href="#" class="vc-sb-job-last">')
        .attr("data-history-id", last.id)
        .append(el("span", "vc-sb-run-status vc-sb-run-" + last.status, last.status))
        .append(document.createTextNode(" " + app.age(last.startedAt)));
      $a.on("click", function (e) {
        e.preventDefault();
        openHistory(last.id);
      });
      return $a;
    }

    function openHistory(id) {
      app.show("history");
      if (app.openHistoryRun) {
        app.openHistoryRun(id);
      }
    }

    function load() {
      return app.api("GET", "jobs").then(
        function (r) {
          draw(r);
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    function draw(r) {
      $jobs.empty();
      $batches.empty();
      $invalid.empty();
      if (!r.jobs.length && !r.errors.length) {
        app.message($msg, t("jobs.none"));
      }
      el("h4", "vc-sb-section", t("jobs.jobs")).appendTo($jobs);
      app
        .table(
          [
            {
              label: t("jobs.col.name"),
              cls: "vc-sb-job-name",
              render: function (j) {
                return el("span", null, j.name).attr("title", j.slug);
              },
            },
            { key: "captureType", label: t("jobs.col.captureType") },
            {
              label: t("jobs.col.commands"),
              render: function (j) {
                return j.commands.join("; ");
              },
            },
            {
              label: t("jobs.col.filter"),
              render: function (j) {
                return filterText(j.filter);
              },
            },
            {
              label: t("jobs.col.enabled"),
              render: function (j) {
                var $cb = $('<input type="checkbox" class="vc-sb-job-enabled">')
                  .prop("checked", j.enabled)
                  .attr("aria-label", t("jobs.enable", { name: j.slug }));
                $cb.on("change", function () {
                  var on = $cb.prop("checked");
                  app.api("PUT", "jobs/" + encodeURIComponent(j.slug) + "/enabled", { enabled: on }).then(
                    function () {
                      app.message($msg, t(on ? "jobs.enabled" : "jobs.disabled", { name: j.slug }));
                      load();
                    },
                    function (xhr) {
                      $cb.prop("checked", !on);
                      app.message($msg, app.errorText(xhr), true);
                    },
                  );
                });
                return $cb;
              },
            },
            {
              label: t("jobs.col.lastRun"),
              render: function (j) {
                return lastRunCell(j.lastRun);
              },
            },
            {
              label: "",
              render: function (j) {
                return rowActions("job", "jobs", j.slug, {
                  runDisabled: !j.enabled,
                  edit: edit,
                  $confirmIn: $jobs,
                  confirmKey: "jobs.confirmDelete",
                });
              },
            },
          ],
          r.jobs,
          {
            onRow: function (j, $tr) {
              $tr.attr("data-job", j.slug).attr("tabindex", "0");
              $tr.on("keydown", function (e) {
                if (e.key === "Enter" && e.target === $tr[0]) {
                  edit(j.slug);
                }
              });
            },
          },
        )
        .addClass("vc-sb-jobs-table")
        .appendTo($jobs);
      r.errors.forEach(function (e) {
        el("div", "vc-sb-error vc-sb-job-file-error", e.error).appendTo($invalid);
      });
      el("h4", "vc-sb-section", t("jobs.batches")).appendTo($batches);
      if (!r.batches.length) {
        el("div", "vc-sb-hint", t("jobs.noBatches")).appendTo($batches);
        return;
      }
      app
        .table(
          [
            { key: "name", label: t("jobs.col.name") },
            {
              label: t("jobs.col.jobs"),
              render: function (b) {
                return b.jobs.join(" → ");
              },
            },
            {
              label: t("jobs.col.stopOnFailure"),
              render: function (b) {
                return b.stopOnFailure ? t("common.yes") : t("common.no");
              },
            },
            {
              label: t("jobs.col.lastRun"),
              render: function (b) {
                return lastRunCell(b.lastRun);
              },
            },
            {
              label: "",
              render: function (b) {
                return rowActions("batch", "batches", b.slug, {
                  runDisabled: false,
                  edit: editBatch,
                  $confirmIn: $batches,
                  confirmKey: "jobs.confirmDeleteBatch",
                });
              },
            },
          ],
          r.batches,
          {
            onRow: function (b, $tr) {
              $tr.attr("data-batch", b.slug);
            },
          },
        )
        .addClass("vc-sb-batches-table")
        .appendTo($batches);
    }

    /**
     * The run, edit and delete buttons of a job or batch row (kind "job" or "batch", api its
     * collection: "jobs" or "batches"); delete asks first, in opts.$confirmIn, with opts.confirmKey.
     */
    function rowActions(kind, api, slug, opts) {
      var $s = el("span", "vc-sb-row-actions");
      var url = api + "/" + encodeURIComponent(slug);
      function action(icon, name, key, onClick) {
        return app
          .button("", icon, "vc-sb-" + kind + "-" + name)
          .attr("aria-label", t(key, { name: slug }))
          .attr("title", t(key, { name: slug }))
          .appendTo($s)
          .on("click", onClick);
      }
      action("fa-play", "run-btn", "jobs.run", function () {
        startRun(url + "/run", slug);
      }).prop("disabled", opts.runDisabled);
      action("fa-pencil", "edit", "jobs.edit", function () {
        opts.edit(slug);
      });
      action("fa-trash", "delete", "jobs.delete", function () {
        app.confirm(opts.$confirmIn, t(opts.confirmKey, { name: slug }), function () {
          app.api("DELETE", url).then(
            function () {
              app.message($msg, t("jobs.deleted", { name: slug }));
              load();
            },
            function (xhr) {
              app.message($msg, app.errorText(xhr), true);
            },
          );
        });
      });
      return $s;
    }

    /** Starts a job or batch run and shows its progress with per-device rows until it ends. */
    function startRun(url, label) {
      $runBox.empty();
      app.message($msg, "");
      app.api("POST", url, {}).then(
        function (r) {
          el("h4", "vc-sb-section", t("jobs.running", { name: label })).appendTo($runBox);
          app.progressWidget($runBox, r.id, function (p) {
            drawRows(r.id, p);
            load();
          });
          var $job = el("div", "vc-sb-hint vc-sb-run-job").appendTo($runBox);
          var $rows = el("div", "vc-sb-job-run-devices").appendTo($runBox);
          var $link = el("div", "vc-sb-run-link").appendTo($runBox);
          var pending = false;
          function drawRows(id, p) {
            if (p.job) {
              $job.text(t("jobs.currentJob", { name: p.job }));
            }
            if (p.historyId !== undefined && !$link.children().length) {
              $('<a href="#" class="vc-sb-run-history">')
                .text(t("jobs.openHistory"))
                .on("click", function (e) {
                  e.preventDefault();
                  openHistory(p.historyId);
                })
                .appendTo($link);
            }
            if (pending) {
              return;
            }
            pending = true;
            app.api("GET", "runs/" + encodeURIComponent(id)).then(
              function (d) {
                pending = false;
                $rows.empty();
                app
                  .table(
                    [
                      { key: "device", label: t("devices.col.name") },
                      { key: "job", label: t("history.job") },
                      {
                        label: t("devices.col.status"),
                        render: function (row) {
                          return el("span", "vc-sb-dev-status vc-sb-status-" + row.status, row.status);
                        },
                      },
                      { key: "errorClass", label: t("history.errorClass") },
                    ],
                    d.run.devices,
                    {
                      onRow: function (row, $tr) {
                        $tr.attr("data-device", row.device).attr("data-status", row.status);
                      },
                    },
                  )
                  .addClass("vc-sb-run-rows")
                  .appendTo($rows);
                if (d.run.error) {
                  el("div", "vc-sb-error", d.run.error).appendTo($rows);
                }
              },
              function () {
                pending = false;
              },
            );
          }
          app.onRun(r.id, function (p) {
            if (p.state === "running") {
              drawRows(r.id, p);
            }
          });
        },
        function (xhr) {
          app.message($msg, app.errorText(xhr), true);
        },
      );
    }

    /**
     * The raw-YAML part shared by the job and batch editors: the text, the located error (its line
     * selected in the text while `yamlShown()`), Save and Cancel (Cancel and Escape close the editor).
     */
    function yamlEditor($panel, kind, yamlShown) {
      var $yaml = $('<textarea rows="16" spellcheck="false">')
        .addClass("vc-sb-" + kind + "-yaml")
        .attr("aria-label", t("jobs.yaml"))
        .appendTo($panel);
      var $err = el("div", "vc-sb-form-error vc-sb-" + kind + "-error")
        .attr("role", "alert")
        .appendTo($panel);
      var $buttons = el("div", "vc-sb-actions").appendTo($panel);
      var $save = app.button(t("common.save"), "fa-check", "primary vc-sb-" + kind + "-save").appendTo($buttons);
      var $cancel = app.button(t("common.cancel"), null, "vc-sb-" + kind + "-cancel").appendTo($buttons);
      $cancel.on("click", function () {
        $editor.empty();
      });
      $panel.on("keydown", function (e) {
        if (e.key === "Escape") {
          // Not on to the editor's keymap: it walks up from the target, which is gone by then.
          e.stopPropagation();
          $editor.empty();
        }
      });

      /** Selects the error's line in the YAML text. */
      function markLine(line) {
        if (!yamlShown()) {
          return;
        }
        var text = $yaml.val();
        var start = 0;
        for (var i = 1; i < line && start >= 0; i++) {
          start = text.indexOf("\n", start) + 1;
          if (start === 0) {
            return;
          }
        }
        var end = text.indexOf("\n", start);
        $yaml[0].setSelectionRange(start, end < 0 ? text.length : end);
        $yaml.trigger("focus");
      }

      function showError(xhr) {
        var j = (xhr && xhr.responseJSON) || {};
        $err.text(j.error ? j.error + (j.errorClass ? " (" + j.errorClass + ")" : "") : app.errorText(xhr));
        if (j.line) {
          $err.attr("data-line", j.line);
          markLine(j.line);
        } else {
          $err.removeAttr("data-line");
        }
      }

      return { $yaml: $yaml, $err: $err, $save: $save, $cancel: $cancel, showError: showError };
    }

    /** The batch editor: its YAML (name, jobs, stop_on_failure, delay_s), checked by the server on save. */
    function editBatch(slug) {
      $editor.empty();
      app.message($msg, "");
      var $panel = el("div", "vc-sb-panel vc-sb-batch-form").appendTo($editor);
      el("h4", "vc-sb-section", slug ? t("jobs.editBatchTitle", { name: slug }) : t("jobs.newBatchTitle")).appendTo(
        $panel,
      );
      var $slug = $('<input type="text">').attr("placeholder", t("jobs.batchSlugHint"));
      if (!slug) {
        $panel.append(app.field(t("jobs.field.slug"), $slug, "vc-sb-batch-f-slug"));
      }
      var ed = yamlEditor($panel, "batch", function () {
        return true;
      });
      ed.$save.on("click", function () {
        ed.$err.text("").removeAttr("data-line");
        var body = { yaml: ed.$yaml.val() };
        var typed = $slug.val().trim();
        if (!slug && typed) {
          body.slug = typed;
        }
        var req = slug ? app.api("PUT", "batches/" + encodeURIComponent(slug), body) : app.api("POST", "batches", body);
        req.then(function (r) {
          $editor.empty();
          app.message($msg, t("jobs.saved", { name: r.batch.slug }));
          load();
        }, ed.showError);
      });
      if (slug) {
        app.api("GET", "batches/" + encodeURIComponent(slug)).then(function (r) {
          ed.$yaml.val(r.yaml).trigger("focus");
          if (r.invalid) {
            ed.showError({ responseJSON: r.invalid });
          }
        }, ed.showError);
      } else {
        ed.$yaml.val("name: \njobs: []\nstop_on_failure: false\ndelay_s: 5\n");
        $slug.trigger("focus");
      }
    }

    /** The job editor: a form for the common fields and the raw YAML, one of them shown. */
    function edit(slug) {
      $editor.empty();
      app.message($msg, "");
      var $panel = el("div", "vc-sb-panel vc-sb-job-form").appendTo($editor);
      el("h4", "vc-sb-section", slug ? t("jobs.editTitle", { name: slug }) : t("jobs.newTitle")).appendTo($panel);
      var $modes = el("div", "button-group vc-sb-job-modes").appendTo($panel);
      var $formBtn = app.button(t("jobs.form"), "fa-list", "vc-sb-job-mode-form selected").appendTo($modes);
      var $yamlBtn = app.button(t("jobs.yaml"), "fa-code", "vc-sb-job-mode-yaml").appendTo($modes);
      var $form = $('<form class="vc-sb-form">').appendTo($panel);
      var inputs = {
        name: $('<input type="text">'),
        slug: $('<input type="text">').prop("disabled", Boolean(slug)),
        description: $('<input type="text">'),
        capture_type: $('<input type="text">'),
        commands: $('<textarea rows="3">'),
        credential: $('<input type="text">'),
        concurrency: $('<input type="number" min="1">'),
      };
      FILTER_KEYS.forEach(function (k) {
        inputs["devices." + k] = $('<input type="text">');
      });
      var $enabled = $('<input type="checkbox">').prop("checked", true);
      Object.keys(inputs).forEach(function (k) {
        $form.append(
          app.field(t("jobs.field." + k.replace(".", "_")), inputs[k], "vc-sb-job-f-" + k.replace(".", "-")),
        );
      });
      $form.append(app.field(t("jobs.col.enabled"), $enabled, "vc-sb-job-f-enabled"));
      var yamlEd = yamlEditor($panel, "job", function () {
        return mode === "yaml";
      });
      var $yaml = yamlEd.$yaml.hide();
      var $err = yamlEd.$err;
      var showError = yamlEd.showError;
      var $save = yamlEd.$save;
      var source = {};
      var mode = "form";
      var yamlTyped = false;
      $yaml.on("input", function () {
        yamlTyped = true;
      });

      function fillForm(src) {
        source = src || {};
        inputs.name.val(source.name || "");
        inputs.slug.val(source.slug || "");
        inputs.description.val(source.description || "");
        inputs.capture_type.val(source.capture_type || "");
        var cmds = source.commands;
        inputs.commands.val(Array.isArray(cmds) ? cmds.join("\n") : cmds || "");
        inputs.credential.val(source.credential || "");
        inputs.concurrency.val((source.execution && source.execution.concurrency) || "");
        FILTER_KEYS.forEach(function (k) {
          inputs["devices." + k].val((source.devices && source.devices[k]) || "");
        });
        $enabled.prop("checked", source.enabled !== false);
      }

      /** The job file object: the source as loaded with the form's fields over it. */
      function fromForm() {
        var job = $.extend(true, {}, source);
        ["name", "slug", "description", "capture_type", "credential"].forEach(function (k) {
          var v = inputs[k].val().trim();
          if (v) {
            job[k] = v;
          } else {
            delete job[k];
          }
        });
        var lines = inputs.commands
          .val()
          .split("\n")
          .map(function (l) {
            return l.trim();
          })
          .filter(Boolean);
        if (lines.length) {
          job.commands = lines;
        } else {
          delete job.commands;
        }
        var devices = $.extend({}, job.devices || {});
        FILTER_KEYS.forEach(function (k) {
          var v = inputs["devices." + k].val().trim();
          if (v) {
            devices[k] = v;
          } else {
            delete devices[k];
          }
        });
        if (Object.keys(devices).length) {
          job.devices = devices;
        } else {
          delete job.devices;
        }
        var conc = inputs.concurrency.val();
        var execution = $.extend({}, job.execution || {});
        if (conc !== "") {
          execution.concurrency = Number(conc);
        } else {
          delete execution.concurrency;
        }
        if (Object.keys(execution).length) {
          job.execution = execution;
        } else {
          delete job.execution;
        }
        job.enabled = $enabled.prop("checked");
        return job;
      }

      function setMode(m) {
        if (m === mode) {
          return;
        }
        if (m === "yaml") {
          // The form's fields as the server writes them (a form the schema refuses keeps the last YAML).
          yamlTyped = false;
          app.api("POST", "jobs/check", { job: fromForm() }).then(function (r) {
            if (yamlTyped) {
              return;
            }
            if (r.ok) {
              $yaml.val(r.yaml);
            } else {
              showError({ responseJSON: r });
            }
          });
        }
        mode = m;
        $form.toggle(m === "form");
        $yaml.toggle(m === "yaml");
        $formBtn.toggleClass("selected", m === "form");
        $yamlBtn.toggleClass("selected", m === "yaml");
        if (m === "form") {
          // The YAML may have changed: the server reads it and the form shows the result.
          app.api("POST", "jobs/check", { yaml: $yaml.val() }).then(function (r) {
            if (r.ok) {
              fillForm(r.source);
            } else {
              showError({ responseJSON: r });
              setModeRaw("yaml");
            }
          });
        }
      }

      $formBtn.on("click", function () {
        setMode("form");
      });
      $yamlBtn.on("click", function () {
        setMode("yaml");
      });
      $form.on("submit", function (e) {
        e.preventDefault();
        $save.trigger("click");
      });
      $save.on("click", function () {
        $err.text("");
        var body = mode === "yaml" ? { yaml: $yaml.val() } : { job: fromForm() };
        var req = slug ? app.api("PUT", "jobs/" + encodeURIComponent(slug), body) : app.api("POST", "jobs", body);
        req.then(function (r) {
          $editor.empty();
          app.message($msg, t("jobs.saved", { name: r.job.slug }));
          load();
        }, showError);
      });

      if (slug) {
        app.api("GET", "jobs/" + encodeURIComponent(slug)).then(
          function (r) {
            $yaml.val(r.yaml);
            if (r.invalid) {
              // An invalid file opens as YAML with its located error.
              fillForm({ slug: slug });
              mode = "form";
              setModeRaw("yaml");
              showError({ responseJSON: r.invalid });
            } else {
              fillForm(r.source);
            }
            inputs.name.trigger("focus");
          },
          function (xhr) {
            showError(xhr);
          },
        );
      } else {
        fillForm({ capture_type: "", enabled: true });
        inputs.name.trigger("focus");
      }

      function setModeRaw(m) {
        mode = m;
        $form.toggle(m === "form");
        $yaml.toggle(m === "yaml");
        $formBtn.toggleClass("selected", m === "form");
        $yamlBtn.toggleClass("selected", m === "yaml");
      }
    }

    return { refresh: load };
  }

  (window.VcSidebar = window.VcSidebar || { views: [] }).views.push({
    id: "jobs",
    order: 30,
    icon: "fa-tasks",
    create: create,
  });
})();
