// Before and after the show, on the viewer page: the preview (cover, title,
// products, a countdown and the Book button with the number of bookings)
// while the show has not started, and the replay once it has ended. It only
// listens to what viewer.js announces ("showcaster:public", "showcaster:state",
// "showcaster:event"); viewer.js switches a waiting page to the picture by
// itself when the show goes live, and this part then steps aside.
(function () {
  "use strict";

  const params = new URLSearchParams(location.search);
  const showID = decodeURIComponent((location.pathname.match(/\/watch\/([^/]+)/) || [])[1] || params.get("show") || "");
  const trialKey = params.get("key") || "";
  const $ = (id) => document.getElementById(id);
  const ui = {
    app: $("app"), preview: $("preview"), cover: $("preview-cover"), title: $("preview-title"),
    starts: $("preview-starts"), countdown: $("preview-countdown"), products: $("preview-products"),
    book: $("book"), bookCount: $("book-count"), replay: $("replay"), video: $("video"), toast: $("toast"),
  };
  if (!showID || !ui.preview) return;

  const st = { state: "", startsAt: null, skew: 0, bookings: 0, booked: false, replayURL: "", polling: false, timer: 0 };

  function apiPath(rest) {
    return "/api/shows/" + encodeURIComponent(showID) + rest;
  }

  function safeURL(u) {
    try {
      const url = new URL(u, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : "";
    } catch (_) {
      return "";
    }
  }

  function toast(message) {
    ui.toast.textContent = message;
    ui.toast.hidden = false;
    clearTimeout(toast.t);
    toast.t = setTimeout(() => { ui.toast.hidden = true; }, 4000);
  }

  // ---- the preview (直播预告) ----

  function countdownText(ms) {
    if (ms <= 0) return "即将开播 / Starting soon";
    const s = Math.floor(ms / 1000);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    const two = (n) => String(n).padStart(2, "0");
    const clock = two(h) + ":" + two(m) + ":" + two(sec);
    return "距开播 / Starts in " + (d > 0 ? d + " 天 / days " : "") + clock;
  }

  function tick() {
    if (!st.startsAt) { ui.countdown.textContent = ""; return; }
    ui.countdown.textContent = countdownText(st.startsAt - (Date.now() + st.skew));
  }

  function renderBookings() {
    ui.bookCount.textContent = st.bookings > 0 ? "已有 " + st.bookings + " 人预约 / " + st.bookings + " booked" : "";
    ui.book.disabled = st.booked;
    ui.book.textContent = st.booked ? "已预约 ✓ / Booked ✓" : "预约 / Book";
  }

  function renderProducts(list) {
    ui.products.replaceChildren();
    for (const p of list || []) {
      const li = document.createElement("li");
      const name = document.createElement("span");
      name.className = "preview-product-title";
      name.textContent = (p.link_no ? p.link_no + "号 " : "") + (p.title || "");
      li.append(name);
      if (typeof p.price_cents === "number") {
        const price = document.createElement("span");
        price.className = "preview-product-price";
        price.textContent = "¥" + (p.price_cents / 100).toFixed(2);
        li.append(price);
      }
      ui.products.append(li);
    }
    ui.products.hidden = ui.products.children.length === 0;
  }

  function showPreview(on) {
    ui.preview.hidden = !on;
    ui.app.classList.toggle("has-preview", on);
    clearInterval(st.timer);
    if (on) {
      tick();
      st.timer = setInterval(tick, 1000);
    }
  }

  async function book() {
    ui.book.disabled = true;
    try {
      const res = await fetch(apiPath("/bookings"), { method: "POST", credentials: "same-origin" });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error((body.error && body.error.message) || "HTTP " + res.status);
      st.booked = !!body.booked;
      st.bookings = body.bookings || st.bookings;
      toast("预约成功,开播时本页会自动切换到直播 / Booked: this page switches to the show when it starts");
    } catch (err) {
      toast("预约失败 / Booking failed: " + String(err.message || err));
    }
    renderBookings();
  }

  // ---- the replay (回放) ----

  function showReplay(url) {
    if (!url || st.replayURL === url) return;
    st.replayURL = url;
    ui.replay.src = url;
    ui.replay.hidden = false;
    // Start it as the live picture starts: muted (browsers allow that
    // without a tap); the controls unmute, pause and seek.
    ui.replay.muted = true;
    ui.replay.play().catch(() => { /* the controls are there */ });
    ui.video.hidden = true;
    ui.app.classList.add("has-replay");
  }

  // After the end the replay takes a few seconds to be ready: ask until it is.
  async function pollReplay(wait) {
    if (st.polling || st.replayURL) return;
    st.polling = true;
    for (let i = 0; i < 60 && !st.replayURL; i++) {
      try {
        const res = await fetch(apiPath("/public"), { credentials: "same-origin" });
        if (res.ok) apply(await res.json());
      } catch (_) { /* try again */ }
      if (st.replayURL) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    st.polling = false;
  }

  // ---- what viewer.js announces ----

  function apply(p) {
    if (p.title) ui.title.textContent = p.title;
    if (p.cover_url) {
      const c = safeURL(p.cover_url);
      if (c) { ui.cover.src = c; ui.cover.hidden = false; }
    }
    if (p.now) {
      // Count down on the platform's clock, whatever this device's says.
      const now = new Date(p.now);
      if (!isNaN(now)) st.skew = now - Date.now();
    }
    if (p.starts_at) {
      const t = new Date(p.starts_at);
      if (!isNaN(t)) {
        st.startsAt = t;
        ui.starts.textContent = "开播时间 / Starts at " + t.toLocaleString();
      }
    }
    if (typeof p.bookings === "number") st.bookings = p.bookings;
    if (typeof p.booked === "boolean") st.booked = p.booked;
    if (Array.isArray(p.products)) renderProducts(p.products);
    renderBookings();
    setState(p.state || st.state);
    if (p.replay_url) showReplay(safeURL(p.replay_url));
  }

  // setState hears both the public states ("not_started", "live", "ended")
  // and the platform's own ones from show_state events ("approved",
  // "pending_audit", "trial"): for the public, all but live and ended are
  // "not started yet". A trial link belongs to the trial's audience: no preview for it.
  function setState(state) {
    if (!state) return;
    st.state = state;
    const waiting = state !== "live" && state !== "ended" && state !== "not_found" && state !== "rejected";
    showPreview(waiting && !trialKey);
    if (state === "ended" && !st.replayURL) pollReplay(2000);
  }

  window.addEventListener("showcaster:public", (e) => apply((e.detail || {}).public || {}));
  window.addEventListener("showcaster:state", (e) => setState(e.detail));
  window.addEventListener("showcaster:event", (e) => {
    const ev = e.detail || {};
    if (ev.type === "bookings" && typeof ev.count === "number") {
      st.bookings = ev.count;
      renderBookings();
    }
  });
  ui.book.addEventListener("click", book);

  // Test hooks: read-only views of what this part shows.
  window.__showcasterBetween = {
    previewShown: () => !ui.preview.hidden,
    bookings: () => st.bookings,
    booked: () => st.booked,
    replayURL: () => st.replayURL,
  };
})();
