"use strict";
// The emulator's web chat: plays Telegram users through the control API of one bot token (?token=...).

const USERS = [
  {id: 4101, first_name: "Alice", username: "alice"},
  {id: 4102, first_name: "Bob", username: "bob"},
  {id: 4103, first_name: "Carol", username: "carol"},
];
const GROUP = {id: -4100, title: "Test Group"};
const token = new URLSearchParams(location.search).get("token") || document.body.dataset.defaultToken;
const api = `/control/bot${encodeURIComponent(token)}`;
const $ = (id) => document.getElementById(id);
const mine = new Map();  // chat id -> the messages this page sent there, as the emulator returned them
let user = USERS[0], inGroup = false, since = 0, draftSince = 0, poller = null, recorder = null;
let replyTo = null;  // the message the next one answers, as Telegram's "Reply" sets it

const chatId = () => (inGroup ? GROUP.id : user.id);
const fileUrl = (fileId) => `${api}/files/${encodeURIComponent(fileId)}`;

async function call(path, init = {}) {
  const response = await fetch(`${api}/${path}`, init);
  const body = await response.json();
  if (body.ok) return body.result;
  if (body.error_code === 401) throw new Error("This emulator does not serve that token: open /?token=<the bot's token>");
  throw new Error(`${body.error_code}: ${body.description}`);
}

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const KINDS = {photo: "photo", voice: "voice note", audio: "audio", video: "video", video_note: "video note",
  animation: "animation", sticker: "sticker", document: "file", location: "location", poll: "poll"};

function oneLine(message) {
  const kind = Object.keys(KINDS).find((key) => message[key]);
  const text = (message.text || message.caption || "").replace(/\s+/g, " ").trim();
  const label = kind ? `[${kind === "document" && message.document.file_name ? message.document.file_name : KINDS[kind]}]` : "";
  const line = [label, text].filter(Boolean).join(" ");
  return line.length > 90 ? `${line.slice(0, 90)}\u2026` : line;
}

function mediaOf(message) {
  const photo = message.photo && message.photo[message.photo.length - 1];
  if (photo) return element("img", {src: fileUrl(photo.file_id), alt: "photo"});
  if (message.sticker) return element("img", {src: fileUrl(message.sticker.file_id), alt: "sticker"});
  for (const kind of ["voice", "audio"]) {
    if (message[kind]) return element("audio", {src: fileUrl(message[kind].file_id), controls: true, className: kind});
  }
  for (const kind of ["video", "video_note", "animation"]) {
    if (message[kind]) return element("video", {src: fileUrl(message[kind].file_id), controls: true});
  }
  if (message.document) {
    const name = message.document.file_name || "document";
    return element("a", {href: fileUrl(message.document.file_id), download: name}, `Download ${name}`);
  }
  return null;
}

function keyboardOf(message, deleted) {
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  if (!rows.length || deleted) return null;
  return element("div", {className: "keyboard"}, ...rows.map((row) => element("div", {}, ...row.map((button) => {
    if (button.url) {
      const href = /^(https?|tg):/i.test(button.url) ? button.url : "#";  // no javascript: from a bot
      return element("a", {href, target: "_blank", rel: "noopener"}, button.text);
    }
    // A leading tick marks a setting's current value: highlighted too, so it shows without an emoji font.
    const chosen = /^(\u2705|\u2714|\u2611)/.test(button.text);
    return element("button", {type: "button", className: chosen ? "chosen" : "", ariaPressed: String(chosen),
      onclick: (event) => press(event.target, message, button.callback_data)}, button.text);
  }))));
}

function render(message, record) {
  const fromBot = Boolean(record);
  const deleted = fromBot && record.deleted;
  const node = element("div", {className: `msg ${fromBot ? "bot" : "user"}${deleted ? " deleted" : ""}`});
  node.dataset.messageId = message.message_id;
  if (inGroup && !fromBot) node.append(element("div", {className: "sender"}, message.from.first_name));
  const origin = message.forward_origin;
  if (origin) {
    const from = origin.sender_user ? origin.sender_user.first_name : origin.sender_user_name || "someone";
    node.append(element("div", {className: "forwarded"}, `Forwarded from ${from}`));
  }
  const quoted = message.reply_to_message;
  if (quoted) node.append(element("div", {className: "quote"}, oneLine(quoted) || "[message]"));
  const body = element("div", {className: "body"});
  const media = mediaOf(message);
  if (media) body.append(media);
  const text = message.text || message.caption;
  if (text) body.append(element("div", {className: "text"}, text));
  node.append(body);
  const keyboard = keyboardOf(message, deleted);
  if (keyboard) node.append(keyboard);
  const time = new Date(message.date * 1000).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  const meta = element("div", {className: "meta"});
  if (!deleted) {
    meta.append(element("button", {type: "button", className: "reply", title: "Reply to this message",
      onclick: () => startReply(message)}, "Reply"),
    element("button", {type: "button", className: "forward", title: "Forward this message to the bot, here",
      onclick: () => forward(message)}, "Forward"));
  }
  meta.append(`${deleted ? "deleted \u00B7 " : ""}${message.edit_date ? "edited \u00B7 " : ""}${time}`);
  node.append(meta);
  return node;
}

function place(message, record) {
  const list = $("messages");
  const node = render(message, record);
  const old = list.querySelector(`[data-message-id="${message.message_id}"]`);
  if (old) {
    old.replaceWith(node);
  } else {
    const later = [...list.children].find((other) => Number(other.dataset.messageId) > message.message_id);
    list.insertBefore(node, later || null);
    list.scrollTop = list.scrollHeight;
  }
  const draft = $("draft");
  if (draft) list.append(draft);  // the answer being written stays below everything sent
}

// A streaming answer's draft (sendMessageDraft): one growing bubble, gone when the bot's message replaces it.
function showDraft(draft) {
  const old = $("draft");
  if (!draft.text) {
    if (old) old.remove();
    return;
  }
  const node = element("div", {id: "draft", className: "msg draft"},
    element("div", {className: "body"}, element("div", {className: "text"}, draft.text)),
    element("div", {className: "meta"}, "writing\u2026"));
  if (old) old.replaceWith(node); else $("messages").append(node);
  $("messages").scrollTop = $("messages").scrollHeight;
}

async function pollDrafts(controller) {
  while (!controller.signal.aborted) {
    try {
      const drafts = await call(`drafts?chat_id=${chatId()}&changed_since=${draftSince}&wait=25`,
        {signal: controller.signal});
      if (controller.signal.aborted) return;
      for (const draft of drafts) {
        showDraft(draft);
        draftSince = Math.max(draftSince, draft.changed_at);
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function poll(controller) {
  while (!controller.signal.aborted) {
    try {
      const items = await call(`sent?chat_id=${chatId()}&changed_since=${since}&wait=25`, {signal: controller.signal});
      if (controller.signal.aborted) return;  // another chat was opened meanwhile
      for (const item of items) {
        place(item.message, item);
        since = Math.max(since, item.changed_at);
      }
      $("status").textContent = "";
    } catch (error) {
      if (controller.signal.aborted) return;
      $("status").textContent = error.message;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function openChat() {
  if (poller) poller.abort();
  cancelReply();
  $("messages").replaceChildren();
  since = 0;
  draftSince = 0;
  for (const message of mine.get(chatId()) || []) place(message);
  poller = new AbortController();
  poll(poller);
  pollDrafts(poller);
}

function sender() {
  const fields = {user_id: user.id, first_name: user.first_name, username: user.username};
  return inGroup ? {...fields, chat_id: GROUP.id, chat_type: "group", chat_title: GROUP.title} : fields;
}

function startReply(message) {
  replyTo = message;
  $("replying-to").textContent = `Replying to ${message.from.first_name}: ${oneLine(message) || "[message]"}`;
  $("replying").hidden = false;
  $("text").focus();
}

function cancelReply() {
  replyTo = null;
  $("replying").hidden = true;
}

// What the next message carries: who sends it where, and the message it replies to (used once).
function outgoing() {
  const fields = sender();
  if (replyTo) fields.reply_to_message_id = replyTo.message_id;
  cancelReply();
  return fields;
}

function forward(message) {
  sendJson({...sender(), forward_message_id: message.message_id, from_chat_id: message.chat.id});
}

async function post(path, init) {
  try {
    return await call(path, {method: "POST", ...init});
  } catch (error) {
    $("status").textContent = error.message;
    return null;
  }
}

async function send(init) {
  const message = await post("messages", init);
  if (!message) return;
  const chat = message.chat.id;
  mine.set(chat, [...(mine.get(chat) || []), message]);
  if (chat === chatId()) place(message);
}

const sendJson = (body) => send({headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});

function sendFile(kind, blob, filename, extra = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries({...outgoing(), kind, ...extra})) form.append(key, value);
  form.append("file", blob, filename);
  return send({body: form});
}

function kindOf(file) {
  for (const [prefix, kind] of [["image/", "photo"], ["audio/", "audio"], ["video/", "video"]]) {
    if (file.type.startsWith(prefix) && file.type !== "image/gif") return kind;
  }
  return "document";
}

async function press(button, message, data) {
  button.classList.add("pressed");
  await post("callbacks", {headers: {"Content-Type": "application/json"},
    body: JSON.stringify({chat_id: message.chat.id, user_id: user.id, message_id: message.message_id, data})});
}

async function toggleRecording() {
  if (recorder) return recorder.stop();
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({audio: true});
  } catch (error) {
    $("status").textContent = `No microphone (recording needs one, and the page at localhost or https): ${error.message}`;
    return;
  }
  const type = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus"].find((t) => MediaRecorder.isTypeSupported(t));
  const chunks = [], started = Date.now();
  recorder = new MediaRecorder(stream, type ? {mimeType: type} : {});
  recorder.ondataavailable = (event) => chunks.push(event.data);
  recorder.onstop = () => {
    stream.getTracks().forEach((track) => track.stop());
    const blob = new Blob(chunks, {type: recorder.mimeType});
    const duration = Math.max(1, Math.round((Date.now() - started) / 1000));
    recorder = null;
    $("record").classList.remove("recording");
    $("record").textContent = "Record";
    sendFile("voice", blob, blob.type.includes("ogg") ? "voice.ogg" : "voice.webm", {duration});
  };
  recorder.start();
  $("record").classList.add("recording");
  $("record").textContent = "Stop and send";
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  sendJson({...outgoing(), text});
});
$("file").addEventListener("change", () => {
  const file = $("file").files[0];
  if (!file) return;
  const caption = $("text").value.trim();
  $("text").value = "";
  sendFile(kindOf(file), file, file.name, caption ? {caption} : {});
  $("file").value = "";
});
$("record").addEventListener("click", toggleRecording);
$("cancel-reply").addEventListener("click", cancelReply);
$("user").append(...USERS.map((u, i) => element("option", {value: i}, u.first_name)));
$("chat").append(element("option", {value: "group"}, GROUP.title));
$("user").addEventListener("change", () => { user = USERS[$("user").value]; openChat(); });
$("chat").addEventListener("change", () => { inGroup = $("chat").value === "group"; openChat(); });
openChat();
