import { inspect } from "node:util";
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

  describe("webhooks", () => {
    const SECRET = "0123456789abcdef-webhook";
    const problemsOf = (input: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
      try {
        parseHubConfig(input, env);
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
      throw new Error("the config was accepted");
    };

    it("a webhook gets every notifiable event type, a 10 s timeout and 10 attempts by default; retry waits 30 s doubling to 1 h", () => {
      const c = parseHubConfig({ webhooks: [{ name: "ops", url: "https://relay.example.net/verge", secret: SECRET }] }, {});
      expect(c.webhooks[0]).toMatchObject({
        name: "ops",
        url: "https://relay.example.net/verge",
        events: ["paused", "alert", "rollback_started", "rollback_overdue", "evaluation_failed", "evaluation_recovered", "completed", "freeze_on", "freeze_off", "cohort_disabled", "cohort_enabled"],
        timeoutMs: 10_000,
        maxAttempts: 10,
      });
      expect(c.webhooks[0]!.secret.reveal()).toBe(SECRET);
      expect(c.webhookRetry).toEqual({ minMs: 30_000, maxMs: 3_600_000 });
      expect(parseHubConfig({}, {}).webhooks).toEqual([]);
    });

    it("reads the secret from an environment variable or a file, and never prints it", () => {
      const { dir, cleanup } = tempDir();
      try {
        const file = join(dir, "hook.secret");
        writeFileSync(file, `${SECRET}-file\n`);
        const c = parseHubConfig(
          {
            webhooks: [
              { name: "from-env", url: "http://127.0.0.1:9/a", secretEnv: "HOOK_SECRET" },
              { name: "from-file", url: "http://127.0.0.1:9/b", secretFile: file },
            ],
          },
          { HOOK_SECRET: `${SECRET}-env` },
        );
        expect(c.webhooks.map((w) => w.secret.reveal())).toEqual([`${SECRET}-env`, `${SECRET}-file`]);
        for (const shown of [JSON.stringify(c), inspect(c, { depth: 10 }), String(c.webhooks[0]!.secret)]) {
          expect(shown).not.toContain(SECRET);
          expect(shown).toContain("[secret]");
        }
      } finally {
        cleanup();
      }
    });

    it("refuses a webhook without a secret, saying why, and a bad URL, naming each path", () => {
      const problems = problemsOf({
        webhooks: [
          { name: "no-secret", url: "https://relay.example.net/verge" },
          { name: "bad-url", url: "relay.example.net/verge", secret: SECRET },
          { name: "ftp", url: "ftp://relay.example.net/verge", secret: SECRET },
        ],
      });
      expect(problems).toEqual([
        'webhooks.0: webhook "no-secret" has no secret: give secret, secretEnv or secretFile (every notification is HMAC-signed; verge sends none unsigned)',
        "webhooks.1.url: not an http:// or https:// URL",
        "webhooks.2.url: not an http:// or https:// URL",
      ]);
    });

    it("refuses two secret sources, a short secret, a missing variable or file, a duplicate name, an unknown event type, bad retry bounds", () => {
      expect(
        problemsOf({
          webhooks: [
            { name: "a", url: "http://h/a", secret: SECRET, secretEnv: "X" },
            { name: "b", url: "http://h/b", secret: SECRET, events: ["paused", "stage_started"] },
          ],
          webhookRetry: { minMs: 5000, maxMs: 1000 },
        }),
      ).toEqual([
        'webhooks.0: webhook "a": give one of secret, secretEnv, secretFile, not secret and secretEnv',
        expect.stringMatching(/^webhooks\.1\.events\.1: Invalid option: expected one of "paused"\|"alert"/) as string,
        "webhookRetry.maxMs: must be at least minMs",
      ]);
      expect(problemsOf({ webhooks: [{ name: "a", url: "http://h/a", secret: SECRET }, { name: "a", url: "http://h/b", secret: SECRET }] })).toEqual([
        'webhooks.1.name: a second webhook named "a": names must be unique',
      ]);
      expect(
        problemsOf(
          {
            webhooks: [
              { name: "short", url: "http://h/a", secret: "hunter2" },
              { name: "env", url: "http://h/b", secretEnv: "NOT_SET" },
              { name: "file", url: "http://h/c", secretFile: "/nonexistent/hook.secret" },
            ],
          },
          {},
        ),
      ).toEqual([
        'webhooks.0.secret: the secret of webhook "short" is 7 characters; use at least 16 random ones (e.g. openssl rand -hex 32)',
        'webhooks.1.secretEnv: environment variable NOT_SET is not set (webhook "env" needs its secret)',
        "webhooks.2.secretFile: cannot read /nonexistent/hook.secret: ENOENT",
      ]);
    });
  });
});
