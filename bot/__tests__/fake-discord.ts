/**
 * A local fake of Discord's REST API for the bot's tests: an express app on port 0 that records
 * every call (interaction callbacks, followups, original-response edits, channel and message
 * creation, edits and deletion, permission overwrites, pins, member roles added and removed, DMs, command deployment)
 * and keeps just enough state (channels, messages, roles) to answer like Discord. It also plays the gateway: `GET /gateway/bot`
 * answers with its own `ws://` URL, where a WebSocket server says HELLO and answers IDENTIFY with
 * READY (recording every frame), so a client that logs in never leaves the machine.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { WebSocketServer } from "ws";

/** One recorded REST call. */
export interface Call {
  method: string;
  /** Path without the `/api/v10` prefix, e.g. `/channels/1/messages`. */
  path: string;
  /** The JSON body (multipart requests: their `payload_json`). */
  body: any;
  /** Names of files uploaded with the call. */
  files: { name: string; size: number; type: string }[];
}

/** A channel the fake guild has. */
export interface FakeChannel {
  id: string;
  guild_id: string;
  name: string;
  type: number;
  topic?: string | null;
  permission_overwrites: { id: string; type: number; allow: string; deny: string }[];
  /** A thread's parent channel. */
  parent_id?: string;
  /** A thread's members (`PUT /channels/:t/thread-members/:u`). */
  members?: string[];
  /** A thread's archived and locked flags (`PATCH /channels/:t`). */
  archived?: boolean;
  locked?: boolean;
  invitable?: boolean;
}

/** A message the fake has stored. */
export interface FakeMessage {
  id: string;
  channel_id: string;
  embeds: any[];
  components: any[];
  content: string;
  pinned: boolean;
  nonce?: string;
  flags?: number;
}

let counter = 0n;
/**
 * A fresh snowflake (unique within the process).
 *
 * @returns a decimal snowflake string.
 */
export function snowflake(): string {
  counter += 1n;
  return (1_300_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1_000_000n + counter).toString();
}

/** The fake API. */
export class FakeDiscord {
  calls: Call[] = [];
  channels = new Map<string, FakeChannel>();
  messages = new Map<string, FakeMessage>();
  /** Roles added to members (`PUT /guilds/:g/members/:u/roles/:r`), as `guild/user/role`. */
  memberRoles = new Set<string>();
  /** Roles the bot may not manage (Discord answers 50013 Missing Permissions to adding or removing them). */
  lockedRoles = new Set<string>();
  /** Users who do not accept DMs (Discord answers 50007 to a message in their DM channel). */
  dmBlocked = new Set<string>();
  /** Called with every REST call as it arrives (before it is answered); the benchmarks time edits with it. */
  onCall?: (call: Call) => void;
  /** Answers the next matching call with 429 and this `retry_after` (seconds). */
  rateLimits: { method: string; path: RegExp; retryAfter: number }[] = [];
  url = "";
  /** Every frame a client sent to the fake gateway, parsed. */
  gatewayFrames: { op: number; d: any }[] = [];
  private server?: Server;
  private gateway?: WebSocketServer;
  readonly applicationId: string;

  constructor(applicationId: string) {
    this.applicationId = applicationId;
  }

  /** The REST base to give discord.js (`rest.api`). */
  get api(): string {
    return `${this.url}/api`;
  }

  /** Starts listening on 127.0.0.1:0. */
  async start(): Promise<void> {
    const app = express();
    app.use(express.raw({ type: () => true, limit: "25mb" }));
    app.use(async (req, res, next) => {
      const path = decodeURIComponent(req.path).replace(/^\/api\/v\d+/, "");
      const ct = String(req.headers["content-type"] ?? "");
      let body: any = null;
      const files: Call["files"] = [];
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (ct.startsWith("multipart/form-data")) {
        const form = await new Response(raw, { headers: { "content-type": ct } }).formData();
        for (const [key, value] of form.entries()) {
          if (key === "payload_json") body = JSON.parse(String(value));
          else if (typeof value !== "string") files.push({ name: value.name, size: value.size, type: value.type });
        }
      } else if (raw.length) {
        body = JSON.parse(raw.toString("utf8"));
      }
      const limited = this.rateLimits.findIndex((r) => r.method === req.method && r.path.test(path));
      const call = { method: req.method, path, body, files };
      this.calls.push(call);
      this.onCall?.(call);
      if (limited >= 0) {
        const [rule] = this.rateLimits.splice(limited, 1);
        res
          .status(429)
          .set({ "retry-after": String(Math.ceil(rule.retryAfter)), "x-ratelimit-scope": "user" })
          .json({ message: "You are being rate limited.", retry_after: rule.retryAfter, global: false });
        return;
      }
      (req as any).parsed = body;
      (req as any).apiPath = path;
      next();
    });
    app.use((req, res) => this.answer((req as any).apiPath, req.method, (req as any).parsed, res));
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, "127.0.0.1", () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    this.gateway = new WebSocketServer({ server: this.server!, path: "/gateway" });
    this.gateway.on("connection", (socket) => {
      let seq = 0;
      socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null }));
      socket.on("message", (data) => {
        const frame = JSON.parse(String(data)) as { op: number; d: any };
        this.gatewayFrames.push(frame);
        if (frame.op === 1) socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
        if (frame.op === 2) {
          const ready = {
            v: 10,
            user: { id: this.applicationId, username: "Guildbank", discriminator: "0", bot: true, avatar: null, global_name: null, flags: 0 },
            guilds: [],
            session_id: "fake-session",
            resume_gateway_url: `${this.url.replace(/^http/, "ws")}/gateway`,
            application: { id: this.applicationId, flags: 0 },
            shard: frame.d.shard,
          };
          socket.send(JSON.stringify({ op: 0, d: ready, s: ++seq, t: "READY" }));
        }
      });
    });
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    for (const client of this.gateway?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.gateway ? this.gateway.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private message(channelId: string, body: any): FakeMessage {
    return { id: snowflake(), channel_id: channelId, embeds: body?.embeds ?? [], components: body?.components ?? [], content: body?.content ?? "", pinned: false, flags: body?.flags };
  }

  private toApi(m: FakeMessage) {
    return {
      id: m.id,
      channel_id: m.channel_id,
      type: 0,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      pinned: m.pinned,
      flags: m.flags ?? 0,
      author: { id: this.applicationId, username: "Guildbank", discriminator: "0", bot: true, avatar: null, global_name: null },
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
    };
  }

  private answer(path: string, method: string, body: any, res: express.Response): void {
    let m: RegExpMatchArray | null;
    const notFound = (code: number) => res.status(404).json({ message: "Unknown", code });
    if (path === "/gateway/bot" && method === "GET") {
      res.json({ url: `${this.url.replace(/^http/, "ws")}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
      return;
    }
    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === "POST") {
      res.status(204).end();
      return;
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(@original|\d+))?$/))) {
      const msg = this.message("0", body);
      res.json(this.toApi(msg));
      return;
    }
    if ((m = path.match(/^\/guilds\/(\d+)\/channels$/))) {
      const guildId = m[1];
      if (method === "GET") {
        res.json([...this.channels.values()].filter((c) => c.guild_id === guildId));
        return;
      }
      const channel: FakeChannel = {
        id: snowflake(),
        guild_id: guildId,
        name: body.name,
        type: body.type ?? 0,
        topic: body.topic ?? null,
        permission_overwrites: (body.permission_overwrites ?? []).map((o: any) => ({ id: o.id, type: o.type, allow: String(o.allow ?? "0"), deny: String(o.deny ?? "0") })),
      };
      this.channels.set(channel.id, channel);
      res.status(201).json(channel);
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/permissions\/(\d+)$/)) && method === "PUT") {
      const channel = this.channels.get(m[1]);
      if (!channel) return void notFound(10003);
      channel.permission_overwrites = channel.permission_overwrites.filter((o) => o.id !== m![2]);
      channel.permission_overwrites.push({ id: m[2], type: body.type, allow: String(body.allow ?? "0"), deny: String(body.deny ?? "0") });
      res.status(204).end();
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/permissions\/(\d+)$/)) && method === "DELETE") {
      const channel = this.channels.get(m[1]);
      if (!channel) return void notFound(10003);
      channel.permission_overwrites = channel.permission_overwrites.filter((o) => o.id !== m![2]);
      res.status(204).end();
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/)) && method === "POST") {
      const parent = this.channels.get(m[1]);
      if (!parent || !this.messages.has(m[2])) return void notFound(10008);
      const thread: FakeChannel = { id: snowflake(), guild_id: parent.guild_id, name: body.name, type: 11, topic: null, permission_overwrites: [], parent_id: parent.id };
      this.channels.set(thread.id, thread);
      res.status(201).json(thread);
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/threads$/)) && method === "POST") {
      // A thread without a starter message (type 12: private, 11: public).
      const parent = this.channels.get(m[1]);
      if (!parent) return void notFound(10003);
      const thread: FakeChannel = {
        id: snowflake(),
        guild_id: parent.guild_id,
        name: body.name,
        type: body.type ?? 12,
        topic: null,
        permission_overwrites: [],
        parent_id: parent.id,
        members: [this.applicationId],
        archived: false,
        locked: false,
        invitable: body.invitable ?? true,
      };
      this.channels.set(thread.id, thread);
      res.status(201).json(thread);
      return;
    }
    if ((m = path.match(/^\/guilds\/(\d+)\/threads\/active$/)) && method === "GET") {
      const threads = [...this.channels.values()].filter((c) => c.guild_id === m![1] && (c.type === 11 || c.type === 12) && !c.archived);
      res.json({ threads, members: [] });
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/thread-members\/(\d+)$/)) && (method === "PUT" || method === "DELETE")) {
      const thread = this.channels.get(m[1]);
      if (!thread || !thread.members) return void notFound(10003);
      thread.members = thread.members.filter((u) => u !== m![2]);
      if (method === "PUT") thread.members.push(m[2]);
      res.status(204).end();
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)$/)) && method === "GET") {
      const channel = this.channels.get(m[1]);
      if (!channel) return void notFound(10003);
      res.json(channel);
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)$/)) && method === "PATCH") {
      const channel = this.channels.get(m[1]);
      if (!channel) return void notFound(10003);
      for (const k of ["name", "archived", "locked", "invitable"] as const) if (body[k] !== undefined) (channel as any)[k] = body[k];
      res.json(channel);
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/pins\/(\d+)$/)) && method === "DELETE") {
      const msg = this.messages.get(m[2]);
      if (!msg) return void notFound(10008);
      msg.pinned = false;
      res.status(204).end();
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/pins\/(\d+)$/)) && method === "PUT") {
      const msg = this.messages.get(m[2]);
      if (!msg) return void notFound(10008);
      msg.pinned = true;
      res.status(204).end();
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/)) && method === "POST") {
      if (!this.channels.has(m[1])) return void notFound(10003);
      const dm = this.channels.get(m[1])!;
      if (dm.type === 1 && this.dmBlocked.has(String(dm.topic))) {
        res.status(403).json({ message: "Cannot send messages to this user", code: 50007 });
        return;
      }
      if (body?.enforce_nonce && body.nonce) {
        const same = [...this.messages.values()].find((x) => x.channel_id === m![1] && x.nonce === body.nonce);
        if (same) return void res.json(this.toApi(same));
      }
      const msg = { ...this.message(m[1], body), nonce: body?.nonce };
      this.messages.set(msg.id, msg);
      res.json(this.toApi(msg));
      return;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const msg = this.messages.get(m[2]);
      if (!msg || msg.channel_id !== m[1]) return void notFound(10008);
      if (method === "DELETE") {
        this.messages.delete(msg.id);
        res.status(204).end();
        return;
      }
      if (method === "PATCH") {
        if (body.embeds !== undefined) msg.embeds = body.embeds;
        if (body.components !== undefined) msg.components = body.components;
        if (body.content !== undefined && body.content !== null) msg.content = body.content;
      }
      res.json(this.toApi(msg));
      return;
    }
    if ((m = path.match(/^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/)) && (method === "PUT" || method === "DELETE")) {
      if (this.lockedRoles.has(m[3])) {
        res.status(403).json({ message: "Missing Permissions", code: 50013 });
        return;
      }
      if (method === "PUT") this.memberRoles.add(`${m[1]}/${m[2]}/${m[3]}`);
      else this.memberRoles.delete(`${m[1]}/${m[2]}/${m[3]}`);
      res.status(204).end();
      return;
    }
    if (path === "/users/@me/channels" && method === "POST") {
      const existing = [...this.channels.values()].find((c) => c.type === 1 && c.topic === body.recipient_id);
      const channel: FakeChannel = existing ?? { id: snowflake(), guild_id: "", name: "", type: 1, topic: body.recipient_id, permission_overwrites: [] };
      this.channels.set(channel.id, channel);
      res.json({ id: channel.id, type: 1, recipients: [{ id: body.recipient_id, username: "member", discriminator: "0", avatar: null, global_name: null }] });
      return;
    }
    if ((m = path.match(/^\/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/)) && method === "PUT") {
      res.json((body as any[]).map((c) => ({ ...c, id: snowflake(), application_id: m![1] })));
      return;
    }
    res.status(404).json({ message: "Unknown route (fake)", code: 0 });
  }

  /**
   * The calls made for one interaction: its callback, then edits and followups through its token.
   *
   * @param interaction - the raw interaction (id and token).
   * @returns those calls, in order.
   */
  callsFor(interaction: { id: string; token: string }): Call[] {
    return this.calls.filter((c) => c.path.startsWith(`/interactions/${interaction.id}/`) || c.path.includes(`/webhooks/${this.applicationId}/${interaction.token}`));
  }

  /** Calls that change something on Discord's side (everything but GETs and interaction answers). */
  writes(): Call[] {
    return this.calls.filter((c) => c.method !== "GET" && !c.path.startsWith("/interactions/") && !c.path.startsWith("/webhooks/"));
  }
}
