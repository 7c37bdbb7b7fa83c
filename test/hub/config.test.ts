import { describe, expect, it } from "vitest";
import { ConfigError, loadHubConfig, parseHubConfig } from "../../hub/config.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/wait.js";
import { packageRoot } from "../../hub/db/database.js";

describe("hub config", () => {
  it("the shipped example file is valid and equals the defaults it documents", () => {
    const example = loadHubConfig(join(packageRoot(), "config", "hub.example.yaml"), {});
    expect(example).toEqual(parseHubConfig({}));
  });

  it("refuses an evaluation schedule node-cron cannot run, naming the key", () => {
    expect(() => parseHubConfig({ rollout: { evaluateCron: "every ten seconds" } })).toThrow(/rollout\.evaluateCron: not a valid node-cron expression/);
  });

  it("defaults to ./data, MQTT 1883 with level persistence, HTTP 8080", () => {
    const c = parseHubConfig({});
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.mqtt).toMatchObject({ port: 1883, persistence: "level" });
    expect(c.http.port).toBe(8080);
  });

  it("reads a YAML file and lets VERGE_* environment variables override it", () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, "hub.yaml");
      writeFileSync(file, "dataDir: /srv/verge\nmqtt:\n  port: 1884\nhttp:\n  port: 9000\n");
      const c = loadHubConfig(file, { VERGE_HTTP_PORT: "0", VERGE_MQTT_PERSISTENCE: "memory" });
      expect(c).toMatchObject({ dataDir: "/srv/verge", mqtt: { port: 1884, persistence: "memory" }, http: { port: 0 } });
    } finally {
      cleanup();
    }
  });

  it("reports every problem of a bad config at once", () => {
    let error: unknown;
    try {
      parseHubConfig({ mqtt: { port: 70000, persistence: "disk" }, http: { port: -1 }, colour: "blue" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toContain("mqtt.port");
    expect(problems).toContain("mqtt.persistence");
    expect(problems).toContain("http.port");
    expect(problems).toMatch(/colour/);
  });

  it("rejects a non-numeric port in the environment and unreadable YAML with the file name", () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, "bad.yaml");
      writeFileSync(file, "mqtt: [unclosed\n");
      expect(() => loadHubConfig(file, { VERGE_MQTT_PORT: "eighteen" })).toThrow(/bad\.yaml[\s\S]*VERGE_MQTT_PORT: expected a whole number/);
    } finally {
      cleanup();
    }
  });
});
