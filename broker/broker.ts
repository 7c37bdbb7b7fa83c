// The embedded MQTT broker: Aedes behind TCP (and optionally TLS) listeners, with device authentication and the
// per-topic ACL of acl.ts, each connection read through the frame limit of frame-limit.ts, and once-per-publish
// delivery (delivery.ts). Runs inside the hub process or alone (main.ts).
import { EventEmitter, once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { Aedes } from "aedes";
import type { AedesOptions, AuthenticateError, Client, PublishPacket } from "aedes";
import aedesPersistenceLevel from "aedes-persistence-level";
import type { AedesLevelPersistence } from "aedes-persistence-level";
import { Level } from "level";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { isValidDeviceId, topics } from "../proto/topics.js";
import { checkConnect, checkPayloadSize, checkPublish, checkSubscribe, checkWill } from "./acl.js";
import { AcknowledgedEntries, deliverOncePerPublish, queueOncePerPublish } from "./delivery.js";
import { FrameLimitStream, frameLimits } from "./frame-limit.js";
import type { FrameLimits, FrameRefusal, PacketType } from "./frame-limit.js";
import type { AclDenial, ConnectRefusal } from "./acl.js";
import type { CredentialStore, Principal, PrincipalRole } from "./credentials.js";
import { BrokerMetrics } from "./metrics.js";
import { indexRetained } from "./retained-index.js";
import type { AclAction, BrokerStats } from "./metrics.js";

export type { BrokerStats } from "./metrics.js";

export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
/** Device ids (= client ids) are up to 64 characters; service client ids (`hub:<instance>`) get some room. */
const MAX_CLIENT_ID_LENGTH = 128;

export interface BrokerOptions {
  /** Default 0.0.0.0. */
  host?: string;
  /** 0 = ephemeral. */
  port: number;
  persistence: { kind: "level"; dir: string } | { kind: "memory" };
  credentials: CredentialStore;
  logger: Logger;
  registry?: Registry;
  /** Device publishes larger than this are denied; default 256 KiB. Refused at the frame above this plus topic room. */
  maxPayloadBytes?: number;
  /** A service client's (hub, scada) PUBLISH packets larger than this are refused at the frame; default 16 MiB. */
  maxServicePublishBytes?: number;
  tls?: { port: number; keyFile: string; certFile: string };
  /**
   * Called for every publish the ACL allowed, before Aedes acknowledges it (PUBACK for QoS 1) or forwards it: the
   * hub running this broker in its process commits device telemetry here, so a device is acknowledged only for what
   * is stored. Synchronous; throwing refuses the message: no PUBACK, and Aedes closes the connection (MQTT 3.1.1 has
   * no negative PUBACK), so the device keeps it and sends it again after reconnecting. `clientId` is null for a will
   * Aedes publishes for a client no longer connected.
   */
  commitPublish?: (clientId: string | null, packet: PublishPacket) => void;
}

export interface RefusedEvent {
  clientId: string;
  username: string | undefined;
  /** `store_error`: the credential store failed; the client gets return code 3 (server unavailable). */
  reason: ConnectRefusal | "store_error";
  remoteAddress: string | undefined;
}

export interface DeniedEvent {
  clientId: string;
  username: string;
  role: PrincipalRole;
  /** `forward`: a message held back from a client that may not receive it (see README, persisted subscriptions). */
  action: AclAction;
  topic: string;
  reason: AclDenial;
}

/** A packet refused at the frame (frame-limit.ts): its connection was closed before its body was buffered. */
export interface PacketRefusedEvent {
  packet: PacketType;
  reason: FrameRefusal;
  /** The remaining length the fixed header declared, for `too_large`. */
  declaredBytes?: number;
  limitBytes?: number;
  remoteAddress: string | undefined;
  /** Set when the connection had authenticated. */
  clientId?: string;
}

export interface RunningBroker extends EventEmitter {
  readonly port: number;
  readonly host: string;
  /** `mqtt://127.0.0.1:PORT` when listening on all interfaces. */
  readonly url: string;
  readonly aedes: Aedes;
  readonly tlsPort?: number;
  stats(): BrokerStats;
  close(): Promise<void>;
}

interface Listener {
  server: Server;
  sockets: Set<Socket>;
}

class MqttBroker extends EventEmitter implements RunningBroker {
  private closing: Promise<void> | undefined;

  constructor(
    readonly aedes: Aedes,
    readonly host: string,
    readonly port: number,
    readonly url: string,
    readonly tlsPort: number | undefined,
    private readonly servers: Listener[],
    private readonly metrics: BrokerMetrics,
    private readonly db: Level | undefined,
  ) {
    super();
  }

  stats(): BrokerStats {
    return this.metrics.stats();
  }

  /** Stops listening, disconnects every client, closes the persistence. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= shutdown(this.aedes, this.servers, this.db).finally(() => this.metrics.unregister());
    return this.closing;
  }
}

async function shutdown(aedes: Aedes, listeners: Listener[], db: Level | undefined): Promise<void> {
  const serversClosed = listeners.map(({ server }) =>
    server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve(),
  );
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  // Connections that never completed CONNECT are not Aedes clients yet; without this, server.close() waits for them.
  for (const { sockets } of listeners) for (const socket of sockets) socket.destroy();
  await Promise.all(serversClosed);
  await db?.close();
}

function listenerFor(server: Server): Listener {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return { server, sockets };
}

async function listen(listener: Listener, port: number, host: string): Promise<number> {
  listener.server.listen(port, host);
  await once(listener.server, "listening");
  return (listener.server.address() as AddressInfo).port;
}

function localUrl(host: string, port: number): string {
  const wildcard = host === "0.0.0.0" || host === "::" || host === "";
  const shown = wildcard ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `mqtt://${shown}:${port}`;
}

function authError(reason: string, returnCode: 2 | 3 | 4 | 5): AuthenticateError {
  return Object.assign(new Error(`connection refused: ${reason}`), { returnCode });
}

/**
 * The Aedes hooks. Principals are remembered per client object from CONNECT on, so an ACL decision never looks the
 * username up again; the raw client id is captured before Aedes replaces an empty one with a generated id.
 */
function aclHooks(
  credentials: CredentialStore,
  maxPayloadBytes: number,
  onRefused: (event: RefusedEvent) => void,
  onDenied: (event: DeniedEvent) => void,
  log: Logger,
  commitPublish: BrokerOptions["commitPublish"],
  acknowledged: AcknowledgedEntries,
): Pick<AedesOptions, "preConnect" | "authenticate" | "authorizePublish" | "authorizeSubscribe" | "authorizeForward"> {
  const connecting = new WeakMap<Client, { clientId: string; willTopic: string | undefined }>();
  const principals = new WeakMap<Client, Principal>();

  const deny = (client: Client, principal: Principal, action: AclAction, topic: string, reason: AclDenial): void =>
    onDenied({ clientId: client.id, username: principal.username, role: principal.role, action, topic, reason });

  /** A will Aedes publishes for a client no longer connected (e.g. left over from before a restart). */
  const obsoleteWillAllowed = (packet: PublishPacket & { clientId?: string }): boolean => {
    const clientId = packet.clientId ?? "";
    if (isValidDeviceId(clientId) && packet.topic === topics.status(clientId)) return true;
    const principal = credentials.lookup(clientId.split(":")[0] ?? "");
    return principal !== undefined && checkWill(principal, clientId, packet.topic).ok;
  };

  return {
    preConnect(client, packet, callback) {
      deliverOncePerPublish(client);
      connecting.set(client, { clientId: packet.clientId, willTopic: packet.will?.topic });
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const { clientId, willTopic } = connecting.get(client) ?? { clientId: "", willTopic: undefined };
      connecting.delete(client);
      const conn = client.conn as unknown;
      const remoteAddress = (conn as { remoteAddress?: string }).remoteAddress;
      let principal: Principal | undefined;
      try {
        principal = username === undefined ? undefined : credentials.lookup(username);
      } catch (err) {
        log.error({ err, clientId, username }, "credential lookup failed");
        onRefused({ clientId, username, reason: "store_error", remoteAddress });
        done(authError("store_error", 3), false);
        return;
      }
      const verdict = checkConnect(principal, clientId, password, willTopic);
      if (!verdict.ok || principal === undefined) {
        const refusal = verdict.ok ? { reason: "unknown_user" as const, returnCode: 4 as const } : verdict;
        onRefused({ clientId, username, reason: refusal.reason, remoteAddress });
        done(authError(refusal.reason, refusal.returnCode), false);
        return;
      }
      principals.set(client, principal);
      if (conn instanceof FrameLimitStream) conn.authenticated(principal.role, clientId);
      done(null, true);
    },

    authorizePublish(client, packet, callback) {
      /** After the ACL verdict: the embedding hub's commit (BrokerOptions.commitPublish); its failure refuses the message. */
      const commit = (clientId: string | null): Error | null => {
        if (commitPublish === undefined) return null;
        try {
          commitPublish(clientId, packet);
          return null;
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      };
      if (client === null) {
        callback(obsoleteWillAllowed(packet) ? commit(null) : new Error("obsolete will denied"));
        return;
      }
      const principal = principals.get(client);
      if (principal === undefined) {
        callback(new Error("publish from an unauthenticated client"));
        return;
      }
      const verdict = checkPublish(principal, client.id, packet.topic, packet.retain);
      const size = verdict.ok ? checkPayloadSize(principal, packet.payload.length, maxPayloadBytes) : verdict;
      if (!size.ok) {
        deny(client, principal, "publish", packet.topic, size.reason);
        // MQTT 3.1.1 has no negative PUBACK: Aedes closes the connection.
        callback(new Error(`publish denied: ${size.reason}`));
        return;
      }
      if (verdict.ok && verdict.stripRetain === true) packet.retain = false;
      callback(commit(client.id));
    },

    authorizeSubscribe(client, subscription, callback) {
      const principal = principals.get(client);
      const verdict = principal === undefined ? undefined : checkSubscribe(principal, client.id, subscription.topic);
      if (principal !== undefined && verdict?.ok === true) {
        callback(null, subscription);
        return;
      }
      if (principal !== undefined && verdict?.ok === false) deny(client, principal, "subscribe", subscription.topic, verdict.reason);
      // Negated: the SUBACK carries 128 for this filter and the connection stays open.
      callback(null, null);
    },

    authorizeForward(client, packet) {
      // A queue entry the session acknowledged while its queue was being sent (delivery.ts): not sent again.
      if (acknowledged.has(packet)) return null;
      const principal = principals.get(client);
      if (principal === undefined) return null;
      const verdict = checkSubscribe(principal, client.id, packet.topic);
      if (verdict.ok) return packet;
      deny(client, principal, "forward", packet.topic, verdict.reason);
      return null;
    },
  };
}

/**
 * Aedes' in-flight limit (`concurrency`, default 100) queues the messages beyond it in its emitter (mqemitter), and
 * drains that queue by recursion: each message no one subscribes to completes at once and starts the next, so a
 * few thousand such messages queued behind 100 slow deliveries overflow the stack and end the process (mqemitter
 * PR #204, open). The fleet benchmark hit it starting a 10,000-device stage (desired states in flight, each device's
 * SUBSCRIBE to the manifest raising a `$SYS` message no one reads); test/broker/broker-burst.test.ts replays it.
 * Without the limit there is no queue: each client's packets are still read one batch at a time, after the batch
 * before was handled, so what is in flight stays bounded by the clients and their socket buffers.
 */
const UNLIMITED_CONCURRENCY = 0;

/** Hands Aedes each connection through the frame limit (frame-limit.ts) instead of the bare socket. */
function guardedHandle(aedes: Aedes, limits: FrameLimits, onRefused: (event: PacketRefusedEvent) => void): (socket: Socket) => void {
  return (socket) => {
    const stage = new FrameLimitStream(socket, limits, (verdict, refused) => {
      const { ok: _ok, ...detail } = verdict;
      onRefused({ ...detail, remoteAddress: refused.remoteAddress, ...(refused.clientId === undefined ? {} : { clientId: refused.clientId }) });
    });
    aedes.handle(stage);
  };
}

/** Sessions and retained messages in a level database, retained ones also answered from memory (retained-index.ts). */
function levelPersistence(db: Level, log: Logger): AedesLevelPersistence {
  const persistence = aedesPersistenceLevel(db);
  indexRetained(persistence);
  guardWillDeletion(persistence, log);
  return persistence;
}

/**
 * Aedes' CONNECT handler deletes a client's old will with `delWill(client).finally(...)`: when the level store
 * cannot write (a full disk: LEVEL_IO_ERROR) the promise `finally` returns rejects with no handler, and the
 * unhandled rejection ended the hub. Here a failed deletion is logged and resolves: the CONNECT then fails at
 * storing the new will (refused, the device retries), and a will left behind is only published once more.
 */
function guardWillDeletion(persistence: AedesLevelPersistence, log: Logger): void {
  const p = persistence as unknown as { delWill(client: unknown, cb?: unknown): Promise<unknown> };
  const delWill = p.delWill.bind(p);
  p.delWill = (client, cb) => {
    if (cb !== undefined) return delWill(client, cb);
    return delWill(client).catch((err: unknown) => {
      log.warn({ err, clientId: (client as { id?: string }).id }, "mqtt persistence: deleting a will failed");
      return undefined;
    });
  };
}

export async function startBroker(opts: BrokerOptions): Promise<RunningBroker> {
  const log = opts.logger.child({ module: "broker" });
  const host = opts.host ?? "0.0.0.0";
  const db = opts.persistence.kind === "level" ? new Level(opts.persistence.dir) : undefined;
  const events = new EventEmitter();
  let aedes: Aedes | undefined;
  let metrics: BrokerMetrics | undefined;
  const listeners: Listener[] = [];
  const acknowledged = new AcknowledgedEntries();

  const onRefused = (event: RefusedEvent): void => {
    metrics?.refused(event.reason);
    log.warn(event, "mqtt connection refused");
    events.emit("refused", event);
  };
  const onPacketRefused = (event: PacketRefusedEvent): void => {
    metrics?.packetRefused(event.packet, event.reason);
    log.warn(event, "mqtt packet refused at the frame, connection closed");
    events.emit("packetRefused", event);
  };
  const limits = frameLimits(opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, opts.maxServicePublishBytes);
  const onDenied = (event: DeniedEvent): void => {
    metrics?.denied(event.action, event.reason);
    log.warn(event, "mqtt acl denied");
    events.emit("denied", event);
  };

  try {
    aedes = await Aedes.createBroker({
      persistence: db === undefined ? undefined : levelPersistence(db, log),
      maxClientsIdLength: MAX_CLIENT_ID_LENGTH,
      concurrency: UNLIMITED_CONCURRENCY,
      ...aclHooks(opts.credentials, opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, onRefused, onDenied, log, opts.commitPublish, acknowledged),
    });
    const running = aedes;
    await queueOncePerPublish((running as unknown as { persistence: unknown }).persistence, db, acknowledged);
    metrics = BrokerMetrics.create(() => running.connectedClients, opts.registry);
    // Aedes emits "error" (not in its typings) when persistence fails; unhandled, that would end the process.
    (aedes as EventEmitter).on("error", (err: Error) => log.error({ err }, "mqtt broker error"));
    aedes.on("clientError", (client, err) => log.debug({ clientId: client.id, err: err.message }, "mqtt client error"));
    aedes.on("connectionError", (client, err) => log.debug({ clientId: client.id, err: err.message }, "mqtt connection error"));

    const handle = guardedHandle(running, limits, onPacketRefused);
    const tcp = listenerFor(createServer(handle));
    listeners.push(tcp);
    const port = await listen(tcp, opts.port, host);
    let tlsPort: number | undefined;
    if (opts.tls !== undefined) {
      const tlsOptions = { key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile) };
      const tls = listenerFor(createTlsServer(tlsOptions, handle));
      listeners.push(tls);
      tlsPort = await listen(tls, opts.tls.port, host);
    }

    const broker = new MqttBroker(aedes, host, port, localUrl(host, port), tlsPort, listeners, metrics, db);
    for (const name of ["refused", "denied", "packetRefused"] as const) events.on(name, (event: unknown) => broker.emit(name, event));
    log.info({ host, port, tlsPort, persistence: opts.persistence.kind }, "mqtt broker listening");
    return broker;
  } catch (err) {
    metrics?.unregister();
    if (aedes !== undefined) await shutdown(aedes, listeners, db);
    else await db?.close();
    throw err;
  }
}
