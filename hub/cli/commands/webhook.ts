// verge webhook: the notification webhooks of the hub's config, their deliveries, a test notification, and sending a
// delivery that was given up again.
import { Option } from "commander";
import type { DeliveryView, WebhookView } from "../api-types.js";
import type { Cli } from "../context.js";
import { wholeNumber } from "../context.js";
import { ago, relative, table, truncate } from "../format.js";

/** How an attempt ended, in a few words: "ok 200", "HTTP 503: ...", "no answer: ECONNREFUSED". */
function outcome(a: { status: number | null; error: string | null } | null): string {
  if (!a) return "-";
  return a.error ?? `ok ${a.status}`;
}

export function registerWebhookCommands(cli: Cli): void {
  const webhook = cli.program
    .command("webhook")
    .description("notification webhooks (configured in the hub's config file): deliveries, failures, test, retry")
    .addHelpText(
      "after",
      `
Webhooks get pauses, alerts, rollbacks, completions, freezes and cohort switches as signed JSON (see the README,
"Notifications (webhooks)"). Each webhook's deliveries go in order; a failed one is retried with backoff.

Examples:
  verge webhook list
  verge webhook deliveries --webhook ops-chat --status gave_up
  verge webhook test ops-chat --reason "new receiver"
  verge webhook retry 42`,
    );

  webhook
    .command("list")
    .description("each webhook: pending, delivered, failed attempts, given up, the last attempt and the next")
    .action(async () => {
      const res = { webhooks: (await cli.client().getAll<WebhookView>("/api/webhooks", "webhooks")).items };
      cli.print(res, () =>
        res.webhooks.length === 0
          ? "no webhooks configured (webhooks: in the hub's config file)"
          : table(
              ["NAME", "URL", "PENDING", "DELIVERED", "FAILED ATTEMPTS", "GAVE UP", "LAST ATTEMPT", "LAST RESULT", "NEXT ATTEMPT"],
              res.webhooks.map((w) => [
                w.name,
                w.url,
                w.pending,
                w.delivered,
                w.failedAttempts,
                w.gaveUp,
                ago(w.lastAttempt?.at),
                truncate(outcome(w.lastAttempt), 60),
                w.pending > 0 ? relative(w.nextAttemptAt) : "-",
              ]),
            ),
      );
    });

  webhook
    .command("deliveries")
    .option("--webhook <name>", "only this webhook's")
    .addOption(new Option("--status <status>", "only pending, delivered or given up ones").choices(["pending", "delivered", "gave_up"]))
    .option("--limit <n>", "at most n deliveries (read page by page)", wholeNumber("--limit", 1), 100)
    .description("webhook deliveries, newest first")
    .action(async (opts: { webhook?: string; status?: string; limit: number }) => {
      const page = await cli.client().getAll<DeliveryView>("/api/webhooks/deliveries", "deliveries", { webhook: opts.webhook, status: opts.status }, opts.limit);
      const res = { deliveries: page.items, totalCount: page.totalCount };
      cli.print(res, () =>
        table(
          ["ID", "WEBHOOK", "EVENT", "ROLLOUT", "STATUS", "ATTEMPTS", "FAILED", "CREATED", "LAST RESULT", "NEXT ATTEMPT"],
          res.deliveries.map((d) => [
            d.id,
            d.webhook,
            `${d.eventType} #${d.eventId}`,
            d.rolloutId,
            d.status,
            d.attempts,
            d.failedAttempts,
            ago(d.createdAt),
            truncate(outcome(d.lastAttemptAt === null ? null : { status: d.lastStatus, error: d.lastError }), 60),
            d.status === "pending" ? relative(d.nextAttemptAt) : "-",
          ]),
        ),
      );
    });

  webhook
    .command("test")
    .argument("<name>", "the webhook's name in the hub's config")
    .option("--reason <text>", "why (recorded in the audit log and said in the event)")
    .description("send a test event to a webhook, through its queue (release-manager)")
    .addHelpText("after", `\nExample:\n  verge webhook test ops-chat --reason "checking the new receiver"`)
    .action(async (name: string, opts: { reason?: string }) => {
      const res = await cli.client().request<{ delivery: DeliveryView }>("POST", `/api/webhooks/${encodeURIComponent(name)}/test`, { reason: opts.reason });
      cli.print(res, () => `test event queued for webhook ${name} as delivery ${res.delivery.id}; follow it: verge webhook deliveries --webhook ${name}`);
    });

  webhook
    .command("retry")
    .argument("<id>", "the delivery's id (verge webhook deliveries --status gave_up)")
    .option("--reason <text>", "why (recorded in the audit log)")
    .description("queue a delivery that was given up again, ahead of its webhook's queue, with a fresh attempt budget (release-manager)")
    .addHelpText("after", `\nExample:\n  verge webhook retry 42 --reason "receiver fixed"`)
    .action(async (id: string, opts: { reason?: string }) => {
      const res = await cli.client().request<{ delivery: DeliveryView }>("POST", `/api/webhooks/deliveries/${encodeURIComponent(id)}/retry`, { reason: opts.reason });
      const d = res.delivery;
      cli.print(res, () => `delivery ${d.id} (${d.eventType} #${d.eventId} to webhook ${d.webhook}) queued again after ${d.failedAttempts} failed attempt(s)`);
    });
}
