/* VelocityCollector sidebar for the Node-RED editor: the shared part (view registry, HTTP and
 * comms helpers, small DOM builders). Served at resources/node-red-contrib-velocitycollector/
 * vc-sidebar/core.js and loaded by the plugin's vc-sidebar.html before the view modules.
 *
 * A view module calls VcSidebar.registerView({ id, order, icon, create(container, app) }) where
 * create returns { refresh() } (called when the view is shown). Device names, CSV cells and capture
 * text are untrusted: they only ever go into the page through .text() / text nodes. */

/* global RED, document */
(function () {
  "use strict";
  var existing = window.VcSidebar;
  if (existing && existing.ready) {
    return;
  }
  var NS = "node-red-contrib-velocitycollector/vc-sidebar:";
  var views = (existing && existing.views) || [];
  var runListeners = {};

  function t(key, opts) {
    return RED._(NS + key, opts);
  }

  /** JSON request to the pack's admin API (relative URL: the editor adds its root and token). */
  function api(method, url, body) {
    var req = { url: "vc/" + url, method: method, dataType: "json", cache: false };
    if (body !== undefined) {
      req.contentType = "application/json";
      req.data = JSON.stringify(body);
    }
    return $.ajax(req);
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v === undefined || v === null || v === "" || v === false) {
        return;
      }
      parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(v)));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  /** The error text of a failed request: `{error, errorClass}` from the runtime, else the HTTP status. */
  function errorText(xhr) {
    var j = xhr && xhr.responseJSON;
    if (j && j.error) {
      return j.error + (j.errorClass ? " (" + j.errorClass + ")" : "");
    }
    return (xhr && xhr.status + " " + xhr.statusText) || "error";
  }

  function el(tag, cls, text) {
    var $e = $("<" + tag + ">");
    if (cls) {
      $e.addClass(cls);
    }
    if (text !== undefined && text !== null) {
      $e.text(String(text));
    }
    return $e;
  }

  function button(label, icon, cls) {
    var $b = $('<button type="button" class="red-ui-button red-ui-button-small">');
    if (cls) {
      $b.addClass(cls);
    }
    if (icon) {
      $b.append($("<i>").addClass("fa " + icon));
      if (label) {
        $b.append(document.createTextNode(" "));
      }
    }
    if (label) {
      $b.append(document.createTextNode(label));
    }
    return $b;
  }

  /** A labelled form row; returns the row, the control is appended by the caller. */
  function field(label, $control, id) {
    var $row = el("div", "vc-sb-field");
    var $label = el("label", null, label).appendTo($row);
    if (id) {
      $control.attr("id", id);
      $label.attr("for", id);
    }
    $row.append($control);
    return $row;
  }

  function select(options, value) {
    var $s = $("<select>");
    options.forEach(function (o) {
      var opt = typeof o === "string" ? { value: o, label: o } : o;
      $("<option>").val(opt.value).text(opt.label).appendTo($s);
    });
    if (value !== undefined) {
      $s.val(value);
    }
    return $s;
  }

  /** Text with every [start, end) range wrapped in <mark>, built from text nodes only. */
  function highlighted(text, ranges, markClass) {
    var $span = $("<span>");
    var pos = 0;
    ranges.forEach(function (r) {
      if (r[0] > pos) {
        $span.append(document.createTextNode(text.slice(pos, r[0])));
      }
      $("<mark>")
        .addClass(markClass || "vc-sb-mark")
        .text(text.slice(r[0], r[1]))
        .appendTo($span);
      pos = r[1];
    });
    if (pos < text.length) {
      $span.append(document.createTextNode(text.slice(pos)));
    }
    return $span;
  }

  function bytes(n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return (n / 1024).toFixed(1) + " KiB";
    }
    return (n / 1048576).toFixed(1) + " MiB";
  }

  function age(iso) {
    var s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) {
      return Math.round(s) + "s";
    }
    if (s < 3600) {
      return Math.round(s / 60) + "m";
    }
    if (s < 86400) {
      return Math.round(s / 3600) + "h";
    }
    return Math.round(s / 86400) + "d";
  }

  /** A line showing a message (class vc-sb-error for failures); cleared with an empty text. */
  function message($target, text, isError) {
    $target.text(text || "").toggleClass("vc-sb-error", Boolean(isError));
  }

  /** Live progress: `fn(progress)` for messages about run `id` until it ends. */
  function onRun(id, fn) {
    (runListeners[id] = runListeners[id] || []).push(fn);
  }

  function dispatchRun(topic, msg) {
    if (!msg || typeof msg.id !== "string") {
      return;
    }
    var fns = runListeners[msg.id];
    if (fns) {
      fns.slice().forEach(function (fn) {
        fn(msg);
      });
      if (msg.state !== "running") {
        delete runListeners[msg.id];
      }
    }
  }

  /** A progress line + bar + cancel button for a background run. */
  function progressWidget($parent, id, onEnd) {
    var $box = el("div", "vc-sb-progress").attr("data-run-id", id).appendTo($parent);
    var $bar = el("div", "vc-sb-progress-bar").appendTo($box);
    var $fill = el("div", "vc-sb-progress-fill").appendTo($bar);
    var $text = el("span", "vc-sb-progress-text", t("run.starting")).appendTo($box);
    var $cancel = button(t("run.cancel"), "fa-stop", "vc-sb-run-cancel").appendTo($box);
    $cancel.on("click", function () {
      $cancel.prop("disabled", true);
      api("POST", "runs/" + encodeURIComponent(id) + "/cancel", {});
    });
    onRun(id, function (p) {
      var pct = p.total ? Math.round((p.done / p.total) * 100) : 100;
      $fill.css("width", pct + "%");
      $box.attr("data-state", p.state);
      $text.text(
        t("run.progress", { done: p.done, total: p.total, ok: p.ok, failed: p.failed }) +
          (p.state === "running" ? "" : " · " + t("run.state." + p.state)),
      );
      if (p.state !== "running") {
        $cancel.remove();
        if (onEnd) {
          onEnd(p);
        }
      }
    });
    return $box;
  }

  /** A simple table: columns [{key, label, render?(row)->string|$}] and rows; returns the $table. */
  function table(columns, rows, opts) {
    opts = opts || {};
    var $t = el("table", "vc-sb-table");
    var $head = el("tr").appendTo(el("thead").appendTo($t));
    columns.forEach(function (c) {
      var $th = el("th").appendTo($head);
      if (opts.onSort && c.sortable !== false && c.key) {
        var $b = $('<button type="button" class="vc-sb-sort">').text(c.label).appendTo($th);
        if (opts.sort === c.key) {
          $th.attr("aria-sort", opts.desc ? "descending" : "ascending");
          $b.append($("<i>").addClass("fa " + (opts.desc ? "fa-caret-down" : "fa-caret-up")));
        }
        $b.on("click", function () {
          opts.onSort(c.key);
        });
      } else {
        $th.text(c.label);
      }
    });
    var $body = el("tbody").appendTo($t);
    rows.forEach(function (row) {
      var $tr = el("tr").appendTo($body);
      columns.forEach(function (c) {
        var $td = el("td").appendTo($tr);
        if (c.cls) {
          $td.addClass(c.cls);
        }
        var v = c.render ? c.render(row, $tr) : row[c.key];
        if (v && v.jquery) {
          $td.append(v);
        } else if (v !== undefined && v !== null) {
          $td.text(String(v));
        }
      });
      if (opts.onRow) {
        opts.onRow(row, $tr);
      }
    });
    return $t;
  }

  /** Asks inline (inside $where) before a destructive action; the question is text. */
  function confirm($where, text, onYes) {
    $where.find(".vc-sb-confirm").remove();
    var $box = el("div", "vc-sb-confirm").attr("role", "alertdialog").prependTo($where);
    el("span", null, text).appendTo($box);
    var $yes = button(t("common.yes"), null, "primary vc-sb-confirm-yes").appendTo($box);
    var $no = button(t("common.no"), null, "vc-sb-confirm-no").appendTo($box);
    $yes.on("click", function () {
      $box.remove();
      onYes();
    });
    $no.on("click", function () {
      $box.remove();
    });
    $no.trigger("focus");
  }

  /** A view's action bar, appended to $c, starting with a Refresh button (class cls) that calls onRefresh. */
  function actionBar($c, cls, onRefresh) {
    var $bar = el("div", "vc-sb-actions").appendTo($c);
    button(t("common.refresh"), "fa-refresh", cls)
      .appendTo($bar)
      .on("click", function () {
        onRefresh();
      });
    return $bar;
  }

  var app = {
    t: t,
    api: api,
    query: query,
    errorText: errorText,
    el: el,
    button: button,
    actionBar: actionBar,
    field: field,
    select: select,
    highlighted: highlighted,
    bytes: bytes,
    age: age,
    message: message,
    progressWidget: progressWidget,
    onRun: onRun,
    table: table,
    confirm: confirm,
    show: function () {},
  };

  /** Views may load before this file (the editor loads the scripts in parallel): they push to views. */
  function registerView(def) {
    views.push(def);
  }

  /** Builds the tab: a toolbar of view buttons, a status line and the active view. */
  function start() {
    var $root = el("div", "vc-sb").attr("id", "vc-sidebar-root");
    var $toolbar = el("div", "vc-sb-toolbar button-group").attr("role", "tablist").appendTo($root);
    var $status = el("div", "vc-sb-status").attr("id", "vc-sb-status").appendTo($root);
    var $body = el("div", "vc-sb-body").appendTo($root);
    var instances = {};
    var active = null;
    views.sort(function (a, b) {
      return (a.order || 0) - (b.order || 0);
    });

    function show(id) {
      var def = views.find(function (v) {
        return v.id === id;
      });
      if (!def) {
        return;
      }
      $toolbar.children("button").each(function () {
        var on = $(this).attr("data-view") === id;
        $(this).toggleClass("selected", on).attr("aria-selected", String(on));
      });
      $body.children(".vc-sb-view").hide();
      if (!instances[id]) {
        var $container = el("div", "vc-sb-view")
          .attr("id", "vc-sb-view-" + id)
          .attr("role", "tabpanel")
          .appendTo($body);
        instances[id] = { $container: $container, view: def.create($container, app) };
      }
      instances[id].$container.show();
      active = id;
      if (instances[id].view && instances[id].view.refresh) {
        instances[id].view.refresh();
      }
    }
    app.show = show;

    views.forEach(function (v) {
      var $b = $('<button type="button" class="red-ui-button red-ui-button-small" role="tab">')
        .attr("data-view", v.id)
        .attr("id", "vc-sb-tab-" + v.id)
        .attr("title", t("views." + v.id))
        .append($("<i>").addClass("fa " + v.icon))
        .append(el("span", "vc-sb-tab-label", t("views." + v.id)))
        .appendTo($toolbar);
      $b.on("click", function () {
        show(v.id);
      });
    });

    function refreshStatus() {
      api("GET", "status").then(
        function (s) {
          var v = s.vault || {};
          var text = v.unlocked
            ? t("status.unlocked", { node: v.node || "" })
            : v.exists
              ? t("status.locked", { reason: v.reason || "" })
              : t("status.noVault");
          $status.empty();
          el("i", "fa " + (v.unlocked ? "fa-unlock" : "fa-lock")).appendTo($status);
          el("span", "vc-sb-status-text", " " + text).appendTo($status);
          $status.attr("data-vault", v.unlocked ? "unlocked" : "locked");
        },
        function (xhr) {
          message($status, errorText(xhr), true);
        },
      );
    }
    app.refreshStatus = refreshStatus;

    RED.comms.subscribe("vc-sidebar/run/+", dispatchRun);
    return {
      content: $root,
      refresh: function () {
        refreshStatus();
        if (!active && views.length) {
          show(views[0].id);
        } else if (active && instances[active].view.refresh) {
          instances[active].view.refresh();
        }
      },
    };
  }

  window.VcSidebar = { views: views, registerView: registerView, start: start, ready: true, app: app };
})();
