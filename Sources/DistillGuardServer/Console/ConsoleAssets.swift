/// The console's stylesheet and its one small script, served from memory (no build step).
enum ConsoleAssets {
    static let css = """
        :root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --attack: #c0392b; --review: #d68910; --benign: #2e7d32; --accent: #2458a6; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f6f7f9; }
        header { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #1d2330; color: #fff; }
        header a { color: #fff; text-decoration: none; }
        header .brand { font-weight: 700; }
        header nav { flex: 1; }
        header .logout { display: flex; gap: 10px; align-items: center; }
        main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 60px; }
        h1 { font-size: 22px; margin: 8px 0 16px; }
        h2 { font-size: 16px; margin: 28px 0 10px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 18px; margin-bottom: 18px; overflow-x: auto; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; }
        .tile { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
        .tile .value { font-size: 22px; font-weight: 600; }
        .tile .name { color: var(--muted); font-size: 12px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; font-size: 12px; }
        a { color: var(--accent); }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--muted); }
        .badge-attack { background: var(--attack); } .badge-review { background: var(--review); } .badge-benign { background: var(--benign); }
        .badge-confirmed { background: var(--attack); } .badge-dismissed { background: var(--benign); }
        .empty { color: var(--muted); font-style: italic; }
        .chart { max-width: 100%; height: auto; }
        .chart .bar { fill: #7da2d6; } .chart .bar-flagged { fill: var(--review); }
        .chart .hbar { fill: #7da2d6; } .chart .hbar.negative { fill: #b8c2d3; }
        .chart .axis { stroke: #9aa3b2; }
        .chart .tick, .chart .label, .chart .value, .chart .legend { font-size: 11px; fill: var(--muted); }
        .chart polyline.line { stroke-width: 2; fill: none; }
        .chart polyline.review { stroke: var(--review); } .chart polyline.attack { stroke: var(--attack); }
        .chart polyline.clusters { stroke: var(--accent); }
        .chart text.review { fill: var(--review); } .chart text.attack { fill: var(--attack); } .chart text.clusters { fill: var(--accent); }
        .graph .edge { stroke: #b8c2d3; stroke-width: 1; } .graph .edge-shared_payment { stroke: var(--attack); }
        .graph .edge-shared_email_domain { stroke: #8e44ad; } .graph .edge-shared_ip_prefix { stroke: var(--accent); }
        .graph .edge-shared_client { stroke: #16a085; }
        .graph .node { fill: var(--muted); stroke: #fff; stroke-width: 2; } .graph .node-attack { fill: var(--attack); }
        .graph .node-review { fill: var(--review); } .graph .node-benign { fill: var(--benign); }
        pre, .prompt { white-space: pre-wrap; word-break: break-word; background: #f3f5f8; border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; font: 12px/1.4 ui-monospace, monospace; }
        form.decision { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
        form.decision input[type=text] { flex: 1; min-width: 220px; }
        input, button { font: inherit; padding: 5px 10px; }
        button { cursor: pointer; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
        button.confirm { background: var(--attack); color: #fff; border-color: var(--attack); }
        button.dismiss { background: var(--benign); color: #fff; border-color: var(--benign); }
        .login { max-width: 380px; margin: 60px auto; }
        .login label { display: block; margin: 10px 0 4px; }
        .login input { width: 100%; }
        .error { color: var(--attack); }
        .filter { margin-bottom: 8px; width: 260px; }
        ul.evidence li { margin-bottom: 4px; }
        """

    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d2330"/>\
        <path d="M4 3h4a5 5 0 0 1 0 10H4z" fill="none" stroke="#7da2d6" stroke-width="2"/></svg>
        """

    /// Progressive enhancement only: every page works without it.
    static let javascript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("form[data-confirm]").forEach(function (form) {
            form.addEventListener("submit", function (event) {
              var button = event.submitter;
              var message = form.getAttribute("data-confirm") + (button && button.value ? " (" + button.value + ")" : "");
              if (!window.confirm(message)) { event.preventDefault(); }
            });
          });
          document.querySelectorAll("input[data-filter]").forEach(function (input) {
            var table = document.getElementById(input.getAttribute("data-filter"));
            if (!table) { return; }
            input.addEventListener("input", function () {
              var needle = input.value.toLowerCase();
              table.querySelectorAll("tbody tr").forEach(function (row) {
                row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
              });
            });
          });
          document.body.setAttribute("data-console-ready", "true");
        });
        """
}
