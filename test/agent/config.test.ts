// Agent config: the shape the hub's enrollment writes, defaults, and every problem listed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateSigningKey, publicKeyToBase64 } from "../../proto/index.js";
import { loadAgentConfig, parseAgentConfig } from "../../device-agent/config.js";
import { tempDir } from "../helpers/wait.js";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir("verge-config-")));
afterEach(() => cleanup());

const key = publicKeyToBase64(generateSigningKey().publicKey);

describe("agent config", () => {
  it("loads YAML with defaults filled in", () => {
    const file = join(dir, "agent.yaml");
    writeFileSync(
      file,
      [
        "deviceId: sc-0001",
        'secret: "c2VjcmV0"',
        "variant: sc-x1",
        'hub: { mqttUrl: "mqtt://127.0.0.1:1883", httpUrl: "http://127.0.0.1:8080" }',
        `trustedKeys: { release: ["${key}"], hub: ["${key}"] }`,
        "dataDir: /var/lib/verge-agent",
      ].join("\n"),
    );
    const result = loadAgentConfig(file);
    expect(result).toMatchObject({
      ok: true,
      config: {
        deviceId: "sc-0001",
        heartbeatIntervalS: 60,
        inventory: { baseImageVersion: "unknown" },
        mqtt: { keepaliveS: 60, reconnectJitterMs: 30_000, connectJitterMs: 5_000, reconnectMinMs: 1000, reconnectMaxMs: 60_000 },
        kpi: { intervalS: 60, source: { kind: "agent" } },
        logLevel: "info",
      },
    });
  });

  it("loads JSON and lists every problem with its path", () => {
    const file = join(dir, "agent.json");
    writeFileSync(
      file,
      JSON.stringify({
        deviceId: "bad id!",
        secret: "x",
        variant: "sc-x1",
        hub: { mqttUrl: "http://nope", httpUrl: "http://127.0.0.1:8080" },
        trustedKeys: { release: ["c2hvcnQ="], hub: [] },
        dataDir: "/data",
        mqtt: { reconnectMinMs: 5000, reconnectMaxMs: 1000 },
      }),
    );
    const result = loadAgentConfig(file);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["deviceId", "hub.mqttUrl", "trustedKeys.release.0", "trustedKeys.hub", "mqtt.reconnectMaxMs"]));
  });

  it("takes a KPI source by kind, fills its defaults, and names a wrong one by path", () => {
    const base = {
      deviceId: "sc-0001",
      secret: "x",
      variant: "sc-x1",
      hub: { mqttUrl: "mqtt://127.0.0.1:1883", httpUrl: "http://127.0.0.1:8080" },
      trustedKeys: { release: [key], hub: [key] },
      dataDir: "/data",
    };
    expect(parseAgentConfig({ ...base, kpi: { intervalS: 30, source: { kind: "command", command: "/usr/bin/app-kpis" } } })).toMatchObject({
      ok: true,
      config: { kpi: { intervalS: 30, source: { kind: "command", command: "/usr/bin/app-kpis", args: [], timeoutMs: 10_000 } } },
    });
    expect(parseAgentConfig({ ...base, kpi: { source: { kind: "file", path: "/run/app/kpis.json" } } })).toMatchObject({
      ok: true,
      config: { kpi: { intervalS: 60, source: { kind: "file", path: "/run/app/kpis.json" } } },
    });
    const bad = parseAgentConfig({ ...base, kpi: { intervalS: 0, source: { kind: "file", path: "/x", command: "y" } } });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["kpi.intervalS", "kpi.source"]));
    const unknown = parseAgentConfig({ ...base, kpi: { source: { kind: "snmp" } } });
    expect(unknown.ok ? [] : unknown.problems.map((p) => p.path)).toEqual(["kpi.source.kind"]);
  });

  it("takes an optional health check block: defaults, fractional seconds, a command, and wrong keys named by path", () => {
    const base = {
      deviceId: "sc-0001",
      secret: "x",
      variant: "sc-x1",
      hub: { mqttUrl: "mqtt://127.0.0.1:1883", httpUrl: "http://127.0.0.1:8080" },
      trustedKeys: { release: [key], hub: [key] },
      dataDir: "/data",
    };
    expect(parseAgentConfig(base)).toMatchObject({ ok: true, config: { healthCheck: { args: [], timeoutMs: 30_000, intervalS: 5, spanS: 60 } } });
    const withCommand = parseAgentConfig({ ...base, healthCheck: { command: "/usr/lib/traffic-app/healthy", intervalS: 0.5 } });
    expect(withCommand).toMatchObject({ ok: true, config: { healthCheck: { command: "/usr/lib/traffic-app/healthy", args: [], timeoutMs: 30_000, intervalS: 0.5, spanS: 60 } } });
    const bad = parseAgentConfig({ ...base, healthCheck: { intervalS: 0, spanS: -1, timeoutMs: 1.5, retries: 3 } });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["healthCheck.intervalS", "healthCheck.spanS", "healthCheck.timeoutMs", "healthCheck"]));
    const argsOnly = parseAgentConfig({ ...base, healthCheck: { args: ["--quick"] } });
    expect(argsOnly.ok ? [] : argsOnly.problems).toEqual([{ path: "healthCheck.args", message: "args given without a command" }]);
  });

  it("reports an unreadable file as a problem, not an exception", () => {
    expect(loadAgentConfig(join(dir, "missing.yaml"))).toMatchObject({ ok: false, problems: [{ path: "(file)" }] });
  });
});
