// The simulator posts what Twilio would post to the real webhook, then shows the stored thread.
const state = { phone: null, timer: null, lastShown: "", quoting: null };
const $ = (id) => document.getElementById(id);
const STATUS = { pending: "⏳ menunggu", sending: "⏳ dikirim", sent: "✓", delivered: "✓✓",
                 failed: "⚠️ gagal", suppressed: "⛔ STOP", queued: "✓", received: "",
                 held: "⏸ ditahan: di luar 24 jam, tanpa template", cancelled: "✕ dibatalkan" };

function sid() {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0"));
  return "SM" + hex.join("");
}

async function post(fields) {
  const form = new URLSearchParams({
    From: "whatsapp:" + state.phone, To: "whatsapp:+14155238886", MessageSid: sid(),
    NumMedia: "0", ProfileName: "Simulator", WaId: state.phone.replace("+", ""), ...fields,
  });
  await fetch("/whatsapp/inbound", { method: "POST", body: form });
  await refresh();
}

// WhatsApp's own formatting: *bold* and _italic_, built as elements (never as HTML).
function formatted(text) {
  return text.split(/(\*[^*\n]+\*|_[^_\n]+_)/).filter(Boolean).map((part) => {
    const tag = part.length > 2 && part[0] === "*" && part.at(-1) === "*" ? "strong"
      : part.length > 2 && part[0] === "_" && part.at(-1) === "_" ? "em" : null;
    if (!tag) return document.createTextNode(part);
    const element = document.createElement(tag);
    element.textContent = part.slice(1, -1);
    return element;
  });
}

// A tap reports what WhatsApp reports: the row's or the button's id, and its title as Body.
function tap(prompt, option) {
  const fields = prompt.list
    ? { Body: option.title, ListId: option.id, ListTitle: option.title }
    : { Body: option.title, ButtonPayload: option.id, ButtonText: option.title };
  return post(fields);
}

function choices(m) {
  const box = document.createElement("div");
  box.className = m.list ? "choices list" : "choices buttons";
  if (m.list) {
    const open = document.createElement("button");
    open.type = "button";
    open.className = "list-open";
    open.textContent = "☰ " + m.button;
    const rows = document.createElement("div");
    rows.className = "rows";
    rows.hidden = true;
    open.addEventListener("click", () => { rows.hidden = !rows.hidden; });
    rows.append(...m.options.map((option) => {
      const row = document.createElement("button");
      row.type = "button";
      row.className = "row";
      row.dataset.id = option.id;
      const title = document.createElement("span");
      title.className = "title";
      title.textContent = option.title;
      row.append(title);
      if (option.description) {
        const text = document.createElement("span");
        text.className = "description";
        text.textContent = option.description;
        row.append(text);
      }
      row.addEventListener("click", () => tap(m, option));
      return row;
    }));
    box.append(open, rows);
  } else {
    box.append(...m.options.map((option) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.id = option.id;
      button.textContent = option.title;
      button.addEventListener("click", () => tap(m, option));
      return button;
    }));
  }
  return box;
}

function when(at) {
  return new Date(at).toLocaleString("id-ID", { timeZone: "Asia/Jakarta", weekday: "short",
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

async function refresh() {
  if (!state.phone) return;
  const response = await fetch("/simulator/api/thread?phone=" + encodeURIComponent(state.phone));
  if (!response.ok) return;
  const data = await response.json();
  const shown = JSON.stringify(data.messages);
  if (shown === state.lastShown) return;
  state.lastShown = shown;
  const thread = $("thread");
  const last = data.messages.length - 1;
  thread.replaceChildren(...data.messages.map((m, index) => {
    const bubble = document.createElement("div");
    bubble.className = "msg " + m.direction + (m.template ? " template" : "");
    bubble.dataset.kind = m.kind;
    bubble.dataset.status = m.status;
    const text = m.kind === "media" ? "📎 [lampiran]" : m.kind === "location" ? "📍 [lokasi]" : m.body;
    bubble.append(...formatted(text));
    if (m.options && m.options.length) {
      const box = choices(m);
      if (index !== last) box.classList.add("old");  // WhatsApp keeps old lists tappable too
      bubble.append(box);
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (m.template ? "template · " : "") + when(m.at) + " " + (STATUS[m.status] ?? m.status);
    bubble.append(meta);
    if (m.direction === "out" && m.sid) {  // swipe to reply, as WhatsApp quotes a message
      const reply = document.createElement("button");
      reply.type = "button";
      reply.className = "quote";
      reply.textContent = thread.dataset.reply;
      reply.addEventListener("click", () => quote(m));
      bubble.append(reply);
    }
    return bubble;
  }));
  thread.scrollTop = thread.scrollHeight;
}

// A reply to one of the bot's messages carries its sid, as Twilio reports a quoted reply.
function quote(m) {
  state.quoting = m.sid;
  $("quoted").textContent = m.body.slice(0, 80);
  $("replying").hidden = false;
  $("text").focus();
}

function unquote() {
  state.quoting = null;
  $("replying").hidden = true;
}

async function loadPhones() {
  const response = await fetch("/simulator/api/phones");
  const phones = await response.json();
  $("phones").replaceChildren(...phones.map((p) => {
    const item = document.createElement("li");
    item.textContent = p.phone;
    if (p.admin) {
      const badge = document.createElement("span");
      badge.className = "admin";
      badge.textContent = "admin";
      item.append(badge);
    }
    if (p.phone === state.phone) item.classList.add("active");
    item.addEventListener("click", () => open(p.phone));
    return item;
  }));
}

async function open(raw) {
  const response = await fetch("/simulator/api/thread?phone=" + encodeURIComponent(raw));
  if (!response.ok) { $("who").textContent = $("who").dataset.badNumber + raw; return; }
  const data = await response.json();
  state.phone = data.phone;
  state.lastShown = "";
  unquote();
  $("who").textContent = data.phone;
  $("text").disabled = false;
  $("send").disabled = false;
  $("text").focus();
  await refresh();
  await loadPhones();
  clearInterval(state.timer);
  state.timer = setInterval(() => { refresh(); loadPhones(); }, 1500);
}

$("pick").addEventListener("submit", (e) => { e.preventDefault(); open($("phone").value); });
$("compose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("text").value;
  $("text").value = "";
  const fields = state.quoting ? { Body: text, OriginalRepliedMessageSid: state.quoting } : { Body: text };
  unquote();
  await post(fields);
});
$("unquote").addEventListener("click", unquote);
$("attach").addEventListener("click", () => state.phone && post({ Body: "", NumMedia: "1", MediaContentType0: "image/jpeg", MediaUrl0: "https://example.invalid/photo.jpg" }));
$("locate").addEventListener("click", () => state.phone && post({ Body: "", Latitude: "-6.2", Longitude: "106.6" }));
loadPhones();
