// The selling toolkit on the viewer page: the cart (every link of the show),
// follow and share, the lucky bag (福袋) with its countdown and password,
// the winner's private notice and delivery form, coupons, the flash-sale
// countdown on the buy card, red envelopes and gifts. It follows the page's
// event stream and public view through the "showcaster:event" and
// "showcaster:public" window events that viewer.js sends, and draws only in
// the toolkit strip under the picture (and the buy card's flash line), never
// over the video. Text from people reaches the page through textContent.
(function () {
  "use strict";

  const params = new URLSearchParams(location.search);
  const showID = decodeURIComponent((location.pathname.match(/\/watch\/([^/]+)/) || [])[1] || params.get("show") || "");
  const trialKey = params.get("key") || "";
  if (!showID) return;

  const $ = (id) => document.getElementById(id);
  let ui = null;

  // ---- helpers ----

  function withKey(path) {
    if (!trialKey) return path;
    return path + (path.includes("?") ? "&" : "?") + "key=" + encodeURIComponent(trialKey);
  }
  const apiPath = (rest) => "/api/shows/" + encodeURIComponent(showID) + rest;

  async function call(method, path, body) {
    const res = await fetch(withKey(path), {
      method,
      credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch (_) { /* not JSON */ }
    if (!res.ok) {
      const err = new Error((data.error && data.error.message) || "HTTP " + res.status);
      err.status = res.status;
      err.code = data.error && data.error.code;
      throw err;
    }
    return data;
  }

  let toastTimer = 0;
  function toast(message, isError) {
    const el = $("toast");
    if (!el) return;
    el.textContent = message;
    el.classList.toggle("error", !!isError);
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 5000 : 2500);
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function button(className, text, onClick) {
    const b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  const symbols = { CNY: "¥", RMB: "¥", USD: "$", EUR: "€", GBP: "£", JPY: "¥", HKD: "HK$" };
  function money(cents, currency) {
    const sym = symbols[(currency || "CNY").toUpperCase()];
    const amount = (Number(cents || 0) / 100).toFixed(2);
    return sym ? sym + amount : amount + " " + currency;
  }

  function safeImageURL(u) {
    if (!u) return "";
    try {
      const url = new URL(u, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : "";
    } catch (_) {
      return "";
    }
  }

  // The platform's clock: countdowns run against it, not the device's. Each
  // answer or live event stamped by the platform gives a lower bound of the
  // offset (it left the platform before it arrived here); the largest one
  // seen is the best estimate.
  let clockOffset = 0;
  let clockKnown = false;
  function clockSample(stamp) {
    const t = new Date(stamp).getTime();
    if (isNaN(t)) return;
    const sample = t - Date.now();
    if (!clockKnown || sample > clockOffset) clockOffset = sample;
    clockKnown = true;
  }
  const serverNow = () => Date.now() + clockOffset;
  function left(deadline) {
    return Math.max(0, new Date(deadline).getTime() - serverNow());
  }
  function clockText(ms) {
    const s = Math.ceil(ms / 1000);
    const m = Math.floor(s / 60);
    return String(m).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }

  // ---- state ----

  const state = {
    me: "",
    onAir: false,
    products: [],
    pinnedID: "",
    followers: 0,
    following: false,
    shares: 0,
    shared: false,
    lottery: null,     // the lottery the page shows (the open one, else the latest drawn)
    won: null,         // {lottery_id, prize, claim_by} once this viewer won
    claimed: false,
    coupons: new Map(),  // id → coupon
    flash: new Map(),    // product id → flash sale
    reds: new Map(),     // id → red envelope (with mine)
    gifts: [],
    cartOpen: false,
    giftsOpen: false,
  };

  // ---- follow and share ----

  function renderBar() {
    ui.followLabel.textContent = state.following ? "已关注 / Following" : "+ 关注 / Follow";
    ui.follow.classList.toggle("on", state.following);
    ui.followers.textContent = state.followers + " 粉丝 / fans";
    ui.shares.textContent = state.shares ? String(state.shares) : "";
    ui.cartCount.textContent = String(state.products.length);
    ui.cartToggle.setAttribute("aria-expanded", String(state.cartOpen));
    ui.giftsToggle.setAttribute("aria-expanded", String(state.giftsOpen));
    ui.cart.hidden = !state.cartOpen;
    ui.giftPanel.hidden = !state.giftsOpen;
  }

  async function follow() {
    if (state.following) return true;
    try {
      const r = await call("POST", apiPath("/follow"));
      state.following = !!r.following;
      state.followers = Number(r.followers || 0);
      renderBar();
      toast("已关注主播 / You follow the host");
      return true;
    } catch (err) {
      toast("关注失败 / Not followed: " + err.message, true);
      return false;
    }
  }

  async function copyLink() {
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      return true;
    } catch (_) {
      const ta = el("textarea");
      ta.value = link;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.append(ta);
      ta.select();
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
      ta.remove();
      return ok;
    }
  }

  async function share() {
    const copied = await copyLink();
    try {
      const r = await call("POST", apiPath("/shares"));
      state.shares = Number(r.shares || 0);
      state.shared = true;
      renderBar();
      toast(copied ? "链接已复制,快去分享吧 / Link copied: share it" : "已分享 / Shared: " + location.href);
      return true;
    } catch (err) {
      toast("分享失败 / Not shared: " + err.message, true);
      return false;
    }
  }

  // ---- the cart ----

  function flashOf(productID) {
    const f = state.flash.get(productID);
    if (!f || f.state !== "open" || f.remaining <= 0 || left(f.ends_at) <= 0) return null;
    return f;
  }

  function renderCart() {
    const list = ui.cartList;
    list.textContent = "";
    if (!state.products.length) {
      list.append(el("li", "tk-empty", "本场暂无商品 / No products in this show yet"));
      return;
    }
    for (const p of state.products) {
      const li = el("li", "tk-item");
      li.dataset.productId = p.id;
      const onAir = p.id === state.pinnedID;
      const soldOut = !!p.sold_out;
      li.classList.toggle("on-air", onAir);
      li.classList.toggle("sold-out", soldOut);
      const link = el("span", "tk-link", p.link_no ? String(p.link_no) : "·");
      link.title = p.link_no ? p.link_no + "号链接 / Link " + p.link_no : "";
      const img = el("img", "tk-thumb");
      img.alt = p.title || "";
      const src = safeImageURL(p.image_url);
      if (src) img.src = src; else img.classList.add("none");
      const info = el("div", "tk-info");
      const title = el("div", "tk-title", p.title || p.id);
      if (onAir) title.prepend(el("span", "tk-onair", "讲解中 / On air"));
      const prices = el("div", "tk-prices");
      const f = flashOf(p.id);
      if (f) {
        prices.append(el("span", "tk-price", money(f.price_cents, p.currency)), el("s", "tk-was", money(p.price_cents, p.currency)),
          el("span", "tk-flash-tag", "秒杀 / Flash"));
      } else {
        prices.append(el("span", "tk-price", money(p.price_cents, p.currency)));
        if (p.original_price_cents > p.price_cents) prices.append(el("s", "tk-was", money(p.original_price_cents, p.currency)));
      }
      const meta = el("div", "tk-meta");
      if (soldOut) meta.append(el("span", "tk-soldout", "已售罄 / Sold out"));
      else if (typeof p.stock_left === "number") meta.append(el("span", "tk-stock", "剩 " + p.stock_left + " 件 / " + p.stock_left + " left"));
      if (p.coupon) meta.append(el("span", "tk-coupon-tag", "券 / Coupon: " + p.coupon));
      info.append(title, prices, meta);
      const buy = button("tk-buy", soldOut ? "已售罄 / Sold out" : "购买 / Buy", () => buyProduct(p, buy));
      buy.disabled = soldOut;
      li.append(link, img, info, buy);
      list.append(li);
    }
  }

  async function buyProduct(p, btn) {
    btn.disabled = true;
    try {
      const o = await call("POST", apiPath("/orders"), { product_id: p.id, qty: 1 });
      let text = "下单成功 / Order placed: " + money(o.amount_cents, o.currency || p.currency) + " · " + (p.title || "");
      if (o.discount_cents) text += " (券减 / coupon −" + money(o.discount_cents, o.currency) + ")";
      toast(text);
      refresh();
    } catch (err) {
      toast("下单失败 / Order failed: " + err.message, true);
    } finally {
      btn.disabled = !!p.sold_out;
    }
  }

  // The buy card (viewer.js draws it) gains the flash sale's line.
  function renderBuyCardFlash() {
    const f = flashOf(state.pinnedID);
    const line = ui.productFlash;
    if (!line) return;
    line.hidden = !f;
    if (!f) return;
    line.textContent = "";
    const p = state.products.find((x) => x.id === f.product_id) || {};
    line.append(el("span", "tk-flash-tag", "秒杀 / Flash"), el("span", "tk-flash-price", money(f.price_cents, p.currency)),
      el("span", "tk-flash-left", "剩 " + f.remaining + " 件 / " + f.remaining + " left"));
    const cd = el("span", "tk-countdown", clockText(left(f.ends_at)));
    cd.dataset.deadline = f.ends_at;
    cd.id = "tk-flash-countdown";
    line.append(cd);
  }

  // ---- cards: lottery, coupons, red envelopes ----

  const conditionHelp = {
    none: "点击参与 / Tap to enter",
    follow: "关注主播即可参与 / Follow the host to enter",
    share: "分享直播间即可参与 / Share the show to enter",
  };

  function lotteryCard() {
    const l = state.lottery;
    if (!l || l.state === "cancelled") return null;
    const card = el("article", "tk-card tk-lottery");
    card.id = "tk-lottery";
    card.dataset.state = l.state;
    const head = el("div", "tk-card-head");
    head.append(el("span", "tk-badge", "福袋 / Lucky bag"));
    if (l.state === "open") {
      const cd = el("span", "tk-countdown", clockText(left(l.draws_at)));
      cd.id = "tk-lottery-countdown";
      cd.dataset.deadline = l.draws_at;
      cd.dataset.done = "开奖中… / Drawing…";
      head.append(cd);
    }
    card.append(head, el("div", "tk-prize", l.prize + " × " + l.winners));
    if (l.state === "open") {
      const help = l.condition === "password"
        ? "评论口令「" + l.password + "」参与 / Comment the password to enter"
        : conditionHelp[l.condition] || conditionHelp.none;
      card.append(el("div", "tk-help", help));
      card.append(el("div", "tk-sub", (l.entrants || 0) + " 人已参与 / entered"));
      if (l.entered) {
        card.append(el("div", "tk-done", "已参与,等待开奖 / You are in: wait for the draw"));
      } else {
        const label = {
          password: "发送口令 / Send the password",
          follow: state.following ? "参与 / Enter" : "关注并参与 / Follow and enter",
          share: state.shared ? "参与 / Enter" : "分享并参与 / Share and enter",
        }[l.condition] || "参与 / Enter";
        const b = button("tk-action", label, () => enterLottery(b));
        b.id = "tk-lottery-enter";
        card.append(b);
      }
      return card;
    }
    // Drawn: everyone sees the winners' names.
    const names = (l.winner_list || []).map((w) => w.name);
    card.append(el("div", "tk-help", "已开奖 / Drawn"));
    const list = el("div", "tk-winners", names.length ? "中奖 / Winners: " + names.join("、") : "本轮无人中奖 / No winners this time");
    list.id = "tk-winners";
    card.append(list);
    if (l.seed) {
      const check = el("div", "tk-fine", "校验 / Check: SHA-256(" + l.seed.slice(0, 8) + "…) = " + (l.seed_hash || "").slice(0, 12) + "…");
      check.title = "seed " + l.seed + "\nseed_hash " + l.seed_hash;
      card.append(check);
    }
    return card;
  }

  // The winner's private notice and delivery form: only ever drawn on the
  // page of the viewer the platform told (lottery_won or lottery.won).
  function wonCard() {
    if (!state.won) return null;
    const w = state.won;
    const card = el("article", "tk-card tk-won");
    card.id = "tk-won";
    card.append(el("div", "tk-won-title", "恭喜你中奖了! / You won!"), el("div", "tk-prize", w.prize || ""));
    if (state.claimed) {
      card.append(el("div", "tk-done", "收货信息已提交,等待发货 / Delivery details sent: the prize is on its way"));
      return card;
    }
    const by = w.claim_by ? new Date(w.claim_by) : null;
    card.append(el("div", "tk-help", "请填写收货信息" + (by ? "(" + by.toLocaleString() + " 前)" : "") + " / Tell us where to send it" + (by ? " (by " + by.toLocaleString() + ")" : "")));
    const form = el("form", "tk-form");
    form.id = "tk-claim-form";
    form.autocomplete = "on";
    const field = (name, label, type, max) => {
      const input = el("input", "tk-input");
      input.name = name;
      input.type = type;
      input.required = true;
      input.maxLength = max;
      input.placeholder = label;
      input.setAttribute("aria-label", label);
      form.append(input);
      return input;
    };
    const name = field("name", "收件人 / Name", "text", 40);
    const phone = field("phone", "手机号 / Phone", "tel", 20);
    const address = field("address", "收货地址 / Address", "text", 200);
    const submit = el("button", "tk-action", "提交 / Send");
    submit.type = "submit";
    form.append(submit);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        await call("POST", apiPath("/lotteries/" + encodeURIComponent(w.lottery_id) + "/claim"),
          { name: name.value.trim(), phone: phone.value.trim(), address: address.value.trim() });
        state.claimed = true;
        toast("已提交收货信息 / Delivery details sent");
        renderCards();
      } catch (err) {
        toast("提交失败 / Not sent: " + err.message, true);
        submit.disabled = false;
      }
    });
    card.append(form);
    return card;
  }

  function couponCard(c) {
    const ended = left(c.ends_at) <= 0;
    if (ended && c.mine !== "claimed") return null;
    const card = el("article", "tk-card tk-coupon");
    card.dataset.couponId = c.id;
    const value = el("div", "tk-coupon-value", money(c.discount_cents));
    const rule = c.min_spend_cents > 0
      ? "满" + money(c.min_spend_cents) + "可用 / Orders from " + money(c.min_spend_cents)
      : "无门槛 / No minimum spend";
    const body = el("div", "tk-coupon-body");
    body.append(el("div", "tk-coupon-title", c.title), el("div", "tk-sub", rule));
    const meta = el("div", "tk-sub");
    const remain = el("span", "tk-remaining", "剩 " + c.remaining + " 张 / " + c.remaining + " left");
    const cd = el("span", "tk-countdown", clockText(left(c.ends_at)));
    cd.dataset.deadline = c.ends_at;
    meta.append(remain, " · ", cd);
    body.append(meta);
    let action;
    if (c.mine === "used") {
      action = el("span", "tk-done", "已使用 / Used");
    } else if (c.mine === "claimed") {
      action = el("span", "tk-done", "已领取 / Claimed");
    } else if (c.remaining <= 0) {
      action = el("span", "tk-done", "已抢光 / All claimed");
    } else {
      action = button("tk-action", "领取 / Claim", () => claimCoupon(c, action));
    }
    action.classList.add("tk-coupon-action");
    card.append(value, body, action);
    return card;
  }

  function redCard(r) {
    const card = el("article", "tk-card tk-red");
    card.dataset.envelopeId = r.id;
    const head = el("div", "tk-card-head");
    head.append(el("span", "tk-badge red", "红包 / Red envelope"));
    card.append(head, el("div", "tk-prize", money(r.total_cents) + " · " + r.count + " 个 / shares"));
    if (r.mine) {
      card.append(el("div", "tk-done", "抢到 " + money(r.mine) + " / You got " + money(r.mine)));
    } else if (r.grabbed >= r.count) {
      card.append(el("div", "tk-done", "手慢了,抢光了 / All grabbed"));
    } else if (left(r.opens_at) > 0) {
      const cd = el("span", "tk-countdown", clockText(left(r.opens_at)));
      cd.dataset.deadline = r.opens_at;
      cd.dataset.done = "开抢! / Open!";
      const wait = el("div", "tk-help");
      wait.append(cd, " 后开抢 / until it opens");
      card.append(wait);
      const b = button("tk-action", "抢 / Grab", () => grab(r, b));
      b.disabled = true;
      b.dataset.opensAt = r.opens_at;
      card.append(b);
    } else {
      card.append(button("tk-action", "抢 / Grab", (e) => grab(r, e.currentTarget)));
    }
    return card;
  }

  function renderCards() {
    const box = ui.cards;
    box.textContent = "";
    if (!state.onAir) return;
    const won = wonCard();
    if (won) box.append(won);
    const lot = lotteryCard();
    if (lot) box.append(lot);
    for (const c of state.coupons.values()) {
      const card = couponCard(c);
      if (card) box.append(card);
    }
    for (const r of state.reds.values()) box.append(redCard(r));
  }

  function renderAll() {
    if (!ui) return;
    renderBar();
    renderCart();
    renderCards();
    renderBuyCardFlash();
  }

  // ---- actions ----

  async function sendPassword(l) {
    const c = await call("POST", apiPath("/comments"), { text: l.password });
    return c;
  }

  async function enterLottery(btn) {
    const l = state.lottery;
    if (!l) return;
    btn.disabled = true;
    try {
      if (l.condition === "password") {
        // The comment itself is the entry (as typing it in the composer is).
        await sendPassword(l);
        l.entered = true;
      } else {
        if (l.condition === "follow" && !(await follow())) return;
        if (l.condition === "share" && !state.shared && !(await share())) return;
        const r = await call("POST", apiPath("/lotteries/" + encodeURIComponent(l.id) + "/entries"));
        l.entered = true;
        l.entrants = r.entrants || l.entrants;
      }
      toast("已参与福袋 / You entered the lucky bag");
      renderCards();
    } catch (err) {
      toast("参与失败 / Not entered: " + err.message, true);
    } finally {
      btn.disabled = false;
    }
  }

  async function claimCoupon(c, btn) {
    btn.disabled = true;
    try {
      const r = await call("POST", apiPath("/coupons/" + encodeURIComponent(c.id) + "/claim"));
      state.coupons.set(c.id, Object.assign({}, c, r, { mine: "claimed" }));
      toast("领券成功,下单自动使用 / Coupon claimed: your next order uses it");
    } catch (err) {
      if (err.code === "already_claimed") state.coupons.set(c.id, Object.assign({}, c, { mine: "claimed" }));
      if (err.code === "sold_out") state.coupons.set(c.id, Object.assign({}, c, { remaining: 0 }));
      toast("领券失败 / Not claimed: " + err.message, true);
    }
    renderCards();
  }

  async function grab(r, btn) {
    btn.disabled = true;
    try {
      const g = await call("POST", apiPath("/red-envelopes/" + encodeURIComponent(r.id) + "/grab"));
      state.reds.set(r.id, Object.assign({}, r, { mine: g.amount_cents, grabbed: r.grabbed + 1 }));
      toast("抢到红包 " + money(g.amount_cents) + " / You got " + money(g.amount_cents));
    } catch (err) {
      if (err.code === "empty") state.reds.set(r.id, Object.assign({}, r, { grabbed: r.count }));
      toast("没抢到 / Missed: " + err.message, true);
    }
    renderCards();
  }

  async function sendGift(g) {
    try {
      await call("POST", apiPath("/gifts"), { kind: g.kind, count: 1 });
      toast("送出 " + g.name + " / Sent: " + g.name_en);
    } catch (err) {
      toast("送礼失败 / Not sent: " + err.message, true);
    }
  }

  function renderGifts() {
    const box = ui.giftList;
    box.textContent = "";
    for (const g of state.gifts) {
      const b = button("tk-gift", "", () => sendGift(g));
      b.dataset.kind = g.kind;
      const img = el("img", "tk-gift-img");
      img.alt = "";
      const src = safeImageURL(g.image_url);
      if (src) img.src = src;
      b.append(img, el("span", "tk-gift-name", g.name), el("span", "tk-gift-en", g.name_en));
      box.append(b);
    }
  }

  // A gift shows as a line in the comments, like the studio's panel has it.
  function giftLine(ev) {
    const list = $("comments");
    if (!list) return;
    const v = ev.viewer || (ev.gift && ev.gift.viewer) || {};
    const li = el("li", "comment system tk-gift-line");
    li.append(el("span", "comment-name", v.name || "观众 / Viewer"),
      el("span", "comment-text", "送出 " + (ev.name || "") + " ×" + (ev.count || 1) + " / sent a gift"));
    list.append(li);
    list.scrollTop = list.scrollHeight;
  }

  // ---- the stream and the public view ----

  function setLottery(l) {
    if (!l) return;
    const prev = state.lottery;
    if (prev && prev.id === l.id) {
      // Events carry no per-viewer fields: keep this viewer's own.
      l = Object.assign({}, l, {
        entered: l.entered || prev.entered,
        won: l.won || prev.won,
        claimed: l.claimed || prev.claimed,
      });
    }
    state.lottery = l;
  }

  // applyPublic takes the show's state from a snapshot asked for at asked
  // (performance.now()). The parts that events changed since are newer than
  // the snapshot, so they stay as the events left them: a lucky bag that
  // starts while a refresh after an order is on its way must not vanish.
  function applyPublic(p, asked) {
    const kept = changedSince(asked);
    const take = (part) => !kept.has(part);
    if (p.viewer && p.viewer.id) state.me = p.viewer.id;
    if (p.now) clockSample(p.now);
    state.onAir = p.state === "live" || p.state === "trial"; // show_state events only ask for a snapshot
    if (take("products")) state.products = Array.isArray(p.products) ? p.products : [];
    if (take("pinned")) state.pinnedID = p.pinned && p.pinned.id ? p.pinned.id : "";
    if (take("followers")) {
      state.followers = Number(p.followers || 0);
      state.following = !!p.following;
    }
    state.shares = Number(p.shares || 0);
    state.shared = !!p.shared;
    if (take("lottery")) {
      state.lottery = null;
      if (p.lottery) setLottery(p.lottery);
      const l = p.lottery;
      if (l && l.won) {
        state.won = { lottery_id: l.id, prize: l.prize, claim_by: l.claim_by };
        state.claimed = !!l.claimed;
      }
    }
    if (take("coupons")) state.coupons = new Map((p.coupons || []).map((c) => [c.id, c]));
    if (take("flash")) state.flash = new Map((p.flash_sales || []).map((f) => [f.product_id, f]));
    if (take("reds")) state.reds = new Map((p.red_envelopes || []).map((r) => [r.id, r]));
    renderAll();
  }

  // The parts of the state each event changes, noted for the snapshots in
  // flight (see applyPublic).
  const eventPart = {
    products: "products", product_pinned: "pinned", product_unpinned: "pinned", follow: "followers",
    lottery_started: "lottery", lottery_entrants: "lottery", lottery_drawn: "lottery", lottery_cancelled: "lottery",
    lottery_won: "lottery",
    coupon_pushed: "coupons", coupon_updated: "coupons",
    flash_sale_started: "flash", flash_sale_updated: "flash", flash_sale_ended: "flash",
    red_envelope: "reds", red_envelope_updated: "reds",
  };
  const recent = []; // {at, part}: the last minute's events, for changedSince
  function noteEvent(part) {
    const now = performance.now();
    recent.push({ at: now, part });
    while (recent.length && now - recent[0].at > 60000) recent.shift();
  }
  function changedSince(asked) {
    const parts = new Set();
    if (typeof asked !== "number") return parts;
    for (const r of recent) if (r.at >= asked) parts.add(r.part);
    return parts;
  }

  function handleEvent(ev) {
    // A replayed event's stamp is old and only lowers the sample: harmless.
    if (ev.at) clockSample(ev.at);
    const part = eventPart[ev.type];
    if (part) noteEvent(part);
    switch (ev.type) {
      case "products":
        state.products = ev.products || [];
        break;
      case "product_pinned":
        state.pinnedID = ev.product && ev.product.id || "";
        break;
      case "product_unpinned":
        state.pinnedID = "";
        break;
      case "order":
        refreshSoon();
        return;
      case "follow":
        state.followers = Number(ev.count || state.followers);
        break;
      case "lottery_started":
        if (!ev.lottery) return;
        if (state.won && state.won.lottery_id !== ev.lottery.id) {
          state.won = null;
          state.claimed = false;
        }
        if (!state.lottery || state.lottery.id !== ev.lottery.id) state.lottery = null;
        setLottery(ev.lottery);
        break;
      case "lottery_entrants":
      case "lottery_drawn":
      case "lottery_cancelled":
        setLottery(ev.lottery);
        break;
      case "lottery_won": {
        const w = ev.lottery_won || { lottery_id: ev.lottery_id, prize: ev.prize, claim_by: ev.claim_by };
        if (!state.won || state.won.lottery_id !== w.lottery_id) state.claimed = false;
        state.won = w;
        if (state.lottery && state.lottery.id === w.lottery_id) state.lottery.won = true;
        break;
      }
      case "coupon_pushed":
      case "coupon_updated": {
        const c = ev.coupon;
        if (!c) return;
        const prev = state.coupons.get(c.id);
        state.coupons.set(c.id, Object.assign({}, c, { mine: prev ? prev.mine : "" }));
        break;
      }
      case "flash_sale_started":
      case "flash_sale_updated":
      case "flash_sale_ended":
        if (ev.flash_sale) state.flash.set(ev.flash_sale.product_id, ev.flash_sale);
        break;
      case "red_envelope":
      case "red_envelope_updated": {
        const r = ev.red_envelope;
        if (!r) return;
        const prev = state.reds.get(r.id);
        state.reds.set(r.id, Object.assign({}, r, { mine: prev ? prev.mine : 0 }));
        break;
      }
      case "gift":
        giftLine(ev);
        return;
      case "comment": {
        // This viewer's own comment of the password entered them (the platform
        // does it); say so without waiting for the next count.
        const c = ev.comment || {};
        const l = state.lottery;
        if (!l || l.state !== "open" || l.condition !== "password" || !c.viewer || c.viewer.id !== state.me) return;
        if ((c.text || "").trim() !== l.password || l.entered) return;
        l.entered = true;
        noteEvent("lottery");
        break;
      }
      case "show_state":
        refreshSoon();
        return;
      default:
        return;
    }
    renderAll();
  }

  let refreshTimer = 0;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 300);
  }
  async function refresh() {
    const asked = performance.now();
    try {
      const res = await fetch(withKey(apiPath("/public")), { credentials: "same-origin" });
      if (res.ok) applyPublic(await res.json(), asked);
    } catch (_) { /* the page retries on its own; the next event refreshes */ }
  }

  // Countdowns tick against the platform's clock; a sale or a coupon that
  // runs out of time is redrawn without it.
  let lastSecond = -1;
  function tick() {
    if (!ui) return;
    const second = Math.floor(serverNow() / 1000);
    if (second === lastSecond) return;
    lastSecond = second;
    let expired = false;
    for (const cd of document.querySelectorAll("[data-deadline]")) {
      const ms = left(cd.dataset.deadline);
      cd.textContent = ms > 0 ? clockText(ms) : (cd.dataset.done || "00:00");
      if (ms <= 0 && !cd.dataset.expired) {
        cd.dataset.expired = "1";
        expired = true;
      }
    }
    if (expired) {
      renderCart();
      renderCards();
      renderBuyCardFlash();
    }
  }

  function start() {
    ui = {
      follow: $("tk-follow"), followLabel: $("tk-follow-label"), followers: $("tk-followers"),
      share: $("tk-share"), shares: $("tk-shares"),
      cartToggle: $("tk-cart-toggle"), cartCount: $("tk-cart-count"), cart: $("tk-cart"), cartList: $("tk-cart-list"),
      giftsToggle: $("tk-gifts-toggle"), giftPanel: $("tk-gifts"), giftList: $("tk-gift-list"),
      cards: $("tk-cards"), productFlash: $("product-flash"),
    };
    if (!ui.cards) { ui = null; return; }
    ui.follow.addEventListener("click", () => follow());
    ui.share.addEventListener("click", () => share());
    ui.cartToggle.addEventListener("click", () => { state.cartOpen = !state.cartOpen; state.giftsOpen = false; renderBar(); });
    ui.giftsToggle.addEventListener("click", () => { state.giftsOpen = !state.giftsOpen; state.cartOpen = false; renderBar(); });
    fetch("/api/gifts", { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : [])).then((g) => {
      state.gifts = Array.isArray(g) ? g : [];
      renderGifts();
    }).catch(() => {});
    setInterval(tick, 200);
    renderAll();
  }

  window.addEventListener("showcaster:public", (e) => {
    const d = e.detail || {};
    applyPublic(d.public || {}, d.asked);
  });
  window.addEventListener("showcaster:event", (e) => handleEvent(e.detail || {}));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // Test hooks: read-only views of what the toolkit shows.
  window.__showcasterToolkit = {
    lottery: () => (state.lottery ? Object.assign({}, state.lottery) : null),
    won: () => (state.won ? Object.assign({}, state.won) : null),
    coupons: () => [...state.coupons.values()].map((c) => Object.assign({}, c)),
    flash: () => [...state.flash.values()].map((f) => Object.assign({}, f)),
    products: () => state.products.map((p) => Object.assign({}, p)),
    serverNow,
  };
})();
