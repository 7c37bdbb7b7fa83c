// verge scada: MQTT credentials for SCADA / traffic management systems, read-only on verge/v1/rollouts/# (admin only).
import type { CreatedScada, ScadaPrincipal } from "../api-types.js";
import type { Cli } from "../context.js";
import { ago, table } from "../format.js";

export function registerScadaCommands(cli: Cli): void {
  const scada = cli.program
    .command("scada")
    .description("MQTT credentials for SCADA systems: subscribe to verge/v1/rollouts/# and nothing else, publish nothing (admin only)")
    .addHelpText(
      "after",
      `
What a SCADA client gets on verge/v1/rollouts/#:
  verge/v1/rollouts/<id>/status   retained JSON status (stages, gates, counts), kept current
  verge/v1/rollouts/<id>/events   stage changes, pauses (with explanation and links), resumes, rollbacks, completion

Examples:
  verge scada create tms-north --reason "north TMC integration"
  verge scada list
  verge scada disable tms-north`,
    );

  scada
    .command("create")
    .argument("<name>", "the MQTT username (1-64 of A-Z a-z 0-9 . _ -); must not be a device's")
    .option("--reason <text>", "why (recorded in the audit log)")
    .description("create a SCADA credential; its secret is printed once")
    .addHelpText("after", `\nExample:\n  verge scada create tms-north --reason "north TMC integration"`)
    .action(async (name: string, opts: { reason?: string }) => {
      const res = await cli.client().request<CreatedScada>("POST", "/api/scada", { name, reason: opts.reason });
      cli.print(res, () => {
        const url = safeUrl(res.mqttUrl);
        const sub = url
          ? `mosquitto_sub -h ${url.hostname} -p ${url.port || (url.protocol === "mqtts:" ? "8883" : "1883")} -u ${res.principal.username} -P '<secret>' -t '${res.topics}' -v`
          : undefined;
        return [
          `SCADA credential ${res.principal.username} created`,
          `  MQTT username: ${res.principal.username}`,
          `  MQTT secret (shown once, store it now): ${res.secret}`,
          `  broker: ${res.mqttUrl}`,
          `  topics: ${res.topics} (subscribe only): <id>/status retained, <id>/events as they happen`,
          ...(sub ? [`  try it: ${sub}`] : []),
        ].join("\n");
      });
    });

  scada
    .command("list")
    .description("list SCADA credentials (never their secrets)")
    .action(async () => {
      const res = { principals: (await cli.client().getAll<ScadaPrincipal>("/api/scada", "principals")).items };
      cli.print(res, () =>
        table(
          ["NAME", "ROLE", "STATUS", "CREATED"],
          res.principals.map((p) => [p.username, p.role, p.disabledAt ? `disabled ${ago(p.disabledAt)}` : "active", ago(p.createdAt)]),
        ),
      );
    });

  scada
    .command("disable")
    .argument("<name>", "the credential's MQTT username")
    .option("--reason <text>", "why (recorded in the audit log)")
    .description("disable a SCADA credential: it can no longer connect")
    .addHelpText("after", `\nExample:\n  verge scada disable tms-north --reason "integration retired"`)
    .action(async (name: string, opts: { reason?: string }) => {
      const res = await cli.client().request<{ principal: ScadaPrincipal }>("POST", `/api/scada/${encodeURIComponent(name)}/disable`, { reason: opts.reason });
      cli.print(res, () => `SCADA credential ${res.principal.username} disabled`);
    });
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
