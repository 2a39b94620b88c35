// The offline sandbox: plays Slack's client for the demo team. Every action goes to the
// sandbox server, which sends it to the bot exactly as Slack would; everything shown comes
// from the Slack emulator's recorded state (GET /api/state). No build step, no network.
"use strict";

(function () {
  const POLL_MS = 800;
  const EMOJI = {
    wave: "👋", lock: "🔒", white_check_mark: "✅", heavy_check_mark: "✔️", tada: "🎉",
    calendar: "📅", spiral_calendar_pad: "🗓️", memo: "📝", pencil: "📝", bulb: "💡",
    warning: "⚠️", seedling: "🌱", dart: "🎯", star: "⭐", fire: "🔥", rocket: "🚀",
    chart_with_upwards_trend: "📈", bar_chart: "📊", hourglass: "⌛", hourglass_flowing_sand: "⏳",
    books: "📚", book: "📖", mag: "🔍", point_right: "👉", thumbsup: "👍", "+1": "👍",
    clap: "👏", trophy: "🏆", sparkles: "✨", compass: "🧭", speech_balloon: "💬",
    busts_in_silhouette: "👥", bust_in_silhouette: "👤", clipboard: "📋", x: "❌",
    question: "❓", bell: "🔔", zzz: "💤", muscle: "💪", checkered_flag: "🏁", link: "🔗",
    inbox_tray: "📥", outbox_tray: "📤", package: "📦", construction: "🚧", date: "📅",
    thinking_face: "🤔", eyes: "👀", raised_hands: "🙌", sunrise: "🌅", footprints: "👣",
  };

  const el = (id) => document.getElementById(id);
  const state = {
    user: null,
    conv: "channel",
    last: null,
    rendered: { channel: "", cohort: "", dm: "", home: "", modal: "", canvases: "" },
    seen: {},
    modalErrors: {},
    thread: null, // the DM message a reply goes under, when replying in a thread
  };

  // -- escaping: Slack's entities are decoded for display, then everything is HTML-escaped --

  function unescapeSlack(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function emoji(html) {
    return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
  }

  // -- mrkdwn -> safe HTML ---------------------------------------------------------------

  // Bold/italic/strike on already-escaped text: the markers themselves are never escaped.
  function emphasis(html) {
    const edge = "(^|[\\s(\\[{\"'“‘>])";
    const end = "(?=$|[\\s).,!?:;\\]}\"'”’<])";
    return html
      .replace(new RegExp(edge + "\\*(?!\\s)([^*\\n]*?[^*\\s])\\*" + end, "g"), "$1<b>$2</b>")
      .replace(new RegExp(edge + "_(?!\\s)([^_\\n]*?[^_\\s])_" + end, "g"), "$1<i>$2</i>")
      .replace(new RegExp(edge + "~(?!\\s)([^~\\n]*?[^~\\s])~" + end, "g"), "$1<s>$2</s>");
  }

  function plainRun(text) {
    return emphasis(emoji(esc(unescapeSlack(text))));
  }

  // <@U1>, <#C1|name>, <!here>, <!date^…|fallback>, <url|label>: the raw `<…>` tokens.
  function special(token, names) {
    const bar = token.indexOf("|");
    const target = bar >= 0 ? token.slice(0, bar) : token;
    const label = bar >= 0 ? token.slice(bar + 1) : "";
    if (target.startsWith("@")) {
      const id = target.slice(1);
      const name = names[id] || unescapeSlack(label) || id;
      return '<span class="mention">@' + esc(name) + "</span>";
    }
    if (target.startsWith("#")) {
      return '<span class="mention">#' + esc(unescapeSlack(label) || target.slice(1)) + "</span>";
    }
    if (target.startsWith("!date^")) {
      return esc(unescapeSlack(label));
    }
    if (target.startsWith("!subteam^")) {
      return '<span class="mention">' + esc(unescapeSlack(label) || "@group") + "</span>";
    }
    if (target.startsWith("!")) {
      return '<span class="mention">@' + esc(target.slice(1)) + "</span>";
    }
    const url = unescapeSlack(target);
    if (/^(https?:\/\/|mailto:)/i.test(url)) {
      const shown = label ? plainRun(label) : esc(url);
      return '<a href="' + esc(url) + '" target="_blank" rel="noopener noreferrer">' + shown + "</a>";
    }
    return esc(unescapeSlack("<" + token + ">"));
  }

  function inlineLine(line, names) {
    let out = "";
    // Inline code first: nothing inside backticks is formatted.
    const pieces = line.split(/(`[^`\n]+`)/);
    for (const piece of pieces) {
      if (piece.length > 1 && piece.startsWith("`") && piece.endsWith("`")) {
        out += "<code>" + esc(unescapeSlack(piece.slice(1, -1))) + "</code>";
        continue;
      }
      const parts = piece.split(/<([^<>\n]+)>/);
      parts.forEach((part, i) => {
        out += i % 2 === 1 ? special(part, names) : plainRun(part);
      });
    }
    return out;
  }

  function linesToHtml(text, names) {
    const lines = text.split("\n");
    let out = "";
    let quote = [];
    const flush = () => {
      if (quote.length) {
        out += "<blockquote>" + quote.join("<br>") + "</blockquote>";
        quote = [];
      }
    };
    lines.forEach((line, i) => {
      const m = /^(?:&gt;|>)\s?(.*)$/.exec(line);
      if (m) {
        quote.push(inlineLine(m[1], names));
        return;
      }
      flush();
      out += inlineLine(line, names);
      if (i < lines.length - 1) out += "<br>";
    });
    flush();
    return out;
  }

  function mrkdwnToHtml(text, names) {
    let out = "";
    const parts = String(text || "").split(/```([\s\S]*?)```/);
    parts.forEach((part, i) => {
      if (i % 2 === 1) {
        out += "<pre>" + esc(unescapeSlack(part.replace(/^\n/, ""))) + "</pre>";
      } else if (part) {
        out += linesToHtml(part, names);
      }
    });
    return out;
  }

  function textNode(obj, names, tag) {
    const node = document.createElement(tag || "div");
    if (!obj) return node;
    if (obj.type === "mrkdwn") {
      node.className = "mrkdwn";
      node.innerHTML = mrkdwnToHtml(obj.text, names); // built only from escaped pieces
    } else {
      node.innerHTML = obj.emoji === false ? esc(obj.text) : emoji(esc(obj.text));
    }
    return node;
  }

  function plainText(obj) {
    return obj ? String(obj.text || "") : "";
  }

  // -- Block Kit ---------------------------------------------------------------------------

  // Slack fills conversations and users menus from the workspace (here, the demo team's):
  // type -> [the field its action carries, the field naming what is picked already].
  const PICKERS = {
    conversations_select: ["selected_conversation", "initial_conversation"],
    channels_select: ["selected_channel", "initial_channel"],
    users_select: ["selected_user", "initial_user"],
  };

  function pickerControl(element) {
    const s = document.createElement("select");
    s.dataset.picker = "1";
    const none = document.createElement("option");
    none.value = "";
    none.textContent = plainText(element.placeholder) || "Select…";
    s.appendChild(none);
    const initial = element[PICKERS[element.type][1]];
    const people = element.type === "users_select";
    const choices = people
      ? (state.last.people || []).map((p) => [p.id, p.name])
      : (state.last.conversations || []).map((c) => [c.id, "# " + c.name]);
    choices.forEach(([value, label]) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = label;
      if (value === initial) o.selected = true;
      s.appendChild(o);
    });
    return s;
  }

  // ctx: {surface: "message"|"home"|"modal", channel, ts, view_id, names, inModal}
  function renderElement(element, block, ctx) {
    const type = element.type;
    if (PICKERS[type]) {
      const s = pickerControl(element);
      s.dataset.actionId = element.action_id || "";
      s.addEventListener("change", () => {
        if (!s.value) return;
        sendAction(ctx, block, element, { type: type, [PICKERS[type][0]]: s.value });
      });
      return s;
    }
    if (type === "button") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn" + (element.style ? " " + element.style : "");
      b.dataset.actionId = element.action_id || "";
      b.innerHTML = emoji(esc(plainText(element.text)));
      const send = () => {
        if (element.url) window.open(element.url, "_blank", "noopener");
        sendAction(ctx, block, element, { type: "button", value: element.value || "" });
      };
      // A button with a confirm object asks first, as Slack's dialog does.
      b.addEventListener("click", () => (element.confirm ? askFirst(b, element.confirm, send) : send()));
      return b;
    }
    if (type === "checkboxes") {
      // Interactive checkboxes (a section's accessory): each change sends every ticked option.
      const box = document.createElement("div");
      box.className = "checkboxes";
      box.dataset.actionId = element.action_id || "";
      const ticked = new Set((element.initial_options || []).map((o) => o.value));
      const inputs = [];
      optionsOf(element).forEach((opt) => {
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "checkbox";
        input.checked = ticked.has(opt.value);
        inputs.push([input, opt]);
        input.addEventListener("change", () =>
          sendAction(ctx, block, element, {
            type: "checkboxes",
            selected_options: inputs.filter(([i]) => i.checked).map(([, o]) => o),
          }));
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + plainText(opt.text)));
        box.appendChild(label);
      });
      return box;
    }
    if (type === "static_select" || type === "overflow") {
      const s = document.createElement("select");
      s.dataset.actionId = element.action_id || "";
      const first = document.createElement("option");
      first.value = "";
      first.textContent = type === "overflow" ? "⋯" : plainText(element.placeholder) || "Select…";
      s.appendChild(first);
      optionsOf(element).forEach((opt, i) => {
        const o = document.createElement("option");
        o.value = String(i);
        o.textContent = plainText(opt.text);
        if (element.initial_option && element.initial_option.value === opt.value) o.selected = true;
        s.appendChild(o);
      });
      s.addEventListener("change", () => {
        const opt = optionsOf(element)[Number(s.value)];
        if (!opt) return;
        sendAction(ctx, block, element, { type: type, selected_option: opt });
      });
      return s;
    }
    if (type === "datepicker") {
      const d = document.createElement("input");
      d.type = "date";
      d.value = element.initial_date || "";
      d.addEventListener("change", () =>
        sendAction(ctx, block, element, { type: "datepicker", selected_date: d.value }));
      return d;
    }
    if (type === "image") {
      const span = document.createElement("span");
      span.className = "image-alt";
      span.textContent = "[image: " + (element.alt_text || "") + "]";
      return span;
    }
    const span = document.createElement("span");
    span.className = "unsupported";
    span.textContent = "[" + type + "]";
    return span;
  }

  function askFirst(button, confirm, send) {
    // Slack's confirmation dialog, inline: its title and text, then confirm or deny.
    const dialog = document.createElement("div");
    dialog.className = "confirm-dialog";
    const title = document.createElement("strong");
    title.textContent = plainText(confirm.title);
    const text = document.createElement("p");
    text.textContent = plainText(confirm.text);
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn " + (confirm.style === "danger" ? "danger" : "primary") + " confirm-yes";
    yes.textContent = plainText(confirm.confirm) || "Yes";
    const no = document.createElement("button");
    no.type = "button";
    no.className = "btn confirm-no";
    no.textContent = plainText(confirm.deny) || "Cancel";
    yes.addEventListener("click", () => { dialog.remove(); send(); });
    no.addEventListener("click", () => dialog.remove());
    dialog.append(title, text, yes, no);
    button.insertAdjacentElement("afterend", dialog);
  }

  function optionsOf(element) {
    if (element.options) return element.options;
    const out = [];
    (element.option_groups || []).forEach((g) => out.push(...g.options));
    return out;
  }

  function renderBlock(block, ctx) {
    const names = ctx.names;
    const wrap = document.createElement("div");
    wrap.className = "block " + block.type;
    if (block.block_id) wrap.dataset.blockId = block.block_id;
    switch (block.type) {
      case "section": {
        const text = document.createElement("div");
        text.className = "text";
        if (block.text) text.appendChild(textNode(block.text, names));
        if (block.fields) {
          const fields = document.createElement("div");
          fields.className = "fields";
          block.fields.forEach((f) => fields.appendChild(textNode(f, names)));
          text.appendChild(fields);
        }
        wrap.appendChild(text);
        if (block.accessory) wrap.appendChild(renderElement(block.accessory, block, ctx));
        break;
      }
      case "header":
        wrap.appendChild(textNode(block.text, names));
        break;
      case "divider":
        return Object.assign(document.createElement("hr"), { className: "divider" });
      case "context":
        (block.elements || []).forEach((e) => {
          wrap.appendChild(e.type === "image" ? renderElement(e, block, ctx) : textNode(e, names, "span"));
        });
        break;
      case "actions":
        (block.elements || []).forEach((e) => wrap.appendChild(renderElement(e, block, ctx)));
        break;
      case "input":
        return renderInput(block, ctx);
      case "image": {
        // A Slack-hosted file (slack_file id) is shown from the emulator's upload; an
        // image_url is never fetched (the sandbox makes no network calls), only described.
        const fileId = block.slack_file && block.slack_file.id;
        if (fileId) {
          if (block.title) {
            const title = document.createElement("div");
            title.className = "image-title";
            title.textContent = plainText(block.title);
            wrap.appendChild(title);
          }
          const img = document.createElement("img");
          img.className = "block-image";
          img.src = "/api/files/" + encodeURIComponent(fileId);
          img.alt = block.alt_text || "";
          img.title = block.alt_text || "";
          wrap.appendChild(img);
          break;
        }
        const span = document.createElement("span");
        span.className = "image-alt";
        span.textContent = "[image: " + (block.alt_text || "") + "]";
        wrap.appendChild(span);
        break;
      }
      case "rich_text":
        (block.elements || []).forEach((section) => {
          const line = document.createElement("div");
          line.className = "rich-text-section";
          const items = section.type === "rich_text_list"
            ? (section.elements || []).flatMap((inner) => inner.elements || [])
            : section.elements || [];
          items.forEach((item) => line.appendChild(richTextItem(item, names)));
          wrap.appendChild(line);
        });
        break;
      default:
        wrap.className = "block unsupported";
        wrap.textContent = "[" + block.type + " block]";
    }
    return wrap;
  }

  // One inline element of a rich text block. A canvas element is Slack's link to a canvas:
  // here it opens the "Your canvases" pane.
  function richTextItem(item, names) {
    if (item.type === "canvas") {
      const link = document.createElement("a");
      link.href = "#";
      link.className = "canvas-link";
      const canvas = ((state.last && state.last.canvases) || []).find((c) => c.id === item.file_id);
      link.textContent = (canvas && canvas.title) || "Open the canvas";
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const pane = document.querySelector('.conv[data-conv="canvases"]');
        if (pane) pane.click();
      });
      return link;
    }
    if (item.type === "emoji") return textNode({ type: "mrkdwn", text: ":" + item.name + ":" }, names, "span");
    if (item.type === "user") return textNode({ type: "mrkdwn", text: "<@" + item.user_id + ">" }, names, "span");
    if (item.type === "link") {
      const a = document.createElement("a");
      a.textContent = item.text || item.url;
      a.title = item.url;
      return a;
    }
    const span = document.createElement("span");
    span.textContent = item.text || "";
    return span;
  }

  function renderBlocks(blocks, ctx) {
    const frag = document.createDocumentFragment();
    (blocks || []).forEach((b) => frag.appendChild(renderBlock(b, ctx)));
    return frag;
  }

  // -- modal inputs: rendered from the view, submitted in Slack's view.state shape ----------

  function renderInput(block, ctx) {
    const element = block.element || {};
    const wrap = document.createElement("div");
    wrap.className = "input-block";
    wrap.dataset.blockId = block.block_id || "";
    wrap.dataset.actionId = element.action_id || "";
    wrap.dataset.type = element.type || "";
    wrap.dataset.optional = block.optional ? "1" : "";
    const id = "in-" + (block.block_id || Math.random().toString(36).slice(2));
    const label = document.createElement("label");
    label.className = "label";
    label.htmlFor = id;
    label.innerHTML = emoji(esc(plainText(block.label))) +
      (block.optional ? ' <span class="optional">(optional)</span>' : "");
    wrap.appendChild(label);
    let control;
    switch (element.type) {
      case "plain_text_input":
      case "email_text_input":
      case "url_text_input":
        control = document.createElement(element.multiline ? "textarea" : "input");
        if (!element.multiline) control.type = "text";
        control.value = element.initial_value || "";
        if (element.max_length) control.maxLength = element.max_length;
        control.placeholder = plainText(element.placeholder);
        break;
      case "number_input":
        control = document.createElement("input");
        control.type = "number";
        control.value = element.initial_value || "";
        break;
      case "static_select": {
        control = document.createElement("select");
        const none = document.createElement("option");
        none.value = "";
        none.textContent = plainText(element.placeholder) || "Select an option";
        control.appendChild(none);
        optionsOf(element).forEach((opt, i) => {
          const o = document.createElement("option");
          o.value = String(i);
          o.textContent = plainText(opt.text);
          if (element.initial_option && element.initial_option.value === opt.value) o.selected = true;
          control.appendChild(o);
        });
        break;
      }
      case "datepicker":
        control = document.createElement("input");
        control.type = "date";
        control.value = element.initial_date || "";
        break;
      case "conversations_select":
      case "channels_select":
      case "users_select":
        control = pickerControl(element);
        break;
      case "radio_buttons":
      case "checkboxes": {
        control = document.createElement("div");
        const initial = element.initial_options || (element.initial_option ? [element.initial_option] : []);
        (element.options || []).forEach((opt, i) => {
          const row = document.createElement("label");
          row.className = "choice";
          const box = document.createElement("input");
          box.type = element.type === "radio_buttons" ? "radio" : "checkbox";
          box.name = id;
          box.value = String(i);
          box.checked = initial.some((o) => o.value === opt.value);
          row.appendChild(box);
          row.appendChild(document.createTextNode(" " + plainText(opt.text)));
          control.appendChild(row);
        });
        break;
      }
      default:
        control = document.createElement("div");
        control.className = "unsupported";
        control.textContent = "[" + element.type + " input]";
    }
    control.id = id;
    wrap.appendChild(control);
    if (block.hint) {
      const hint = document.createElement("div");
      hint.className = "hint";
      hint.textContent = plainText(block.hint);
      wrap.appendChild(hint);
    }
    const error = document.createElement("div");
    error.className = "error";
    error.hidden = true;
    wrap.appendChild(error);
    wrap._element = element;
    wrap._control = control;
    return wrap;
  }

  // One input block -> [Slack's value object, is it empty?]
  function inputValue(wrap) {
    const element = wrap._element;
    const control = wrap._control;
    const type = element.type;
    if (type === "plain_text_input" || type === "email_text_input" || type === "url_text_input" || type === "number_input") {
      const value = control.value;
      return [{ type: type, value: value === "" ? null : value }, value.trim() === ""];
    }
    if (PICKERS[type]) {
      return [{ type: type, [PICKERS[type][0]]: control.value || null }, !control.value];
    }
    if (type === "static_select") {
      const opt = control.value === "" ? null : optionsOf(element)[Number(control.value)];
      return [{ type: type, selected_option: opt || null }, !opt];
    }
    if (type === "datepicker") {
      return [{ type: type, selected_date: control.value || null }, !control.value];
    }
    if (type === "radio_buttons") {
      const checked = control.querySelector("input:checked");
      const opt = checked ? element.options[Number(checked.value)] : null;
      return [{ type: type, selected_option: opt }, !opt];
    }
    if (type === "checkboxes") {
      const opts = Array.from(control.querySelectorAll("input:checked")).map((c) => element.options[Number(c.value)]);
      return [{ type: type, selected_options: opts }, opts.length === 0];
    }
    return [{ type: type }, false];
  }

  function showInputErrors(modal, errors) {
    modal.querySelectorAll(".input-block").forEach((wrap) => {
      const message = errors[wrap.dataset.blockId];
      const box = wrap.querySelector(".error");
      box.hidden = !message;
      box.textContent = message || "";
      wrap.classList.toggle("has-error", Boolean(message));
    });
  }

  // What the member has typed or picked so far, by block id, action id and element type.
  function inputKey(wrap) {
    return wrap.dataset.blockId + "/" + wrap.dataset.actionId + "/" + wrap.dataset.type;
  }

  function captureInputs(modal) {
    const kept = {};
    modal.querySelectorAll(".input-block").forEach((wrap) => {
      const control = wrap._control;
      if (control.dataset.picker) {
        kept[inputKey(wrap)] = { picked: control.value };
      } else if (control.tagName === "SELECT") {
        const opt = control.value === "" ? null : optionsOf(wrap._element)[Number(control.value)];
        kept[inputKey(wrap)] = { option: opt ? opt.value : null };
      } else if (control.tagName === "DIV") {
        const options = wrap._element.options || [];
        kept[inputKey(wrap)] = {
          checked: Array.from(control.querySelectorAll("input"))
            .filter((b) => b.checked).map((b) => options[Number(b.value)].value),
        };
      } else {
        kept[inputKey(wrap)] = { value: control.value };
      }
    });
    return kept;
  }

  function restoreInputs(modal, kept) {
    modal.querySelectorAll(".input-block").forEach((wrap) => {
      const saved = kept[inputKey(wrap)];
      if (saved === undefined) return;
      const control = wrap._control;
      if ("picked" in saved) {
        control.value = saved.picked;
      } else if ("option" in saved) {
        const i = optionsOf(wrap._element).findIndex((o) => o.value === saved.option);
        control.value = i >= 0 ? String(i) : "";
      } else if ("checked" in saved) {
        const options = wrap._element.options || [];
        control.querySelectorAll("input").forEach((b) => {
          b.checked = saved.checked.includes(options[Number(b.value)].value);
        });
      } else {
        control.value = saved.value;
      }
    });
  }

  function renderModal(view) {
    const backdrop = el("modal-backdrop");
    const modal = el("modal");
    const key = view ? view.id + ":" + view.hash : "";
    if (key === state.rendered.modal) return;
    const previousId = state.rendered.modal.split(":")[0];
    // Like Slack, views.update keeps what was typed into inputs whose ids did not change.
    const kept = view && previousId === view.id ? captureInputs(modal) : {};
    state.rendered.modal = key;
    modal.textContent = "";
    if (!view) {
      backdrop.hidden = true;
      return;
    }
    const ctx = { surface: "modal", view_id: view.id, names: state.last.names };
    const head = document.createElement("div");
    head.className = "modal-head";
    head.appendChild(textNode(view.title, ctx.names, "span"));
    const x = document.createElement("button");
    x.type = "button";
    x.setAttribute("aria-label", "Close");
    x.textContent = "×";
    x.addEventListener("click", () => closeModal(view.id));
    head.appendChild(x);
    const body = document.createElement("div");
    body.className = "modal-body";
    body.appendChild(renderBlocks(view.blocks, ctx));
    const problem = document.createElement("div");
    problem.className = "modal-problem";
    problem.id = "modal-problem";
    body.appendChild(problem);
    const foot = document.createElement("div");
    foot.className = "modal-foot";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn";
    cancel.id = "modal-close";
    cancel.textContent = plainText(view.close) || "Cancel";
    cancel.addEventListener("click", () => closeModal(view.id));
    foot.appendChild(cancel);
    if (view.submit) {
      const submit = document.createElement("button");
      submit.type = "button";
      submit.className = "btn primary";
      submit.id = "modal-submit";
      submit.textContent = plainText(view.submit);
      submit.addEventListener("click", () => submitModal(view, modal));
      foot.appendChild(submit);
    }
    modal.append(head, body, foot);
    restoreInputs(modal, kept);
    backdrop.hidden = false;
  }

  async function submitModal(view, modal) {
    const values = {};
    const local = {};
    modal.querySelectorAll(".input-block").forEach((wrap) => {
      const [value, empty] = inputValue(wrap);
      if (empty && !wrap.dataset.optional) local[wrap.dataset.blockId] = "Please complete this required field.";
      values[wrap.dataset.blockId] = { [wrap.dataset.actionId]: value };
    });
    showInputErrors(modal, local); // Slack checks required fields before sending anything
    if (Object.keys(local).length) return;
    const answer = await post("/api/submit", { user: state.user, view_id: view.id, values: values });
    el("modal-problem").textContent = answer.problem || answer.error || "";
    if (answer.errors) showInputErrors(modal, answer.errors);
    refreshSoon();
  }

  async function closeModal(viewId) {
    await post("/api/close", { user: state.user, view_id: viewId });
    refreshSoon();
  }

  // -- conversations ----------------------------------------------------------------------

  function renderMessages(conv) {
    const data = state.last[conv];
    const box = el("messages");
    const key = JSON.stringify(data.messages);
    if (key === state.rendered[conv]) return;
    state.rendered[conv] = key;
    box.textContent = "";
    if (!data.messages.length) {
      const empty = document.createElement("div");
      empty.className = "empty";
      empty.textContent = conv === "dm"
        ? "No messages from Transition Coach yet."
        : "Nothing here yet. Type /transition help below.";
      box.appendChild(empty);
    }
    data.messages.forEach((m) => {
      const row = document.createElement("div");
      const inThread = Boolean(m.thread_ts) && m.thread_ts !== m.ts;
      row.className = "message" + (m.ephemeral ? " ephemeral" : "") + (inThread ? " reply" : "");
      row.dataset.ts = m.ts;
      const isBot = Boolean(m.bot_id) || m.user === undefined;
      const name = isBot ? "Transition Coach" : state.last.names[m.user] || m.user;
      const avatar = document.createElement("div");
      avatar.className = "avatar" + (isBot ? " bot" : "");
      avatar.textContent = name.charAt(0);
      const body = document.createElement("div");
      body.className = "body";
      const who = document.createElement("div");
      who.className = "who";
      who.textContent = name;
      if (isBot) {
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "APP";
        who.appendChild(tag);
      }
      body.appendChild(who);
      if (m.ephemeral) {
        const only = document.createElement("div");
        only.className = "only-you";
        only.textContent = "Only visible to you";
        body.appendChild(only);
      }
      const ctx = { surface: "message", channel: data.id, ts: m.ts, ephemeral: !!m.ephemeral, names: state.last.names };
      if (inThread) {
        const note = document.createElement("div");
        note.className = "only-you";
        note.textContent = "↳ in thread";
        body.appendChild(note);
      }
      // What a member typed arrives as rich text whose plain text says the same; the
      // app's own rich text (a canvas link) is rendered.
      if (m.blocks && m.blocks.length && !(!isBot && m.blocks[0] && m.blocks[0].type === "rich_text")) {
        body.appendChild(renderBlocks(m.blocks, ctx));
      } else body.appendChild(textNode({ type: "mrkdwn", text: m.text }, ctx.names));
      if (!m.ephemeral) body.appendChild(messageTools(conv, data.id, m, isBot, inThread));
      row.append(avatar, body);
      box.appendChild(row);
    });
    box.scrollTop = box.scrollHeight;
  }

  // Under a message: what Slack's message menu offers here. In the DM, "Reply in thread" on
  // the app's messages (a reply to a weekly prompt is filed under that week); in the
  // channel, the app's message shortcut "Save to my journal".
  function messageTools(conv, channel, m, isBot, inThread) {
    const tools = document.createElement("div");
    tools.className = "tools";
    if (conv === "dm" && isBot && !inThread) {
      const reply = document.createElement("button");
      reply.type = "button";
      reply.className = "link";
      reply.textContent = "Reply in thread";
      reply.addEventListener("click", () => {
        state.thread = m.ts;
        renderThreadNote();
        el("composer-input").focus();
      });
      tools.appendChild(reply);
    }
    if ((conv === "channel" || conv === "cohort") && m.text) {
      const save = document.createElement("button");
      save.type = "button";
      save.className = "link";
      save.textContent = "Save to my journal";
      save.addEventListener("click", () => {
        post("/api/shortcut", { user: state.user, channel: channel, ts: m.ts }).then(refreshSoon);
      });
      tools.appendChild(save);
    }
    return tools;
  }

  function renderThreadNote() {
    const note = el("thread-note");
    note.hidden = !state.thread || state.conv !== "dm";
  }

  function renderHome() {
    const home = el("home");
    const view = state.last.home;
    const key = view ? view.id + ":" + view.hash : "none";
    if (key === state.rendered.home) return;
    state.rendered.home = key;
    home.textContent = "";
    if (!view) {
      home.innerHTML = '<div class="empty">Opening the Home tab…</div>';
      return;
    }
    home.appendChild(renderBlocks(view.blocks, { surface: "home", view_id: view.id, names: state.last.names }));
  }

  // Canvases are Markdown documents; shown as their text (never as HTML) in a reader pane.
  function renderCanvases() {
    const pane = el("canvases");
    const canvases = state.last.canvases || [];
    const key = JSON.stringify(canvases);
    if (key === state.rendered.canvases) return;
    state.rendered.canvases = key;
    pane.textContent = "";
    if (!canvases.length) {
      pane.innerHTML = '<div class="empty">No canvases yet. Try <code>/transition portfolio</code>.</div>';
      return;
    }
    canvases.forEach((c) => {
      const title = document.createElement("h2");
      title.textContent = c.title || "Untitled canvas";
      const body = document.createElement("pre");
      body.className = "canvas-doc";
      body.textContent = c.markdown;
      pane.appendChild(title);
      pane.appendChild(body);
    });
  }

  function renderBadges() {
    ["channel", "cohort", "dm"].forEach((conv) => {
      const count = state.last[conv].messages.length;
      const seenKey = state.user + ":" + conv;
      if (conv === state.conv || state.seen[seenKey] === undefined) state.seen[seenKey] = count;
      const badge = document.querySelector('.conv[data-conv="' + conv + '"] .badge');
      const unread = count - state.seen[seenKey];
      badge.hidden = unread <= 0;
      badge.textContent = String(unread);
    });
  }

  function render() {
    if (!state.last) return;
    el("clock").textContent = state.last.now_label;
    document.querySelectorAll(".conv").forEach((b) => b.classList.toggle("active", b.dataset.conv === state.conv));
    const canvases = state.conv === "canvases";
    const home = state.conv === "home" || canvases;
    el("messages").hidden = home;
    el("composer").hidden = home;
    const channelName = state.conv === "cohort" ? state.last.cohort.name : "transition";
    el("composer-input").placeholder = state.conv === "dm"
      ? "Message Transition Coach (saved to your journal), or /transition help"
      : "Message #" + channelName + ", or type /transition help";
    renderThreadNote();
    el("home").hidden = !home || canvases;
    el("canvases").hidden = !canvases;
    el("conv-title").textContent = canvases ? "Your canvases" : home ? "Transition Coach · Home"
      : state.conv === "dm" ? "Transition Coach · Messages" : "# " + channelName;
    if (canvases) renderCanvases();
    else if (home) renderHome();
    else renderMessages(state.conv);
    renderBadges();
    renderModal(state.last.modal);
  }

  // -- talking to the sandbox server ------------------------------------------------------

  async function post(path, body) {
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (answer.error) toast(answer.error);
      return answer;
    } catch (error) {
      toast("The sandbox is not answering: " + error);
      return {};
    }
  }

  function sendAction(ctx, block, element, fields) {
    const body = {
      user: state.user,
      surface: ctx.surface,
      action_id: element.action_id || "",
      block_id: block.block_id || "",
      value: fields.value || "",
      element: fields,
    };
    if (ctx.surface === "message") Object.assign(body, { channel: ctx.channel, ts: ctx.ts, ephemeral: ctx.ephemeral });
    else body.view_id = ctx.view_id;
    post("/api/action", body).then(refreshSoon);
  }

  async function refresh() {
    if (!state.user) return;
    try {
      const response = await fetch("/api/state?user=" + encodeURIComponent(state.user));
      if (response.ok) {
        state.last = await response.json();
        render();
      }
    } catch (error) {
      // the next poll tries again
    }
  }

  function refreshSoon() {
    refresh();
    setTimeout(refresh, 250);
  }

  let toastTimer = null;
  function toast(text) {
    const box = el("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  function resetRendered() {
    state.rendered = { channel: "", cohort: "", dm: "", home: "", modal: "", canvases: "" };
  }

  async function start() {
    const members = await (await fetch("/api/members")).json();
    const select = el("member");
    members.members.forEach((m) => {
      const o = document.createElement("option");
      o.value = m.id;
      o.textContent =
        m.real_name + " (" + m.id + ", " + m.tz + (m.admin ? ", workspace admin" : "") + ")";
      select.appendChild(o);
    });
    state.user = select.value;
    select.addEventListener("change", () => {
      state.user = select.value;
      state.last = null;
      resetRendered();
      if (state.conv === "home") post("/api/home", { user: state.user });
      refreshSoon();
    });
    document.querySelectorAll(".conv").forEach((b) => b.addEventListener("click", () => {
      state.conv = b.dataset.conv;
      resetRendered();
      if (state.conv === "home") post("/api/home", { user: state.user }).then(refreshSoon);
      render();
      refreshSoon();
    }));
    el("composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = el("composer-input");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      const where = state.conv === "dm" || state.conv === "cohort" ? state.conv : "channel";
      if (text.startsWith("/")) {
        await post("/api/command", { user: state.user, text: text, where: where });
      } else {
        const thread = where === "dm" ? state.thread : null;
        await post("/api/say", { user: state.user, text: text, where: where, thread_ts: thread });
      }
      refreshSoon();
    });
    el("thread-cancel").addEventListener("click", () => {
      state.thread = null;
      renderThreadNote();
    });
    el("next-day").addEventListener("click", () => advance(1));
    el("next-week").addEventListener("click", () => advance(7));
    refresh();
    setInterval(refresh, POLL_MS);
  }

  // The server plays the skipped time hour by hour (prompts, nudges, recaps on their way),
  // so a jump takes a moment: the buttons wait for it, and the page refreshes as it goes.
  async function advance(days) {
    const buttons = [el("next-day"), el("next-week")];
    buttons.forEach((b) => (b.disabled = true));
    const polling = setInterval(refresh, 300);
    try {
      await post("/api/advance", { days: days });
    } finally {
      clearInterval(polling);
      buttons.forEach((b) => (b.disabled = false));
      refreshSoon();
    }
  }

  // Exposed for the browser test of the renderer (pure functions only).
  window.sandboxRender = { mrkdwnToHtml: mrkdwnToHtml };
  start();
})();
