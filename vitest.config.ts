import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "broker/**/*.test.ts", "hub/**/*.test.ts", "device-agent/**/*.test.ts", "proto/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests bind real sockets and write real files; two cores, so keep files in a small pool.
    pool: "forks",
    maxWorkers: 2,
  },
});
