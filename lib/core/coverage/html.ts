import type { CoverageCell, CoverageReport } from "./build";

/**
 * The coverage report as one self-contained HTML file: inline CSS and a few lines of inline
 * script (a device filter), no external URL, every value escaped.
 * Stable hooks: #coverage-summary [data-key], #coverage-types, #coverage-matrix with
 * tr[data-device] and td[data-type] carrying class present / stale / missing.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400 * 2) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2933;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#616e7c;margin:0 0 16px}
#coverage-summary{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #d9e2ec;border-radius:6px;padding:10px 16px;min-width:110px}
.card .value{display:block;font-size:22px;font-weight:600}.card .label{color:#616e7c}
table{border-collapse:collapse;margin-top:8px}
th,td{border:1px solid #d9e2ec;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f0f4f8;position:sticky;top:0}
td.present{background:#e3f9e5}td.stale{background:#fff3c4}td.interrupted{outline:2px dashed #b45309;outline-offset:-3px}.run-interrupted{color:#b45309}td.missing{background:#ffe3e3;color:#a61b1b;text-align:center}
td small{color:#52606d}
.num{text-align:right}
.unlisted{color:#616e7c;font-style:italic}
#device-filter{padding:4px 8px;width:240px}
`;

const SCRIPT = `
document.getElementById("device-filter").addEventListener("input", function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll("#coverage-matrix tbody tr").forEach(function (tr) {
    tr.hidden = q !== "" && tr.getAttribute("data-device").toLowerCase().indexOf(q) === -1;
  });
});
`;

function cellHtml(type: string, cell: CoverageCell): string {
  if (!cell.present) return `<td class="missing" data-type="${escapeHtml(type)}" title="no capture">&mdash;</td>`;
  const cls = (cell.stale ? "stale" : "present") + (cell.interrupted ? " interrupted" : "");
  const title = `${cell.capturedAt} · ${formatBytes(cell.size)}${cell.interrupted ? ` · from interrupted run ${cell.run?.runId ?? ""}` : ""}`;
  const note = cell.interrupted ? `<br><small class="run-interrupted">interrupted run</small>` : "";
  return `<td class="${cls}" data-type="${escapeHtml(type)}" title="${escapeHtml(title)}">${escapeHtml(formatAge(cell.ageSeconds))}<br><small>${escapeHtml(formatBytes(cell.size))}</small>${note}</td>`;
}

export function coverageHtml(report: CoverageReport, title = "Capture coverage"): string {
  const s = report.summary;
  const cards: Array<[string, string, string | number]> = [
    ["devices", "Devices", s.devices],
    ["capture-types", "Capture types", s.captureTypes],
    ["present", "Captures present", s.present],
    ["missing", "Missing", s.missing],
    ["stale", "Stale", s.stale],
    ...(s.interrupted > 0 ? [["interrupted", "From interrupted runs", s.interrupted] as [string, string, number]] : []),
    ["coverage", "Coverage", `${s.coveragePct}%`],
    ["size", "Total size", formatBytes(s.totalBytes)],
  ];
  if (s.unlistedDevices > 0) cards.push(["unlisted", "Not in device list", s.unlistedDevices]);

  const typeRows = report.perType
    .map(
      (t) =>
        `<tr data-type="${escapeHtml(t.captureType)}"><th scope="row">${escapeHtml(t.captureType)}</th><td class="num">${t.present}</td><td class="num">${t.missing}</td>` +
        `<td class="num">${t.coveragePct}%</td><td class="num">${escapeHtml(formatBytes(t.totalBytes))}</td><td>${escapeHtml(t.latestAt ?? "")}</td></tr>`,
    )
    .join("\n");

  const header = ["Device", "Site", "Platform", ...report.captureTypes]
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join("");
  const rows = report.rows
    .map((r) => {
      const name = `<th scope="row"${r.listed ? "" : ' class="unlisted" title="not in the device list"'}>${escapeHtml(r.device)}</th>`;
      const cells = report.captureTypes.map((t) => cellHtml(t, r.cells[t])).join("");
      return `<tr data-device="${escapeHtml(r.device)}">${name}<td>${escapeHtml(r.site ?? "")}</td><td>${escapeHtml(r.platform ?? "")}</td>${cells}</tr>`;
    })
    .join("\n");

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Generated ${escapeHtml(report.generatedAt)} from <code>${escapeHtml(report.collections)}</code>; captures older than ${escapeHtml(formatAge(report.staleAfterSeconds))} are stale.</p>
<section id="coverage-summary">
${cards.map(([key, label, value]) => `<div class="card" data-key="${key}"><span class="value">${escapeHtml(value)}</span><span class="label">${escapeHtml(label)}</span></div>`).join("\n")}
</section>
<h2>Per capture type</h2>
<table id="coverage-types">
<thead><tr><th scope="col">Capture type</th><th scope="col">Present</th><th scope="col">Missing</th><th scope="col">Coverage</th><th scope="col">Size</th><th scope="col">Latest</th></tr></thead>
<tbody>
${typeRows}
</tbody>
</table>
<h2>Devices &times; capture types</h2>
<p><label>Filter devices: <input id="device-filter" type="search" autocomplete="off"></label></p>
<table id="coverage-matrix">
<thead><tr>${header}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
