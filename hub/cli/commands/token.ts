// verge token: API tokens bound to a role (admin only). The secret is printed once, at creation.
import { Option } from "commander";
import type { ApiToken } from "../api-types.js";
import type { Cli } from "../context.js";
import { ago, table } from "../format.js";

const ROLES = ["viewer", "operator", "release-manager", "admin"] as const satisfies ReadonlyArray<ApiToken["role"]>;

export function registerTokenCommands(cli: Cli): void {
  const token = cli.program
    .command("token")
    .description("API tokens bound to a role: viewer < operator < release-manager < admin (admin only)")
    .addHelpText(
      "after",
      `
Roles:
  viewer           read everything: devices, releases, rollouts, events, audit
  operator         + pause and resume rollouts, open and close incidents, diagnostics
  release-manager  + releases, rollouts (create, promote, retry, abort, rollback), cohorts
  admin            + tokens, devices (enrollment), SCADA credentials

Examples:
  verge token create ci-pipeline --role release-manager --reason "deploys from CI"
  verge token list
  verge token revoke tok-1a2b3c --reason "laptop lost"`,
    );

  token
    .command("create")
    .argument("<name>", "a name for the token (1-64 of A-Z a-z 0-9 . _ -); the audit log names its actions by it")
    .addOption(new Option("--role <role>", "what the token may do").choices(ROLES).makeOptionMandatory())
    .option("--reason <text>", "why it is created (recorded in the audit log)")
    .description("create a token; its secret is printed once and only its hash is kept")
    .addHelpText("after", `\nExample:\n  verge token create night-shift --role operator --reason "on-call rota"\n  VERGE_TOKEN=<the secret> verge rollout list`)
    .action(async (name: string, opts: { role: string; reason?: string }) => {
      const res = await cli.client().request<{ token: ApiToken; secret: string }>("POST", "/api/tokens", { name, role: opts.role, reason: opts.reason });
      cli.print(res, () =>
        [
          `token ${res.token.id} "${res.token.name}" created with role ${res.token.role}`,
          `  secret (shown once, store it now): ${res.secret}`,
          `  use it: export VERGE_TOKEN=<secret>, or put "token: <secret>" in the CLI config file (see verge --help)`,
        ].join("\n"),
      );
    });

  token
    .command("list")
    .description("list tokens (never their secrets), revoked ones included")
    .action(async () => {
      const res = { tokens: (await cli.client().getAll<ApiToken>("/api/tokens", "tokens")).items };
      cli.print(res, () =>
        table(
          ["ID", "NAME", "ROLE", "STATUS", "CREATED", "BY", "LAST USED"],
          res.tokens.map((t) => [t.id, t.name, t.role, t.revokedAt ? `revoked ${ago(t.revokedAt)}` : "active", ago(t.createdAt), t.createdBy, ago(t.lastUsedAt)]),
        ),
      );
    });

  token
    .command("revoke")
    .argument("<id>", "token id (the ID column of verge token list)")
    .option("--reason <text>", "why (recorded in the audit log)")
    .description("revoke a token: it is refused from now on (exit code 4 for whoever uses it)")
    .addHelpText("after", `\nExample:\n  verge token revoke tok-1a2b3c --reason "laptop lost"`)
    .action(async (id: string, opts: { reason?: string }) => {
      const res = await cli.client().request<{ token: ApiToken }>("POST", `/api/tokens/${encodeURIComponent(id)}/revoke`, { reason: opts.reason });
      cli.print(res, () => `token ${res.token.id} "${res.token.name}" (role ${res.token.role}) revoked`);
    });
}
