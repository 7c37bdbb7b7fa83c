import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseBrokerArgs } from "../../broker/config.js";

describe("verge-broker arguments", () => {
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(chunk.toString());
      return true;
    });
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it("defaults to all interfaces, port 1883 and level persistence", () => {
    expect(parseBrokerArgs(["--data-dir", "./data"])).toEqual({
      ok: true,
      config: { dataDir: "./data", host: "0.0.0.0", port: 1883, persistence: "level" },
    });
  });

  it("takes host, port, persistence and TLS", () => {
    const parsed = parseBrokerArgs([
      "--data-dir=/var/lib/verge", "--host", "127.0.0.1", "--port", "0", "--persistence", "memory",
      "--tls-port", "8883", "--tls-key", "k.pem", "--tls-cert", "c.pem", "--max-service-publish-bytes", "1048576",
    ]);
    expect(parsed).toEqual({
      ok: true,
      config: {
        dataDir: "/var/lib/verge", host: "127.0.0.1", port: 0, persistence: "memory",
        tls: { port: 8883, keyFile: "k.pem", certFile: "c.pem" }, maxServicePublishBytes: 1048576,
      },
    });
  });

  it.each([
    ["no data dir", [], /--data-dir/],
    ["port not a number", ["--data-dir", "d", "--port", "http"], /port number/],
    ["port out of range", ["--data-dir", "d", "--port", "70000"], /port number/],
    ["unknown persistence", ["--data-dir", "d", "--persistence", "redis"], /level, memory/],
    ["a service publish limit below 1 KiB", ["--data-dir", "d", "--max-service-publish-bytes", "100"], /at least 1024/],
    ["half a TLS setup", ["--data-dir", "d", "--tls-port", "8883"], /go together/],
    ["unknown option", ["--data-dir", "d", "--verbose"], /unknown option/],
  ])("refuses %s with exit code 2 and says why", (_name, argv, message) => {
    expect(parseBrokerArgs(argv)).toEqual({ ok: false, exitCode: 2 });
    expect(stderr.join("")).toMatch(message);
  });

  it("exits 0 after --help", () => {
    expect(parseBrokerArgs(["--help"])).toEqual({ ok: false, exitCode: 0 });
  });
});
