/**
 * A local Minecraft server for the listener's tests (minecraft-protocol, offline mode, 127.0.0.1,
 * port 0, 1.21.10): it logs clients in, sends system-chat lines (NBT text components from 1.20.3
 * on), records the commands clients send (`chat_command`), and can kick.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import mc from "minecraft-protocol";
import minecraftData from "minecraft-data";

/** The protocol version the tests speak. */
export const VERSION = "1.21.10";

/** A running fake server. */
export interface FakeServer {
  port: number;
  /** Commands received, without the slash (e.g. `pay Steve 10.50`), in arrival order. */
  commands: string[];
  /** Resolves when a client has joined (the next one, or at once when one is online). */
  joined(): Promise<void>;
  /** Number of clients online. */
  readonly online: number;
  /** Sends a system-chat line to every client; resolves when written to the sockets. */
  say(text: string): void;
  /** Kicks every client. */
  kickAll(reason: string): void;
  /** Calls `fn` for each command received. */
  onCommand(fn: (command: string) => void): void;
  close(): Promise<void>;
}

/**
 * Starts the fake server.
 *
 * @returns it, listening.
 */
export async function startFakeServer(): Promise<FakeServer> {
  const server = mc.createServer({ "online-mode": false, host: "127.0.0.1", port: 0, version: VERSION, motd: "guildbank test", keepAlive: false });
  await once(server, "listening");
  const port = ((server as unknown as { socketServer: { address(): AddressInfo } }).socketServer.address()).port;
  const data = minecraftData(VERSION);
  const clients = new Set<mc.ServerClient>();
  const commands: string[] = [];
  const commandListeners: ((command: string) => void)[] = [];
  let joinWaiters: (() => void)[] = [];

  server.on("playerJoin", (client: mc.ServerClient) => {
    client.write("login", {
      ...data.loginPacket,
      enforcesSecureChat: false,
      entityId: client.id,
      isHardcore: false,
      maxPlayers: 10,
      viewDistance: 2,
      reducedDebugInfo: false,
      enableRespawnScreen: true,
    });
    clients.add(client);
    const onCommand = (packet: { command: string }) => {
      commands.push(packet.command);
      for (const fn of commandListeners) fn(packet.command);
    };
    client.on("chat_command", onCommand);
    client.on("chat_command_signed", onCommand);
    const socket = client.socket;
    socket.on("close", () => clients.delete(client));
    socket.on("error", () => clients.delete(client));
    const waiters = joinWaiters;
    joinWaiters = [];
    for (const w of waiters) w();
  });

  return {
    port,
    commands,
    get online() {
      return clients.size;
    },
    joined() {
      return new Promise<void>((resolve) => joinWaiters.push(resolve));
    },
    say(text: string) {
      // From 1.20.3 the content is an (anonymous) NBT text component: {text: "<line>"}.
      const content = { type: "compound", name: "", value: { text: { type: "string", value: text } } };
      for (const c of clients) c.write("system_chat", { content, isActionBar: false });
    },
    kickAll(reason: string) {
      for (const c of clients) c.end(reason);
    },
    onCommand(fn) {
      commandListeners.push(fn);
    },
    async close() {
      for (const c of clients) c.end("server closing");
      await new Promise<void>((resolve) => {
        server.close();
        resolve();
      });
    },
  };
}
