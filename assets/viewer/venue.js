// The venue page: the platform's hourly and weekly popularity lists, each show
// linking to its viewer page (the live picture, or the replay after the end).
(function () {
  "use strict";
  const list = document.getElementById("list");
  const empty = document.getElementById("empty");
  const tabs = [...document.querySelectorAll(".tab")];
  let period = new URLSearchParams(location.search).get("period") === "week" ? "week" : "hour";
  let loaded = 0;

  function row(r) {
    const li = document.createElement("li");
    li.className = "entry" + (r.live ? " live" : "");
    const a = document.createElement("a");
    a.href = r.watch_url;
    const rank = document.createElement("span");
    rank.className = "rank";
    rank.textContent = String(r.rank);
    const title = document.createElement("span");
    title.className = "entry-title";
    title.textContent = r.title;
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = r.live ? "直播中 / LIVE" : "回放 / Replay";
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = r.score + " 人气 / score";
    a.append(rank, title, badge, score);
    li.append(a);
    return li;
  }

  async function load() {
    tabs.forEach((t) => t.setAttribute("aria-selected", String(t.dataset.period === period)));
    try {
      const res = await fetch("/api/rankings?period=" + period);
      if (!res.ok) throw new Error("HTTP " + res.status);
      const rows = await res.json();
      list.replaceChildren(...rows.map(row));
      empty.hidden = rows.length > 0;
      loaded++;
    } catch (err) {
      empty.hidden = false;
      empty.textContent = "暂时连不上平台 / Cannot reach the platform: " + String(err.message || err);
    }
  }

  tabs.forEach((t) => t.addEventListener("click", () => { period = t.dataset.period; load(); }));
  load();
  setInterval(load, 30000);
  window.__showcasterVenue = { loaded: () => loaded, period: () => period, rows: () => list.children.length };
})();
