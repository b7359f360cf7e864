/**
 * Renders a Discord message body as the bot sent it (content, embeds, button rows: the JSON the fake
 * Discord stored) into a standalone HTML page styled like Discord's dark theme, for screenshots in
 * headless Chromium. Handles the markdown our renderers use: **bold**, `code`, > quotes, [text](url)
 * links, user/role/channel mentions (names from `names`) and <t:unix:style> timestamps.
 */

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function inline(text: string, names: Record<string, string>): string {
  let out = esc(text);
  out = out.replace(/&lt;@&amp;(\d+)&gt;/g, (_m, id: string) => `<span class="mention">@${esc(names[id] ?? "role")}</span>`);
  out = out.replace(/&lt;@!?(\d+)&gt;/g, (_m, id: string) => `<span class="mention">@${esc(names[id] ?? "member")}</span>`);
  out = out.replace(/&lt;#(\d+)&gt;/g, (_m, id: string) => `<span class="mention">#${esc(names[id] ?? "channel")}</span>`);
  out = out.replace(/&lt;t:(\d+)(?::([tTdDfFR]))?&gt;/g, (_m, unix: string) => `<span class="time">${new Date(Number(unix) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC</span>`);
  out = out.replace(/`([^`]+)`/g, "<code>$1</code>");
  out = out.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
  out = out.replace(/\[([^\]]+)\]\((https:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  return out;
}

function block(text: string, names: Record<string, string>): string {
  return text
    .split("\n")
    .map((line) => (line.startsWith("> ") ? `<div class="quote">${inline(line.slice(2), names)}</div>` : `<div>${inline(line, names) || "&nbsp;"}</div>`))
    .join("");
}

const BUTTON_STYLES: Record<number, string> = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "secondary" };

/**
 * @param body - `{ content, embeds, components }` as Discord stores it.
 * @param names - display names for mention ids (users, roles, channels).
 * @param emojiFont - a colour emoji font file (TTF) to embed, when the system has one.
 * @returns an HTML document.
 */
export function messageHtml(body: { content?: string; embeds?: any[]; components?: any[] }, names: Record<string, string> = {}, emojiFont?: Buffer): string {
  // A colour emoji font (the browser may not see the system's), embedded so ✅ and ❌ render.
  const emoji = emojiFont ? `@font-face { font-family: "Emoji"; src: url(data:font/ttf;base64,${emojiFont.toString("base64")}); unicode-range: U+2300-23FF, U+2600-27BF, U+2B00-2BFF, U+1F000-1FAFF; }` : "";
  const embeds = (body.embeds ?? [])
    .map((e) => {
      const colour = `#${Number(e.color ?? 0x5865f2).toString(16).padStart(6, "0")}`;
      const fields = (e.fields ?? [])
        .map((f: { name: string; value: string; inline?: boolean }) => `<div class="field${f.inline ? " inline" : ""}"><div class="fname">${inline(f.name, names)}</div><div class="fvalue">${block(f.value, names)}</div></div>`)
        .join("");
      return `<div class="embed" style="border-left-color:${colour}">
        ${e.title ? `<div class="title">${inline(e.title, names)}</div>` : ""}
        ${e.description ? `<div class="desc">${block(e.description, names)}</div>` : ""}
        <div class="fields">${fields}</div>
        ${e.footer?.text ? `<div class="footer">${inline(e.footer.text, names)}</div>` : ""}
      </div>`;
    })
    .join("");
  const rows = (body.components ?? [])
    .map(
      (row) =>
        `<div class="row">${(row.components ?? [])
          .map((c: any) =>
            c.type === 2
              ? `<span class="button ${BUTTON_STYLES[c.style] ?? "secondary"}">${c.emoji?.name ? `${esc(c.emoji.name)} ` : ""}${esc(c.label ?? "")}</span>`
              : `<span class="select">${esc(c.placeholder ?? "Select…")}</span>`,
          )
          .join("")}</div>`,
    )
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${emoji}
    body { margin: 0; background: #313338; color: #dbdee1; font: 15px/1.375 "gg sans", "Noto Sans", "Helvetica Neue", Arial, sans-serif, "Emoji"; }
    .msg { display: flex; gap: 16px; padding: 16px 20px; width: 760px; }
    .avatar { width: 40px; height: 40px; border-radius: 50%; background: #5865f2; flex: none; }
    .author { color: #f2f3f5; font-weight: 600; } .tag { background: #5865f2; color: #fff; font-size: 10px; border-radius: 3px; padding: 1px 4px; margin-left: 4px; vertical-align: 2px; }
    .content { margin: 2px 0 6px; }
    .embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 16px 16px 12px; margin-top: 4px; max-width: 640px; }
    .title { color: #f2f3f5; font-weight: 600; margin-top: 8px; } .desc { margin-top: 8px; font-size: 14px; }
    .fields { display: flex; flex-wrap: wrap; gap: 8px 16px; margin-top: 8px; } .field { flex: 1 1 100%; font-size: 14px; } .field.inline { flex: 1 1 28%; }
    .fname { color: #f2f3f5; font-weight: 600; margin-bottom: 2px; } .footer { margin-top: 8px; font-size: 12px; color: #b5bac1; }
    code { background: #1e1f22; border-radius: 3px; padding: 0 3px; font: 13px Consolas, "Liberation Mono", monospace; }
    .quote { border-left: 4px solid #4e5058; padding-left: 8px; color: #b5bac1; }
    .mention { background: rgba(88,101,242,.3); color: #c9cdfb; border-radius: 3px; padding: 0 2px; } .time { background: #1e1f22; border-radius: 3px; padding: 0 2px; }
    a { color: #00a8fc; text-decoration: none; }
    .row { display: flex; gap: 8px; margin-top: 8px; } .button { padding: 4px 16px; border-radius: 3px; color: #fff; font-size: 14px; font-weight: 500; line-height: 24px; }
    .primary { background: #5865f2; } .secondary { background: #4e5058; } .success { background: #248046; } .danger { background: #da373c; }
    .select { background: #1e1f22; border-radius: 4px; padding: 8px; width: 400px; color: #949ba4; }
  </style></head><body><div class="msg"><div class="avatar"></div><div><div><span class="author">Guildbank</span><span class="tag">BOT</span></div>
  ${body.content ? `<div class="content">${block(body.content, names)}</div>` : ""}${embeds}${rows}</div></div></body></html>`;
}
