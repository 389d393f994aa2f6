// The worker's vars and secrets, for the type check (tsconfig.json). `wrangler types` writes the
// bindings wrangler.toml declares (DB, DELIVERIES, DEAD_LETTERS, REJECTED, ASSETS) to
// worker-configuration.d.ts; the vars and secrets are set outside it (`wrangler secret put`,
// `--var`), so it can't see them: they are declared here, as docs/worker.md lists them. A var
// set in wrangler.toml [vars] may be a number or a JSON value rather than a string.
declare namespace Cloudflare {
  interface Env {
    /** JSON text of webhook configurations, or the value itself when set as a JSON var. */
    WEBHOOKS?: unknown;
    WEBHOOK_SECRET?: string;
    /** A webhook's own signing secret (config.mjs, secretBindingName). */
    [name: `WEBHOOK_SECRET_${string}`]: string | undefined;
    /** The URL key of a webhook that checks no signature (auth.mjs, keyBindingName). */
    [name: `WEBHOOK_KEY_${string}`]: string | undefined;
    READ_TOKEN?: string;
    ADMIN_TOKEN?: string;
    PORT_CLIENT_ID?: string;
    PORT_CLIENT_SECRET?: string;
    PORT_API_URL?: string;
    PORT_BUDGET_MS?: string | number;
    DEDUPE_TTL_SECONDS?: string | number;
    DELIVERY_RETENTION_DAYS?: string | number;
    /** DELIVERY_RETENTION_DAYS's former name, still read. */
    AUDIT_RETENTION_DAYS?: string | number;
    /** JSON text of blueprints, or the value itself. */
    BLUEPRINTS?: unknown;
    /** JSON text `{"<id>": "<jq>"}`, or the value itself. */
    ORDER_BY?: unknown;
    RETRY_BASE_SECONDS?: string | number;
    RETRY_MAX_SECONDS?: string | number;
    RETRY_BUDGET_SECONDS?: string | number;
    SWEEP_AFTER_SECONDS?: string | number;
    SWEEP_OVERDUE_SECONDS?: string | number;
    QUEUE_MAX_RETRIES?: string | number;
    DEAD_LETTER_QUEUE?: string;
    PROBE_SECONDS?: string | number;
    DRAIN_PER_SECOND?: string | number;
    LEASE_EXTRA_MS?: string | number;
    ADMIN_PAGE_BYTES?: string | number;
    /** Fault injection for the tests only (tests/worker/). */
    HOOKMAP_TEST_FAULT?: string;
  }
}
