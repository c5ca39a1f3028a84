// The viewer page: plays the show over WHEP, carries the live comments and lets
// the viewer comment, like and buy. Every text that a person typed (comments,
// names, replies, bulletins, product titles) reaches the page through
// textContent, never as markup.
(function () {
  "use strict";

  const params = new URLSearchParams(location.search);
  const showID = decodeURIComponent((location.pathname.match(/\/watch\/([^/]+)/) || [])[1] || params.get("show") || "");
  const trialKey = params.get("key") || "";
  const measure = params.get("measure") === "1";
  // audio=0 plays the picture alone: no sound track to fetch, and no lip sync
  // holding the picture back to the sound's jitter buffer.
  const withAudio = params.get("audio") !== "0";
  // sync=0 (a measurement knob) puts the sound in a sync group of its own,
  // so the picture is not held back to the sound's jitter buffer; the
  // latency harness measures what that costs in lip sync.
  const ownSync = params.get("sync") === "0";

  const MAX_COMMENTS = 200;
  const MAX_COMMENT_CHARS = 200;
  const MAX_SAMPLES = 20000;

  const $ = (id) => document.getElementById(id);
  const ui = {
    app: $("app"), video: $("video"), title: $("title"), online: $("online"), likes: $("likes"),
    liveBadge: $("live-badge"), trialBadge: $("trial-badge"),
    bulletin: $("bulletin"), bulletinText: $("bulletin-text"),
    stateTitle: $("state-title"), stateDetail: $("state-detail"), unmute: $("unmute"),
    comments: $("comments"),
    product: $("product"), productLink: $("product-link"), productImage: $("product-image"),
    productTitle: $("product-title"), productPrice: $("product-price"),
    productOriginal: $("product-original"), productCoupon: $("product-coupon"), buy: $("buy"),
    composer: $("composer"), input: $("comment-input"), send: $("send"), like: $("like"),
    toast: $("toast"),
  };

  // ---- small helpers ----

  function withKey(path) {
    if (!trialKey) return path;
    return path + (path.includes("?") ? "&" : "?") + "key=" + encodeURIComponent(trialKey);
  }

  function apiPath(rest) {
    return "/api/shows/" + encodeURIComponent(showID) + rest;
  }

  // What each of the platform's error codes means, in Chinese; the page
  // shows it beside the platform's own English sentence, like every other
  // line of the page.
  const ERROR_ZH = {
    not_started: "直播还没开始",
    ended: "已结束",
    sold_out: "已售罄或库存不足",
    not_on_sale: "该商品不在本场购物车中",
    rate_limited: "操作太快了,请稍后再试",
    forbidden: "主播已限制你在本场的互动",
    bad_request: "内容不符合要求",
    too_large: "内容太长",
    not_found: "找不到这场直播",
    wrong_state: "现在不能这样做",
    busy: "人太多了,请稍后再试",
    not_eligible: "还不满足参与条件",
    already_claimed: "你已经领过了",
    already_grabbed: "你已经抢过了",
    empty: "已经被抢完了",
    not_open: "还没开始",
    amount_overflow: "数量或金额太大",
  };

  // errorMessage reads the platform's {"error":{"code","message"}} body:
  // "中文 / English".
  async function errorMessage(res) {
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) {
        const zh = ERROR_ZH[body.error.code];
        return zh ? zh + " / " + body.error.message : body.error.message;
      }
    } catch (_) { /* not JSON */ }
    return "出错了 / HTTP " + res.status;
  }

  async function postJSON(path, body) {
    const res = await fetch(withKey(path), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    if (!res.ok) {
      const err = new Error(await errorMessage(res));
      err.status = res.status;
      throw err;
    }
    const text = await res.text();
    return text ? JSON.parse(text) : {};
  }

  let toastTimer = 0;
  function toast(message, isError) {
    ui.toast.textContent = message;
    ui.toast.classList.toggle("error", !!isError);
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { ui.toast.hidden = true; }, isError ? 5000 : 2500);
  }

  const currencySymbols = { CNY: "¥", RMB: "¥", USD: "$", EUR: "€", GBP: "£", JPY: "¥", HKD: "HK$" };
  function money(cents, currency) {
    const sym = currencySymbols[(currency || "CNY").toUpperCase()];
    const amount = (Number(cents || 0) / 100).toFixed(2);
    return sym ? sym + amount : amount + " " + currency;
  }

  function formatCount(n) {
    n = Number(n || 0);
    if (n >= 100000000) return (n / 100000000).toFixed(1) + "亿";
    if (n >= 10000) return (n / 10000).toFixed(1) + "万";
    return String(n);
  }

  // Only http(s) and same-origin pictures; anything else stays unloaded.
  function safeImageURL(u) {
    if (!u) return "";
    try {
      const url = new URL(u, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : "";
    } catch (_) {
      return "";
    }
  }

  // ---- show state ----

  const show = {
    title: "",
    state: "",       // the platform's show state as the page last heard it
    playing: false,  // media is flowing into the video element
    whepError: "",   // what the last WHEP attempt said when it did not play
  };

  // renderState picks the one message the middle card shows.
  function renderState() {
    let title = "", detail = "", mode;
    if (show.state === "not_found") {
      mode = "not-found";
      title = "找不到这场直播 / Show not found";
      detail = "请检查链接 / Please check the link";
    } else if (show.state === "ended") {
      mode = "ended";
      title = "直播已结束 / The show has ended";
      detail = "感谢观看 / Thanks for watching";
    } else if (show.playing) {
      mode = "playing";
    } else if (show.state === "live" || (show.state === "trial" && trialKey)) {
      mode = "connecting";
      title = "正在连接… / Connecting…";
      detail = show.whepError;
    } else if (show.state === "" ) {
      mode = "loading";
      title = "正在加载… / Loading…";
      detail = show.whepError;
    } else {
      mode = "not-started";
      title = "直播尚未开始 / The show has not started yet";
      detail = show.startsAt ? "开播时间 / Starts at " + show.startsAt.toLocaleString() : "";
    }
    ui.app.dataset.state = mode;
    ui.stateTitle.textContent = title;
    ui.stateDetail.textContent = detail;
    ui.liveBadge.hidden = !(show.playing && show.state === "live");
    ui.trialBadge.hidden = !(show.state === "trial" && trialKey);
    ui.unmute.hidden = !show.playing || !ui.video.muted || !withAudio;
  }

  function setShowState(state) {
    if (!state || state === show.state) return;
    const before = show.state;
    show.state = state;
    renderState();
    announce("state", state);
    if (state === "ended") {
      player.stop();
      showProduct(pinned); // the buy button closes
    } else if (before !== state) {
      player.kick();
    }
  }

  // The public view of the show: title, state, the pinned product, counters.
  async function loadPublic() {
    const asked = performance.now(); // events after this are newer than the answer
    const res = await fetch(withKey(apiPath("/public")), { credentials: "same-origin" });
    if (res.status === 404) {
      if (!show.state) {
        show.state = "not_found";
        player.stop();
      }
      renderState();
      return null;
    }
    if (!res.ok) throw new Error(await errorMessage(res));
    const p = await res.json();
    applyPublic(p, asked);
    return p;
  }

  function applyPublic(p, asked) {
    window.dispatchEvent(new CustomEvent("showcaster:public", { detail: { public: p, asked } }));
    if (p.title) {
      show.title = p.title;
      ui.title.textContent = p.title;
      document.title = p.title + " · 直播间 / Live show";
    }
    if (p.cover_url) {
      const cover = safeImageURL(p.cover_url);
      if (cover) ui.video.poster = cover;
    }
    if (p.starts_at) {
      const t = new Date(p.starts_at);
      if (!isNaN(t)) show.startsAt = t;
    }
    if (typeof p.likes === "number") setLikes(p.likes);
    if (typeof p.online === "number") setOnline(p.online);
    if ("pinned" in p || "product" in p) showProduct(p.pinned || p.product || null);
    if ("bulletin" in p) showBulletin(p.bulletin || "");
    if (p.viewer && p.viewer.id) me.id = p.viewer.id;
    if (p.viewer_id) me.id = p.viewer_id;
    const state = p.state || "";
    if (state && state !== show.state) setShowState(state);
    else renderState();
  }

  // announce tells the page's other parts (between.js: the preview, bookings,
  // the replay) what this part learned; they only listen.
  function announce(what, detail) {
    window.dispatchEvent(new CustomEvent("showcaster:" + what, { detail }));
  }

  // ---- counters, bulletin, product ----

  let likeCount = 0;
  function setLikes(n) {
    likeCount = Math.max(likeCount, Number(n || 0));
    ui.likes.textContent = formatCount(likeCount);
  }
  function setOnline(n) {
    ui.online.textContent = formatCount(n);
  }

  function showBulletin(text) {
    ui.bulletinText.textContent = text || "";
    ui.bulletin.hidden = !text;
  }

  let pinned = null;
  function showProduct(p) {
    pinned = p && p.id ? p : null;
    if (!pinned) {
      ui.product.hidden = true;
      return;
    }
    ui.productLink.textContent = pinned.link_no ? pinned.link_no + "号链接 / #" + pinned.link_no : "";
    ui.productTitle.textContent = pinned.title || "";
    ui.productPrice.textContent = money(pinned.price_cents, pinned.currency);
    const hasOriginal = pinned.original_price_cents && pinned.original_price_cents > pinned.price_cents;
    ui.productOriginal.textContent = hasOriginal ? money(pinned.original_price_cents, pinned.currency) : "";
    ui.productOriginal.hidden = !hasOriginal;
    ui.productCoupon.textContent = pinned.coupon ? "券 / Coupon: " + pinned.coupon : "";
    ui.productCoupon.hidden = !pinned.coupon;
    const img = safeImageURL(pinned.image_url);
    ui.productImage.hidden = !img;
    if (img) ui.productImage.src = img; else ui.productImage.removeAttribute("src");
    ui.productImage.alt = pinned.title || "";
    // stock 0 means "not limited"; only sold_out stops orders. After the
    // end nothing more can be bought.
    const soldOut = !!pinned.sold_out;
    const over = show.state === "ended";
    ui.buy.disabled = soldOut || over;
    ui.buy.textContent = soldOut ? "已售罄 / Sold out" : over ? "直播已结束 / Show ended" : "立即购买 / Buy now";
    ui.product.hidden = false;
  }

  // ---- comments ----
  // A busy show brings many comments a second. The model (for replies and the
  // test hooks) updates at once; the list on screen is redrawn at most once a
  // frame, in one batch, and keeps the newest MAX_COMMENTS rows.

  const me = { id: "" };
  const comments = new Map();  // id → {id, name, viewerID, text, mine, replies: [], el}
  const commentOrder = [];
  const orphanReplies = [];
  let pendingRows = [];
  let flushScheduled = false;

  function nameColor(id) {
    let h = 0;
    for (const ch of String(id || "")) h = (h * 31 + ch.codePointAt(0)) >>> 0;
    return "hsl(" + (h % 360) + " 80% 72%)";
  }

  function atBottom() {
    const el = ui.comments;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  function queueRow(li) {
    pendingRows.push(li);
    if (pendingRows.length > MAX_COMMENTS) pendingRows = pendingRows.slice(-MAX_COMMENTS);
    if (flushScheduled) return;
    flushScheduled = true;
    // A hidden tab gets no animation frames; a timer still drains the queue.
    if (document.visibilityState === "visible") requestAnimationFrame(flushRows);
    else setTimeout(flushRows, 250);
  }

  function flushRows() {
    flushScheduled = false;
    if (!pendingRows.length) return;
    const bottom = atBottom();
    const batch = document.createDocumentFragment();
    for (const li of pendingRows) batch.append(li);
    pendingRows = [];
    ui.comments.append(batch);
    let extra = ui.comments.childElementCount - MAX_COMMENTS;
    while (extra-- > 0) ui.comments.firstElementChild.remove();
    if (bottom) ui.comments.scrollTop = ui.comments.scrollHeight;
  }

  function textSpan(className, text) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  // addComment shows a comment once, whichever of the POST answer and the
  // event stream brings it first.
  function addComment(c, mine) {
    if (!c || !c.id) return null;
    const known = comments.get(c.id);
    if (known) return known;
    const viewer = c.viewer || {};
    const isMine = mine || (!!me.id && viewer.id === me.id);
    const entry = { id: c.id, name: viewer.name || "观众 / Viewer", viewerID: viewer.id || "", text: c.text || "", mine: isMine, replies: [] };
    const li = document.createElement("li");
    li.className = "comment" + (isMine ? " mine" : "");
    li.dataset.commentId = c.id;
    const name = textSpan("comment-name", entry.name);
    name.style.color = nameColor(entry.viewerID);
    li.append(name, textSpan("comment-text", entry.text));
    entry.el = li;
    comments.set(c.id, entry);
    commentOrder.push(c.id);
    while (commentOrder.length > MAX_COMMENTS) comments.delete(commentOrder.shift());
    queueRow(li);
    return entry;
  }

  // addReply puts the host's answer under the comment it answers; a private
  // one only ever reaches this page when it answers this viewer.
  function addReply(r) {
    if (!r) return;
    const reply = { commentID: r.comment_id || "", text: r.text || "", private: !!r.private };
    const box = document.createElement("div");
    box.className = "reply" + (reply.private ? " private" : "");
    box.append(
      textSpan("reply-tag", reply.private ? "主播私信 / Host · private" : "主播回复 / Host reply"),
      textSpan("reply-text", reply.text));
    const parent = comments.get(reply.commentID);
    if (parent) {
      parent.replies.push(reply);
      const bottom = parent.el.isConnected && atBottom();
      parent.el.append(box);
      if (bottom) ui.comments.scrollTop = ui.comments.scrollHeight;
      return;
    }
    // The comment is older than the list (or than this page): the answer
    // stands on its own line, quoting the comment as the platform sends it.
    const item = document.createElement("li");
    item.className = "comment reply-only";
    if (r.comment_text) {
      item.append(textSpan("comment-name", r.viewer_name || "观众 / Viewer"), textSpan("comment-text", r.comment_text));
    }
    item.append(box);
    orphanReplies.push(reply);
    if (orphanReplies.length > MAX_COMMENTS) orphanReplies.shift();
    queueRow(item);
  }

  async function sendComment(text) {
    const res = await postJSON(apiPath("/comments"), { text });
    const c = res.comment || res;
    if (c && c.viewer && c.viewer.id && !me.id) me.id = c.viewer.id;
    addComment(c, true);
  }

  ui.composer.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    if ([...text].length > MAX_COMMENT_CHARS) {
      toast("评论最多 200 字 / Comments are at most 200 characters", true);
      return;
    }
    ui.send.disabled = true;
    try {
      await sendComment(text);
      ui.input.value = "";
    } catch (err) {
      toast("发送失败 / Not sent: " + err.message, true);
    } finally {
      ui.send.disabled = false;
    }
  });

  ui.like.addEventListener("click", async () => {
    ui.like.classList.remove("pop");
    void ui.like.offsetWidth;  // restart the animation
    ui.like.classList.add("pop");
    try {
      const res = await postJSON(apiPath("/likes"), {});
      if (typeof res.count === "number") setLikes(res.count);
      else if (typeof res.likes === "number") setLikes(res.likes);
    } catch (err) {
      toast("点赞失败 / Like failed: " + err.message, true);
    }
  });

  ui.buy.addEventListener("click", async () => {
    if (!pinned) return;
    const product = pinned;
    ui.buy.disabled = true;
    try {
      const res = await postJSON(apiPath("/orders"), { product_id: product.id, qty: 1 });
      const o = res.order || res;
      const amount = o && o.amount_cents ? " " + money(o.amount_cents, o.currency || product.currency) : "";
      toast("下单成功 / Order placed:" + amount + " · " + (product.title || ""));
    } catch (err) {
      toast("下单失败 / Order failed: " + err.message, true);
    } finally {
      ui.buy.disabled = !pinned || !!pinned.sold_out || show.state === "ended";
    }
  });

  ui.unmute.addEventListener("click", () => {
    ui.video.muted = false;
    ui.video.play().catch(() => {});
    renderState();
  });
  ui.video.addEventListener("volumechange", renderState);

  // The stage takes the picture's own shape where it sits above the page's
  // parts (phones), so nothing of the page lands on the picture and no band
  // of black is left between them.
  function fitStage() {
    const w = ui.video.videoWidth, h = ui.video.videoHeight;
    if (w && h) document.documentElement.style.setProperty("--video-ratio", w + " / " + h);
  }
  ui.video.addEventListener("loadedmetadata", fitStage);
  ui.video.addEventListener("resize", fitStage);

  // ---- events: one WebSocket, resumed with ?after=seq after a drop ----

  const events = {
    lastSeq: 0,
    ws: null,
    backoff: 500,
    connects: 0,
    received: 0,
  };

  function handleEvent(ev) {
    if (!ev || typeof ev.seq !== "number") return;
    // The platform replays from `after`, and a replay can overlap what a
    // dying socket already delivered: seq decides what is new.
    if (ev.seq <= events.lastSeq) return;
    events.lastSeq = ev.seq;
    events.received++;
    // The selling toolkit (toolkit.js) follows the same stream.
    window.dispatchEvent(new CustomEvent("showcaster:event", { detail: ev }));
    switch (ev.type) {
      case "comment":
        addComment(ev.comment, false);
        break;
      case "reply":
        addReply(ev.reply);
        break;
      case "like":
        setLikes(ev.count);
        break;
      case "online":
        setOnline(ev.count);
        break;
      case "product_pinned":
        showProduct(ev.product);
        break;
      case "product_unpinned":
        showProduct(null);
        break;
      case "products":
        // The cart counts stock down as orders come in: the buy card
        // follows, and turns sold out when none is left.
        if (pinned && Array.isArray(ev.products)) {
          const now = ev.products.find((p) => p.id === pinned.id);
          if (now) showProduct(Object.assign({}, pinned, { sold_out: !!now.sold_out, stock_left: now.stock_left }));
        }
        break;
      case "bulletin":
        showBulletin(ev.text || "");
        break;
      case "show_state":
        setShowState(ev.state);
        break;
      // "order" reaches only its buyer, whose page confirmed it from the
      // POST answer already; moderation stays between the platform and the
      // studio (a blocked viewer learns it from the 403 message).
    }
  }

  function connectEvents() {
    if (show.state === "not_found" || (show.state === "ended" && events.connects > 0)) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const url = proto + "//" + location.host + withKey(apiPath("/events?after=" + events.lastSeq));
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (_) {
      scheduleEvents();
      return;
    }
    events.ws = ws;
    ws.onopen = () => {
      events.connects++;
      events.backoff = 500;
    };
    ws.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch (_) { return; }
      handleEvent(ev);
    };
    let opened = false;
    ws.addEventListener("open", () => { opened = true; });
    ws.onclose = () => {
      if (events.ws === ws) events.ws = null;
      if (opened || events.lastSeq === 0) { scheduleEvents(); return; }
      // Refused before opening: a plain GET says why. 409 seq_ahead means the
      // platform's history ends before our last seq (its data was restored):
      // follow on after its newest event rather than hear nothing.
      fetch(url.replace(/^ws/, "http"), { credentials: "same-origin" }).then((res) => {
        const newest = Number(res.headers.get("X-Newest-Seq"));
        if (res.status === 409 && Number.isInteger(newest) && newest >= 0) events.lastSeq = newest;
      }).catch(() => {}).finally(scheduleEvents);
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  function scheduleEvents() {
    const wait = events.backoff + Math.random() * events.backoff * 0.3;
    events.backoff = Math.min(events.backoff * 2, 10000);
    setTimeout(connectEvents, wait);
  }

  // ---- the picture: WHEP, reconnecting while the show is on ----

  const frames = { rvfc: 0, lastAt: 0 };
  // samples: display time minus capture time (glass to glass); network: the
  // time the frame's last packet arrived minus capture time, where the
  // browser reports it. Both in ms, one entry per decoded time code.
  const latency = { samples: [], network: [], frameNumbers: [], misses: 0, decoded: 0 };


  // splitSync gives the audio section's msid a stream id of its own.
  function splitSync(sdp) {
    let audio = false;
    return sdp.split("\r\n").map((line) => {
      if (line.startsWith("m=")) audio = line.startsWith("m=audio");
      if (audio && line.startsWith("a=msid:")) return line.replace(/^a=msid:(\S+)/, "a=msid:$1-sound");
      return line;
    }).join("\r\n");
  }

  const player = {
    pc: null,
    resource: "",
    attempt: 0,
    timer: 0,
    stopped: false,
    connects: 0,

    // kick tries now, dropping any scheduled retry.
    kick() {
      if (this.stopped || this.pc) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.connect(), 0);
    },

    schedule() {
      if (this.stopped) return;
      clearTimeout(this.timer);
      const base = Math.min(1000 * Math.pow(1.6, this.attempt), 8000);
      this.attempt++;
      this.timer = setTimeout(() => this.connect(), base + Math.random() * 300);
    },

    async connect() {
      if (this.stopped || this.pc) return;
      const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
      this.pc = pc;
      const stream = new MediaStream();
      pc.addTransceiver("video", { direction: "recvonly" });
      if (withAudio) pc.addTransceiver("audio", { direction: "recvonly" });
      pc.ontrack = (e) => {
        if (params.has("jbt") && "jitterBufferTarget" in e.receiver) e.receiver.jitterBufferTarget = Number(params.get("jbt"));
        stream.addTrack(e.track);
        if (ui.video.srcObject !== stream) ui.video.srcObject = stream;
        ui.video.play().catch(() => {});
      };
      pc.onconnectionstatechange = () => {
        if (this.pc !== pc) return;
        const s = pc.connectionState;
        if (s === "connected") {
          this.attempt = 0;
          this.connects++;
        } else if (s === "failed" || s === "closed") {
          this.drop("connection " + s);
        } else if (s === "disconnected") {
          // ICE may recover by itself; give it a moment before starting over.
          setTimeout(() => { if (this.pc === pc && pc.connectionState === "disconnected") this.drop("disconnected"); }, 3000);
        }
      };
      try {
        await pc.setLocalDescription(await pc.createOffer());
        await iceGathered(pc, 2000);
        const whep = withKey("/whep/" + encodeURIComponent(showID));
        const res = await fetch(whep, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/sdp" },
          body: pc.localDescription.sdp,
        });
        if (res.status !== 201 && res.status !== 200) {
          const msg = await errorMessage(res);
          const err = new Error(msg);
          err.status = res.status;
          throw err;
        }
        const loc = res.headers.get("Location");
        if (loc) this.resource = new URL(loc, location.href).href;
        const answer = await res.text();
        if (this.pc !== pc) return;
        await pc.setRemoteDescription({ type: "answer", sdp: ownSync ? splitSync(answer) : answer });
        show.whepError = "";
      } catch (err) {
        if (this.pc === pc) {
          show.whepError = err.status === 404 ? "" : String(err.message || err);
          if (err.status === 404 && show.state === "live") show.whepError = "等待主播画面… / Waiting for the host's picture…";
          this.teardown();
          renderState();
          this.schedule();
        }
      }
    },

    drop(reason) {
      this.teardown();
      show.playing = false;
      show.whepError = reason === "stalled" ? "画面中断,正在重连… / Picture lost, reconnecting…" : "";
      renderState();
      // A dropped picture may mean the show just ended; ask before retrying.
      loadPublic().catch(() => {}).finally(() => this.schedule());
    },

    teardown() {
      const pc = this.pc;
      this.pc = null;
      if (pc) pc.close();
      this.release();
    },

    // release ends the WHEP session on the server.
    release() {
      if (!this.resource) return;
      const url = this.resource;
      this.resource = "";
      fetch(url, { method: "DELETE", keepalive: true, credentials: "same-origin" }).catch(() => {});
    },

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      this.teardown();
      show.playing = false;
      ui.video.srcObject = null;
      renderState();
    },
  };

  function iceGathered(pc, timeoutMs) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        pc.removeEventListener("icegatheringstatechange", check);
        clearTimeout(t);
        resolve();
      };
      const check = () => { if (pc.iceGatheringState === "complete") done(); };
      const t = setTimeout(done, timeoutMs);
      pc.addEventListener("icegatheringstatechange", check);
    });
  }

  window.addEventListener("pagehide", () => player.release());

  // A picture that stops moving for several seconds while the connection
  // still looks fine (a publisher that went away) is treated as a drop. A
  // hidden tab draws no frames at all, so it is not judged until it shows
  // again, and then from that moment.
  setInterval(() => {
    if (!player.pc || !show.playing || document.visibilityState !== "visible") return;
    if (frames.lastAt && performance.now() - frames.lastAt > 6000) player.drop("stalled");
  }, 1000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && frames.lastAt) frames.lastAt = performance.now();
  });

  // ---- decoded frames and the burned-in time code ----

  function onFrame(now, meta) {
    frames.rvfc++;
    frames.lastAt = performance.now();
    if (!show.playing) {
      show.playing = true;
      renderState();
    }
    if (measure) readTimecode(meta);
    ui.video.requestVideoFrameCallback(onFrame);
  }

  if ("requestVideoFrameCallback" in HTMLVideoElement.prototype) {
    ui.video.requestVideoFrameCallback(onFrame);
  } else {
    // Without rVFC, progress of currentTime says frames are arriving.
    ui.video.addEventListener("timeupdate", () => {
      frames.lastAt = performance.now();
      if (!show.playing) { show.playing = true; renderState(); }
    });
  }

  function framesDecoded() {
    const q = ui.video.getVideoPlaybackQuality ? ui.video.getVideoPlaybackQuality() : null;
    const total = q ? q.totalVideoFrames - q.droppedVideoFrames : 0;
    return Math.max(frames.rvfc, total);
  }

  // Time code: see docs/timecode.md. The reader draws only the strip that
  // holds the code into a small canvas and samples the middle of each cell.
  const tc = {
    canvas: null,
    ctx: null,
  };

  function readTimecode(meta) {
    const v = ui.video;
    const w = v.videoWidth, h = v.videoHeight;
    if (!w || !h) return;
    const reader = window.ShowcasterTimecode;
    if (!reader) return;  // still loading
    const at = Date.now();  // before the read, so its own cost is not counted
    const code = reader.read(v, w, h, tc);
    if (!code) {
      latency.misses++;
      return;
    }
    latency.decoded++;
    if (latency.samples.length >= MAX_SAMPLES) {
      latency.samples.shift();
      latency.network.shift();
      latency.frameNumbers.shift();
    }
    latency.samples.push(at - code.captureMs);
    latency.network.push(meta && meta.receiveTime ? performance.timeOrigin + meta.receiveTime - code.captureMs : null);
    latency.frameNumbers.push(code.frame);
  }

  // ---- receiver statistics (measuring pages): where the delay goes ----

  // mediaStats sums the inbound audio and video counters of getStats(): the
  // jitter buffers' delay and targets, the audio output's playout delay,
  // concealment (stutter) and freezes. Cumulative, so a window is a difference.
  async function mediaStats() {
    const pc = player.pc;
    if (!pc) return null;
    const out = { at: performance.now(), audio: null, video: null, playout: null };
    const rep = await pc.getStats();
    rep.forEach((r) => {
      if (r.type === "inbound-rtp" && (r.kind === "audio" || r.kind === "video")) {
        out[r.kind] = {
          jitterBufferDelay: r.jitterBufferDelay || 0, jitterBufferTargetDelay: r.jitterBufferTargetDelay || 0,
          jitterBufferMinimumDelay: r.jitterBufferMinimumDelay || 0, jitterBufferEmittedCount: r.jitterBufferEmittedCount || 0,
          concealedSamples: r.concealedSamples || 0, totalSamplesReceived: r.totalSamplesReceived || 0,
          insertedSamplesForDeceleration: r.insertedSamplesForDeceleration || 0,
          removedSamplesForAcceleration: r.removedSamplesForAcceleration || 0,
          framesDecoded: r.framesDecoded || 0, framesDropped: r.framesDropped || 0,
          freezeCount: r.freezeCount || 0, totalFreezesDuration: r.totalFreezesDuration || 0,
          totalDecodeTime: r.totalDecodeTime || 0, jitter: r.jitter || 0,
        };
      } else if (r.type === "media-playout") {
        out.playout = { totalPlayoutDelay: r.totalPlayoutDelay || 0, totalSamplesCount: r.totalSamplesCount || 0,
          synthesizedSamplesDuration: r.synthesizedSamplesDuration || 0 };
      }
    });
    return out;
  }

  // ---- test hooks: read-only views of what the page already tracks ----

  window.__showcaster = {
    showID,
    trial: !!trialKey,
    measuring: measure,
    state: () => ui.app.dataset.state,
    showState: () => show.state,
    viewerID: () => me.id,
    framesDecoded,
    comments: () => commentOrder.map((id) => {
      const c = comments.get(id);
      return { id: c.id, name: c.name, text: c.text, mine: c.mine, replies: c.replies.map((r) => ({ text: r.text, private: r.private })) };
    }),
    orphanReplies: () => orphanReplies.map((r) => ({ commentID: r.commentID, text: r.text, private: r.private })),
    lastSeq: () => events.lastSeq,
    eventConnects: () => events.connects,
    mediaConnects: () => player.connects,
    pinned: () => (pinned ? Object.assign({}, pinned) : null),
    mediaStats,
    latency: () => ({
      samples: latency.samples.slice(), network: latency.network.slice(), frames: latency.frameNumbers.slice(),
      decoded: latency.decoded, misses: latency.misses,
    }),
  };

  // ---- start ----

  // The time-code reader costs a canvas read per frame: only measuring pages load it.
  if (measure) {
    const s = document.createElement("script");
    s.src = "/static/timecode.js";
    document.head.append(s);
  }

  if (!showID) {
    show.state = "not_found";
    renderState();
    return;
  }

  // The page may open while the platform is unreachable: keep asking for the
  // show's public view until it answers, while events and media try on their own.
  function loadPublicUntilAnswered(wait) {
    return loadPublic().catch((err) => {
      show.whepError = "暂时连不上平台,正在重试 / Cannot reach the platform, retrying (" + String(err.message || err) + ")";
      renderState();
      setTimeout(() => loadPublicUntilAnswered(Math.min(wait * 2, 10000)), wait);
    });
  }

  renderState();
  loadPublicUntilAnswered(1000).finally(() => {
    connectEvents();
    if (show.state !== "ended" && show.state !== "not_found") player.kick();
  });
})();
